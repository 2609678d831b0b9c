package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
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
	g.b.Inst(x86.AMOVQ, amd64.Imm(int64(w.c[i])), amd64.Reg(scratch))
	return amd64.Reg(scratch)
}

// mul lowers MUL: the low 256 bits of a*b, schoolbook, as uint256's Mul
// computes them: the full 128-bit products where they carry into a higher
// limb, the low halves (IMULQ) where they only reach limb 3.
func (g *nativeGen) mul(a, b word, d int32) {
	ax, dx, cx, bx := amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_DX), amd64.Reg(x86.REG_CX), amd64.Reg(x86.REG_BX)
	const si = int16(x86.REG_SI)
	r0, r1, r2, r3 := amd64.Reg(resultRegs[0]), amd64.Reg(resultRegs[1]), amd64.Reg(resultRegs[2]), amd64.Reg(resultRegs[3])
	// mulAdd sets DX:AX = a[i]*b[j] + acc (+ CX when carry), CX = DX.
	mulAdd := func(i, j int, acc *obj.Addr, carry bool, out obj.Addr) {
		g.load(a, i, x86.REG_AX)
		g.b.Inst(x86.AMULQ, g.rm(b, j, si), obj.Addr{})
		if acc != nil {
			g.b.Inst(x86.AADDQ, *acc, ax)
			g.b.Inst(x86.AADCQ, amd64.Imm(0), dx)
		}
		if carry {
			g.b.Inst(x86.AADDQ, cx, ax)
			g.b.Inst(x86.AADCQ, amd64.Imm(0), dx)
		}
		g.b.Inst(x86.AMOVQ, ax, out)
		g.b.Inst(x86.AMOVQ, dx, cx)
	}
	// lowMulAdd adds the low half of a[i]*b[j] to R13.
	lowMulAdd := func(i, j int) {
		g.load(a, i, x86.REG_BX)
		g.b.Inst(x86.AIMULQ, g.rm(b, j, si), bx)
		g.b.Inst(x86.AADDQ, bx, r3)
	}
	mulAdd(0, 0, nil, false, r0)
	mulAdd(1, 0, nil, true, r1)
	mulAdd(2, 0, nil, true, r2)
	g.load(a, 3, resultRegs[3])
	g.b.Inst(x86.AIMULQ, g.rm(b, 0, si), r3)
	g.b.Inst(x86.AADDQ, cx, r3)
	mulAdd(0, 1, &r1, false, r1)
	mulAdd(1, 1, &r2, true, r2)
	lowMulAdd(2, 1)
	g.b.Inst(x86.AADDQ, cx, r3)
	mulAdd(0, 2, &r2, false, r2)
	lowMulAdd(1, 2)
	g.b.Inst(x86.AADDQ, cx, r3)
	lowMulAdd(0, 3)
	g.storeResult(d)
}

// storeResult stores R8, R9, R10, R13 as the limbs of slot d.
func (g *nativeGen) storeResult(d int32) {
	for i, r := range resultRegs {
		g.b.Inst(x86.AMOVQ, amd64.Reg(r), limb(d, i))
	}
}

// shiftBy lowers SHL, SHR or SAR of slot v by the amount in slot n: by
// whole limbs in two steps (128, then 64), then by the bits left with
// double-width shifts, which leave a limb alone for a count of 0.
func (g *nativeGen) shiftBy(op blocks.Opcode, n, v, d int32) {
	cx, ax := amd64.Reg(x86.REG_CX), amd64.Reg(x86.REG_AX)
	r := resultRegs
	for i := range 4 {
		g.b.Inst(x86.AMOVQ, limb(v, i), amd64.Reg(r[i]))
	}
	// fill is what shifts in: the sign for SAR, else zero (in DX).
	g.b.Inst(x86.AMOVQ, amd64.Imm(0), amd64.Reg(x86.REG_DX))
	if op == blocks.SAR {
		g.b.Inst(x86.AMOVQ, amd64.Reg(r[3]), amd64.Reg(x86.REG_DX))
		g.b.Inst(x86.ASARQ, amd64.Imm(63), amd64.Reg(x86.REG_DX))
	}
	out := g.label()
	all := g.label() // the amount is 256 or more: every limb is fill
	g.b.Inst(x86.AMOVQ, limb(n, 1), ax)
	g.b.Inst(x86.AORQ, limb(n, 2), ax)
	g.b.Inst(x86.AORQ, limb(n, 3), ax)
	g.b.Jump(x86.AJNE, all)
	g.b.Inst(x86.AMOVQ, limb(n, 0), cx)
	g.b.Inst(x86.ACMPQ, cx, amd64.Imm(256))
	g.b.Jump(x86.AJCC, all)
	// move shifts the limbs by k toward the top (SHL) or the bottom.
	move := func(k int) {
		if op == blocks.SHL {
			for i := 3; i >= 0; i-- {
				if i >= k {
					g.b.Inst(x86.AMOVQ, amd64.Reg(r[i-k]), amd64.Reg(r[i]))
				} else {
					g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_DX), amd64.Reg(r[i]))
				}
			}
			return
		}
		for i := range 4 {
			if i+k <= 3 {
				g.b.Inst(x86.AMOVQ, amd64.Reg(r[i+k]), amd64.Reg(r[i]))
			} else {
				g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_DX), amd64.Reg(r[i]))
			}
		}
	}
	for _, k := range []int{2, 1} {
		skip := g.label()
		g.b.Inst(x86.ACMPQ, cx, amd64.Imm(int64(64*k)))
		g.b.Jump(x86.AJCS, skip)
		move(k)
		g.b.Inst(x86.ASUBQ, amd64.Imm(int64(64*k)), cx)
		g.b.Add(skip)
	}
	// Shift by CL (0-63): each limb takes the bits crossing from its
	// neighbour, read before that neighbour shifts.
	double := func(as obj.As, from, to int16) {
		g.b.Inst(as, cx, amd64.Reg(to)).RestArgs = []obj.Addr{amd64.Reg(from)}
	}
	if op == blocks.SHL {
		for i := 3; i > 0; i-- {
			double(x86.ASHLQ, r[i-1], r[i])
		}
		g.b.Inst(x86.ASHLQ, cx, amd64.Reg(r[0]))
	} else {
		for i := range 3 {
			double(x86.ASHRQ, r[i+1], r[i])
		}
		top := x86.ASHRQ
		if op == blocks.SAR {
			top = x86.ASARQ
		}
		g.b.Inst(top, cx, amd64.Reg(r[3]))
	}
	g.b.Jump(obj.AJMP, out)
	g.b.Add(all)
	for i := range 4 {
		g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_DX), amd64.Reg(r[i]))
	}
	g.b.Add(out)
	g.storeResult(d)
}

