package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
)

// Multiplication, shifts by a computed amount and BYTE in machine code.
// The results are built in R8, R9, R10 and R13 (limbs 0-3) from operands
// read in place, and stored last: the result slot may be an operand.

var resultRegs = [4]int16{x86.REG_R8, x86.REG_R9, x86.REG_R10, x86.REG_R13}

// rm returns limb i of w as a register-or-memory operand (MULQ and IMULQ
// take no immediate), loading a constant into scratch.
func (g *nativeGen) rm(w word, i int, scratch int16) obj.Addr {
	if w.c == nil {
		return limb(w.slot, i)
	}
	g.emit(x86.AMOVQ, imm(int64(w.c[i])), reg(scratch))
	return reg(scratch)
}

// mul lowers MUL: the low 256 bits of a*b, schoolbook, as uint256's Mul
// computes them: the full 128-bit products where they carry into a higher
// limb, the low halves (IMULQ) where they only reach limb 3.
func (g *nativeGen) mul(a, b word, d int32) {
	ax, dx, cx, bx := reg(x86.REG_AX), reg(x86.REG_DX), reg(x86.REG_CX), reg(x86.REG_BX)
	const si = int16(x86.REG_SI)
	r0, r1, r2, r3 := reg(resultRegs[0]), reg(resultRegs[1]), reg(resultRegs[2]), reg(resultRegs[3])
	// mulAdd sets DX:AX = a[i]*b[j] + acc (+ CX when carry), CX = DX.
	mulAdd := func(i, j int, acc *obj.Addr, carry bool, out obj.Addr) {
		g.load(a, i, x86.REG_AX)
		g.emit(x86.AMULQ, g.rm(b, j, si), obj.Addr{})
		if acc != nil {
			g.emit(x86.AADDQ, *acc, ax)
			g.emit(x86.AADCQ, imm(0), dx)
		}
		if carry {
			g.emit(x86.AADDQ, cx, ax)
			g.emit(x86.AADCQ, imm(0), dx)
		}
		g.emit(x86.AMOVQ, ax, out)
		g.emit(x86.AMOVQ, dx, cx)
	}
	// lowMulAdd adds the low half of a[i]*b[j] to R13.
	lowMulAdd := func(i, j int) {
		g.load(a, i, x86.REG_BX)
		g.emit(x86.AIMULQ, g.rm(b, j, si), bx)
		g.emit(x86.AADDQ, bx, r3)
	}
	mulAdd(0, 0, nil, false, r0)
	mulAdd(1, 0, nil, true, r1)
	mulAdd(2, 0, nil, true, r2)
	g.load(a, 3, resultRegs[3])
	g.emit(x86.AIMULQ, g.rm(b, 0, si), r3)
	g.emit(x86.AADDQ, cx, r3)
	mulAdd(0, 1, &r1, false, r1)
	mulAdd(1, 1, &r2, true, r2)
	lowMulAdd(2, 1)
	g.emit(x86.AADDQ, cx, r3)
	mulAdd(0, 2, &r2, false, r2)
	lowMulAdd(1, 2)
	g.emit(x86.AADDQ, cx, r3)
	lowMulAdd(0, 3)
	g.storeResult(d)
}

// storeResult stores R8, R9, R10, R13 as the limbs of slot d.
func (g *nativeGen) storeResult(d int32) {
	for i, r := range resultRegs {
		g.emit(x86.AMOVQ, reg(r), limb(d, i))
	}
}

// shiftBy lowers SHL, SHR or SAR of slot v by the amount in slot n: by
// whole limbs in two steps (128, then 64), then by the bits left with
// double-width shifts, which leave a limb alone for a count of 0.
func (g *nativeGen) shiftBy(op blocks.Opcode, n, v, d int32) {
	cx, ax := reg(x86.REG_CX), reg(x86.REG_AX)
	r := resultRegs
	for i := range 4 {
		g.emit(x86.AMOVQ, limb(v, i), reg(r[i]))
	}
	// fill is what shifts in: the sign for SAR, else zero (in DX).
	g.emit(x86.AMOVQ, imm(0), reg(x86.REG_DX))
	if op == blocks.SAR {
		g.emit(x86.AMOVQ, reg(r[3]), reg(x86.REG_DX))
		g.emit(x86.ASARQ, imm(63), reg(x86.REG_DX))
	}
	out := g.label()
	all := g.label() // the amount is 256 or more: every limb is fill
	g.emit(x86.AMOVQ, limb(n, 1), ax)
	g.emit(x86.AORQ, limb(n, 2), ax)
	g.emit(x86.AORQ, limb(n, 3), ax)
	g.jump(x86.AJNE, all)
	g.emit(x86.AMOVQ, limb(n, 0), cx)
	g.emit(x86.ACMPQ, cx, imm(256))
	g.jump(x86.AJCC, all)
	// move shifts the limbs by k toward the top (SHL) or the bottom.
	move := func(k int) {
		if op == blocks.SHL {
			for i := 3; i >= 0; i-- {
				if i >= k {
					g.emit(x86.AMOVQ, reg(r[i-k]), reg(r[i]))
				} else {
					g.emit(x86.AMOVQ, reg(x86.REG_DX), reg(r[i]))
				}
			}
			return
		}
		for i := range 4 {
			if i+k <= 3 {
				g.emit(x86.AMOVQ, reg(r[i+k]), reg(r[i]))
			} else {
				g.emit(x86.AMOVQ, reg(x86.REG_DX), reg(r[i]))
			}
		}
	}
	for _, k := range []int{2, 1} {
		skip := g.label()
		g.emit(x86.ACMPQ, cx, imm(int64(64*k)))
		g.jump(x86.AJCS, skip)
		move(k)
		g.emit(x86.ASUBQ, imm(int64(64*k)), cx)
		g.place(skip)
	}
	// Shift by CL (0-63): each limb takes the bits crossing from its
	// neighbour, read before that neighbour shifts.
	double := func(as obj.As, from, to int16) {
		p := g.b.Prog()
		p.As, p.From, p.To = as, cx, reg(to)
		p.RestArgs = []obj.Addr{reg(from)}
		g.b.Add(p)
	}
	if op == blocks.SHL {
		for i := 3; i > 0; i-- {
			double(x86.ASHLQ, r[i-1], r[i])
		}
		g.emit(x86.ASHLQ, cx, reg(r[0]))
	} else {
		for i := range 3 {
			double(x86.ASHRQ, r[i+1], r[i])
		}
		top := x86.ASHRQ
		if op == blocks.SAR {
			top = x86.ASARQ
		}
		g.emit(top, cx, reg(r[3]))
	}
	g.jump(obj.AJMP, out)
	g.place(all)
	for i := range 4 {
		g.emit(x86.AMOVQ, reg(x86.REG_DX), reg(r[i]))
	}
	g.place(out)
	g.storeResult(d)
}

// byteOf lowers BYTE: byte i (0 the most significant) of word v, 0 when i
// is 32 or more.
func (g *nativeGen) byteOf(i word, v int32, d int32) {
	ax, cx, si := reg(x86.REG_AX), reg(x86.REG_CX), reg(x86.REG_SI)
	zero, out := g.label(), g.label()
	if i.c != nil {
		if !i.c.LtUint64(32) {
			g.emit(x86.AMOVQ, imm(0), ax)
		} else {
			k := i.c.Uint64()
			g.emit(x86.AMOVQ, limb(v, 3-int(k/8)), ax)
			g.emit(x86.ASHRQ, imm(int64(56-8*(k%8))), ax)
			g.emit(x86.AANDQ, imm(0xff), ax)
		}
	} else {
		g.emit(x86.AMOVQ, limb(i.slot, 1), ax)
		g.emit(x86.AORQ, limb(i.slot, 2), ax)
		g.emit(x86.AORQ, limb(i.slot, 3), ax)
		g.jump(x86.AJNE, zero)
		g.emit(x86.AMOVQ, limb(i.slot, 0), cx)
		g.emit(x86.ACMPQ, cx, imm(32))
		g.jump(x86.AJCC, zero)
		// The limb is 3 - i/8, the shift 56 - 8*(i%8).
		g.emit(x86.AMOVQ, cx, si)
		g.emit(x86.ASHRQ, imm(3), si)
		g.emit(x86.ANEGQ, obj.Addr{}, si)
		g.emit(x86.AMOVQ, obj.Addr{Type: obj.TYPE_MEM, Reg: regSP, Index: x86.REG_SI, Scale: 8, Offset: int64(v)*StackWordSize + 24}, ax)
		g.emit(x86.AANDQ, imm(7), cx)
		g.emit(x86.ASHLQ, imm(3), cx)
		g.emit(x86.ANEGQ, obj.Addr{}, cx)
		g.emit(x86.AADDQ, imm(56), cx)
		g.emit(x86.ASHRQ, cx, ax)
		g.emit(x86.AANDQ, imm(0xff), ax)
		g.jump(obj.AJMP, out)
		g.place(zero)
		g.emit(x86.AMOVQ, imm(0), ax)
		g.place(out)
	}
	g.emit(x86.AMOVQ, ax, limb(d, 0))
	for l := 1; l < 4; l++ {
		g.emit(x86.AMOVQ, imm(0), limb(d, l))
	}
}