// byteOf lowers BYTE: byte i (0 the most significant) of word v, 0 when i
// is 32 or more.
func (g *nativeGen) byteOf(i word, v int32, d int32) {
	ax, cx, si := amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_CX), amd64.Reg(x86.REG_SI)
	zero, out := g.label(), g.label()
	if i.c != nil {
		if !i.c.LtUint64(32) {
			g.b.Inst(x86.AMOVQ, amd64.Imm(0), ax)
		} else {
			k := i.c.Uint64()
			g.b.Inst(x86.AMOVQ, limb(v, 3-int(k/8)), ax)
			g.b.Inst(x86.ASHRQ, amd64.Imm(int64(56-8*(k%8))), ax)
			g.b.Inst(x86.AANDQ, amd64.Imm(0xff), ax)
		}
	} else {
		g.b.Inst(x86.AMOVQ, limb(i.slot, 1), ax)
		g.b.Inst(x86.AORQ, limb(i.slot, 2), ax)
		g.b.Inst(x86.AORQ, limb(i.slot, 3), ax)
		g.b.Jump(x86.AJNE, zero)
		g.b.Inst(x86.AMOVQ, limb(i.slot, 0), cx)
		g.b.Inst(x86.ACMPQ, cx, amd64.Imm(32))
		g.b.Jump(x86.AJCC, zero)
		// The limb is 3 - i/8, the shift 56 - 8*(i%8).
		g.b.Inst(x86.AMOVQ, cx, si)
		g.b.Inst(x86.ASHRQ, amd64.Imm(3), si)
		g.b.Inst(x86.ANEGQ, obj.Addr{}, si)
		g.b.Inst(x86.AMOVQ, amd64.MemIndex(regSP, x86.REG_SI, 8, int64(v)*StackWordSize+24), ax)
		g.b.Inst(x86.AANDQ, amd64.Imm(7), cx)
		g.b.Inst(x86.ASHLQ, amd64.Imm(3), cx)
		g.b.Inst(x86.ANEGQ, obj.Addr{}, cx)
		g.b.Inst(x86.AADDQ, amd64.Imm(56), cx)
		g.b.Inst(x86.ASHRQ, cx, ax)
		g.b.Inst(x86.AANDQ, amd64.Imm(0xff), ax)
		g.b.Jump(obj.AJMP, out)
		g.b.Add(zero)
		g.b.Inst(x86.AMOVQ, amd64.Imm(0), ax)
		g.b.Add(out)
	}
	g.b.Inst(x86.AMOVQ, ax, limb(d, 0))
	for l := 1; l < 4; l++ {
		g.b.Inst(x86.AMOVQ, amd64.Imm(0), limb(d, l))
	}
}