// signExtend lowers SIGNEXTEND: word x with the bits above bit 8b+7 set to
// that bit, for b below 31 (b is the top operand); x itself otherwise.
func (g *nativeGen) signExtend(b word, x int32, d int32) {
	r := resultRegs
	for i := range 4 {
		g.emit(x86.AMOVQ, limb(x, i), reg(r[i]))
	}
	// extend sign-extends limb q from bit 63-CL (CL is the shift that
	// brings that bit to the top) and fills the limbs above with its sign.
	extend := func(q int, count obj.Addr) {
		g.emit(x86.ASHLQ, count, reg(r[q]))
		g.emit(x86.ASARQ, count, reg(r[q]))
		if q < 3 {
			g.emit(x86.AMOVQ, reg(r[q]), reg(x86.REG_AX))
			g.emit(x86.ASARQ, imm(63), reg(x86.REG_AX))
			for j := q + 1; j < 4; j++ {
				g.emit(x86.AMOVQ, reg(x86.REG_AX), reg(r[j]))
			}
		}
	}
	if b.c != nil {
		if b.c.LtUint64(31) {
			n := b.c.Uint64()*8 + 7
			extend(int(n/64), imm(int64(63-n%64)))
		}
		g.storeResult(d)
		return
	}
	done := g.label()
	g.emit(x86.AMOVQ, limb(b.slot, 1), reg(x86.REG_AX))
	g.emit(x86.AORQ, limb(b.slot, 2), reg(x86.REG_AX))
	g.emit(x86.AORQ, limb(b.slot, 3), reg(x86.REG_AX))
	g.jump(x86.AJNE, done)
	g.emit(x86.AMOVQ, limb(b.slot, 0), reg(x86.REG_CX))
	g.emit(x86.ACMPQ, reg(x86.REG_CX), imm(31))
	g.jump(x86.AJCC, done)
	// n = 8b+7; the limb q = n/64 in DX, the shift 63 - n%64 in CX.
	g.emit(x86.ASHLQ, imm(3), reg(x86.REG_CX))
	g.emit(x86.AADDQ, imm(7), reg(x86.REG_CX))
	g.emit(x86.AMOVQ, reg(x86.REG_CX), reg(x86.REG_DX))
	g.emit(x86.ASHRQ, imm(6), reg(x86.REG_DX))
	g.emit(x86.AANDQ, imm(63), reg(x86.REG_CX))
	g.emit(x86.ANEGQ, obj.Addr{}, reg(x86.REG_CX))
	g.emit(x86.AADDQ, imm(63), reg(x86.REG_CX))
	for q := range 4 {
		next := g.label()
		g.emit(x86.ACMPQ, reg(x86.REG_DX), imm(int64(q)))
		g.jump(x86.AJNE, next)
		extend(q, reg(x86.REG_CX))
		g.jump(obj.AJMP, done)
		g.place(next)
	}
	g.place(done)
	g.storeResult(d)
}