// signExtend lowers SIGNEXTEND: word x with the bits above bit 8b+7 set to
// that bit, for b below 31 (b is the top operand); x itself otherwise.
func (g *nativeGen) signExtend(b word, x int32, d int32) {
	r := resultRegs
	for i := range 4 {
		g.b.Inst(x86.AMOVQ, limb(x, i), amd64.Reg(r[i]))
	}
	// extend sign-extends limb q from bit 63-CL (CL is the shift that
	// brings that bit to the top) and fills the limbs above with its sign.
	extend := func(q int, count obj.Addr) {
		g.b.Inst(x86.ASHLQ, count, amd64.Reg(r[q]))
		g.b.Inst(x86.ASARQ, count, amd64.Reg(r[q]))
		if q < 3 {
			g.b.Inst(x86.AMOVQ, amd64.Reg(r[q]), amd64.Reg(x86.REG_AX))
			g.b.Inst(x86.ASARQ, amd64.Imm(63), amd64.Reg(x86.REG_AX))
			for j := q + 1; j < 4; j++ {
				g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_AX), amd64.Reg(r[j]))
			}
		}
	}
	if b.c != nil {
		if b.c.LtUint64(31) {
			n := b.c.Uint64()*8 + 7
			extend(int(n/64), amd64.Imm(int64(63-n%64)))
		}
		g.storeResult(d)
		return
	}
	done := g.label()
	g.b.Inst(x86.AMOVQ, limb(b.slot, 1), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.AORQ, limb(b.slot, 2), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.AORQ, limb(b.slot, 3), amd64.Reg(x86.REG_AX))
	g.b.Jump(x86.AJNE, done)
	g.b.Inst(x86.AMOVQ, limb(b.slot, 0), amd64.Reg(x86.REG_CX))
	g.b.Inst(x86.ACMPQ, amd64.Reg(x86.REG_CX), amd64.Imm(31))
	g.b.Jump(x86.AJCC, done)
	// n = 8b+7; the limb q = n/64 in DX, the shift 63 - n%64 in CX.
	g.b.Inst(x86.ASHLQ, amd64.Imm(3), amd64.Reg(x86.REG_CX))
	g.b.Inst(x86.AADDQ, amd64.Imm(7), amd64.Reg(x86.REG_CX))
	g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_CX), amd64.Reg(x86.REG_DX))
	g.b.Inst(x86.ASHRQ, amd64.Imm(6), amd64.Reg(x86.REG_DX))
	g.b.Inst(x86.AANDQ, amd64.Imm(63), amd64.Reg(x86.REG_CX))
	g.b.Inst(x86.ANEGQ, obj.Addr{}, amd64.Reg(x86.REG_CX))
	g.b.Inst(x86.AADDQ, amd64.Imm(63), amd64.Reg(x86.REG_CX))
	for q := range 4 {
		next := g.label()
		g.b.Inst(x86.ACMPQ, amd64.Reg(x86.REG_DX), amd64.Imm(int64(q)))
		g.b.Jump(x86.AJNE, next)
		extend(q, amd64.Reg(x86.REG_CX))
		g.b.Jump(obj.AJMP, done)
		g.b.Add(next)
	}
	g.b.Add(done)
	g.storeResult(d)
}

// divMod lowers DIV, SDIV, MOD or SMOD (in, of block bi at i) whose
// dividend is below 2^128 and divisor below 2^64, not zero, and whose
// quotient fits a limb: one DIVQ. Both are then non-negative, so the
// signed forms are the unsigned ones. Any other operands (wider, negative,
// a zero divisor) take the instruction's closure at an exit placed after
// the blocks. The divisor is a slot, or for DIV and MOD a constant
// (classify accepts only one that fits a limb and is not zero).
func (g *nativeGen) divMod(in *irInstr, ir *irBlock, bi, i uint32) {
	ax, cx, dx := amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_CX), amd64.Reg(x86.REG_DX)
	done := g.label()
	slow := g.coldExit(ExitCallGo, bi, i, 1, done)
	a := in.src[0]
	g.b.Inst(x86.AMOVQ, limb(a, 2), ax)
	g.b.Inst(x86.AORQ, limb(a, 3), ax)
	g.b.Jump(x86.AJNE, slow)
	if in.form == irConst {
		g.b.Inst(x86.AMOVQ, amd64.Imm(int64(ir.consts[in.c][0])), cx)
	} else {
		b := in.src[1]
		g.b.Inst(x86.AMOVQ, limb(b, 1), ax)
		g.b.Inst(x86.AORQ, limb(b, 2), ax)
		g.b.Inst(x86.AORQ, limb(b, 3), ax)
		g.b.Jump(x86.AJNE, slow)
		g.b.Inst(x86.AMOVQ, limb(b, 0), cx)
		g.b.Inst(x86.ATESTQ, cx, cx)
		g.b.Jump(x86.AJEQ, slow) // the result of a division by zero is Go's to give
	}
	// DIVQ faults unless the high limb is below the divisor.
	g.b.Inst(x86.AMOVQ, limb(a, 1), dx)
	g.b.Inst(x86.ACMPQ, dx, cx)
	g.b.Jump(x86.AJCC, slow)
	g.b.Inst(x86.AMOVQ, limb(a, 0), ax)
	g.b.Inst(x86.ADIVQ, cx, obj.Addr{})
	result := ax // the quotient
	if in.op == blocks.MOD || in.op == blocks.SMOD {
		result = dx // the remainder
	}
	g.b.Inst(x86.AMOVQ, result, limb(in.dst, 0))
	for l := 1; l < 4; l++ {
		g.b.Inst(x86.AMOVQ, amd64.Imm(0), limb(in.dst, l))
	}
	g.b.Add(done)
}
