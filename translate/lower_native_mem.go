package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
)

// Memory words and constant shifts in machine code. MLOAD and MSTORE run
// inline when the word lies within the memory the frame already has (no
// growth, so no gas beyond the block's) and, for MSTORE, no caller is
// watching the memory (memory_watch.go); otherwise the instruction is an
// exit to Go like any other, taken only on that path.

// memOp lowers MLOAD or MSTORE of the IR instruction in (block bi,
// instruction i), reporting false for a form it does not inline.
func (g *nativeGen) memOp(in *irInstr, ir *irBlock, bi, i uint32) bool {
	slow, grow, again := g.label(), g.label(), g.label()
	end := reg(x86.REG_R9) // where the word ends
	g.place(again)
	switch in.form {
	case irConst:
		c := &ir.consts[in.c]
		if !c.IsUint64() || c.Uint64() > 1<<30 || (in.op == blocks.MSTORE && in.ci != 0) {
			return false
		}
		g.emit(x86.AMOVQ, imm(int64(c.Uint64())+32), end)
	case irSlots:
		// An offset of 2^30 or more is left to Go: its gas alone is past
		// any block's gas limit, and Go words the errors.
		k := in.src[0]
		g.emit(x86.AMOVQ, limb(k, 1), reg(x86.REG_AX))
		g.emit(x86.AORQ, limb(k, 2), reg(x86.REG_AX))
		g.emit(x86.AORQ, limb(k, 3), reg(x86.REG_AX))
		g.jump(x86.AJNE, slow)
		g.emit(x86.AMOVQ, limb(k, 0), end)
		g.emit(x86.ACMPQ, end, imm(1<<30))
		g.jump(x86.AJHI, slow)
		g.emit(x86.AADDQ, imm(32), end)
	default:
		return false
	}
	g.emit(x86.ACMPQ, frameField(FrameMemLenOffset), end)
	g.jump(x86.AJCS, grow) // the memory is shorter than end
	g.emit(x86.AMOVQ, frameField(FrameMemDataOffset), reg(x86.REG_SI))
	g.emit(x86.AADDQ, end, reg(x86.REG_SI))
	g.coldCode = append(g.coldCode, func() { g.growMemory(grow, again, slow) })
	// SI is where the word ends in memory: big-endian, so limb l is the
	// byte-swapped quadword at -8-8l.
	if in.op == blocks.MLOAD {
		for l, r := range wordRegs {
			g.emit(x86.AMOVQ, mem(x86.REG_SI, int64(-8-8*l)), reg(r))
			g.emit(x86.ABSWAPQ, obj.Addr{}, reg(r))
		}
		g.storeRegs(in.dst)
	} else {
		g.emit(x86.AMOVQ, frameField(FrameMemWatchLoOffset), reg(x86.REG_AX))
		g.emit(x86.ACMPQ, reg(x86.REG_AX), frameField(FrameMemWatchHiOffset))
		g.jump(x86.AJNE, slow) // a watched region: Go notes the write
		v := in.src[1]
		if in.form == irConst {
			v = in.src[0]
		}
		for l, r := range wordRegs {
			g.emit(x86.AMOVQ, limb(v, l), reg(r))
			g.emit(x86.ABSWAPQ, obj.Addr{}, reg(r))
			g.emit(x86.AMOVQ, reg(r), mem(x86.REG_SI, int64(-8-8*l)))
		}
	}
	done := g.label()
	g.place(done)
	g.cold = append(g.cold, coldExit{label: slow, back: done, code: ExitCallGo, block: bi, instr: i, n: 1})
	return true
}

// growMemory places at grow what MLOAD and MSTORE do when the memory is
// shorter than R9, the end of their word: call the program's one grow
// routine (growRoutine), then go back to again, the access, or on to slow,
// where Go grows the buffer or fails the frame.
func (g *nativeGen) growMemory(grow, again, slow *obj.Prog) {
	if g.grow == nil {
		g.grow = g.b.Prog() // placed by growRoutine, after the blocks
	}
	g.place(grow)
	g.b.Call(g.grow)
	g.emit(x86.ATESTQ, reg(x86.REG_AX), reg(x86.REG_AX))
	g.jump(x86.AJNE, slow)
	g.jump(obj.AJMP, again)
}

// growRoutine places the grow routine if a memory access calls it: as
// Frame.chargeMemory does when the buffer has the room and the frame the
// gas and allowance, it charges the expansion to end R9, clears the new
// words, lengthens the memory and returns AX = 0; otherwise it changes
// nothing and returns AX = 1.
func (g *nativeGen) growRoutine() {
	if g.grow == nil {
		return
	}
	ax, bx, cx, dx, si, r10 := reg(x86.REG_AX), reg(x86.REG_BX), reg(x86.REG_CX), reg(x86.REG_DX), reg(x86.REG_SI), reg(x86.REG_R10)
	no := g.label()
	g.grow.As = obj.ANOP
	g.place(g.grow)
	// words = (end+31)/32 in CX, the new size 32*words in DX.
	g.emit(x86.AMOVQ, reg(x86.REG_R9), cx)
	g.emit(x86.AADDQ, imm(31), cx)
	g.emit(x86.ASHRQ, imm(5), cx)
	g.emit(x86.AMOVQ, cx, dx)
	g.emit(x86.ASHLQ, imm(5), dx)
	g.emit(x86.ACMPQ, dx, frameField(FrameMemCapOffset))
	g.jump(x86.AJHI, no)
	g.emit(x86.ACMPQ, dx, frameField(FrameMemAllowanceOffset))
	g.jump(x86.AJHI, no)
	// The memory's gas, 3*words + words²/512, less what was paid: BX.
	g.emit(x86.AMOVQ, cx, ax)
	g.emit(x86.AIMULQ, cx, ax)
	g.emit(x86.ASHRQ, imm(9), ax)
	g.emit(x86.AADDQ, cx, ax)
	g.emit(x86.AADDQ, cx, ax)
	g.emit(x86.AADDQ, cx, ax)
	g.emit(x86.AMOVQ, ax, bx)
	g.emit(x86.ASUBQ, frameField(FrameMemLastGasOffset), bx)
	g.emit(x86.ACMPQ, frameField(FrameGasOffset), bx)
	g.jump(x86.AJCS, no) // Go fails the frame as the closures do
	g.emit(x86.ASUBQ, bx, frameField(FrameGasOffset))
	g.emit(x86.AMOVQ, ax, frameField(FrameMemLastGasOffset))
	// Clear [len, new size), 32 bytes at a time (both are multiples of 32).
	g.emit(x86.AMOVQ, frameField(FrameMemDataOffset), si)
	g.emit(x86.AMOVQ, frameField(FrameMemLenOffset), bx)
	g.emit(x86.AADDQ, bx, si)
	g.emit(x86.AMOVQ, dx, r10)
	g.emit(x86.ASUBQ, bx, r10)
	g.emit(x86.APXOR, reg(x86.REG_X0), reg(x86.REG_X0))
	loop := g.label()
	g.place(loop)
	g.emit(x86.AMOVOU, reg(x86.REG_X0), mem(x86.REG_SI, 0))
	g.emit(x86.AMOVOU, reg(x86.REG_X0), mem(x86.REG_SI, 16))
	g.emit(x86.AADDQ, imm(32), si)
	g.emit(x86.ASUBQ, imm(32), r10)
	g.jump(x86.AJNE, loop)
	g.emit(x86.AMOVQ, dx, frameField(FrameMemLenOffset))
	g.emit(x86.AMOVQ, imm(0), ax)
	g.emit0(obj.ARET)
	g.place(no)
	g.emit(x86.AMOVQ, imm(1), ax)
	g.emit0(obj.ARET)
}

// shiftConst lowers a shift of slot s by the constant k into slot d: left
// for SHL, right for SHR; 256 or more clears.
func (g *nativeGen) shiftConst(left bool, k uint64, s, d int32) {
	out := [4]int16{x86.REG_R8, x86.REG_R9, x86.REG_R10, x86.REG_R13}
	q, r := int(k/64), int64(k%64)
	for i, o := range out {
		// Limb i comes from limb src of s, and (for a shift that is not a
		// whole number of limbs) the bits crossing from its neighbour.
		src, next := i-q, i-q-1
		shift, back := x86.ASHLQ, x86.ASHRQ
		if !left {
			src, next = i+q, i+q+1
			shift, back = x86.ASHRQ, x86.ASHLQ
		}
		if k >= 256 || src < 0 || src > 3 {
			g.emit(x86.AMOVQ, imm(0), reg(o))
			continue
		}
		g.emit(x86.AMOVQ, limb(s, src), reg(o))
		if r == 0 {
			continue
		}
		g.emit(shift, imm(r), reg(o))
		if next >= 0 && next <= 3 {
			g.emit(x86.AMOVQ, limb(s, next), reg(x86.REG_AX))
			g.emit(back, imm(64-r), reg(x86.REG_AX))
			g.emit(x86.AORQ, reg(x86.REG_AX), reg(o))
		}
	}
	for i, o := range out {
		g.emit(x86.AMOVQ, reg(o), limb(d, i))
	}
}

// constShift returns the shift an irConst instruction is: SHL or SHR by a
// constant, multiplication or division by a power of two.
func constShift(in *irInstr, ir *irBlock) (left bool, k uint64, ok bool) {
	c := &ir.consts[in.c]
	switch in.op {
	case blocks.SHL, blocks.SHR:
		if in.ci != 0 {
			return false, 0, false
		}
		k = 256
		if c.LtUint64(256) {
			k = c.Uint64()
		}
		return in.op == blocks.SHL, k, true
	case blocks.MUL:
		if n, pow := powerOfTwo(c); pow {
			return true, uint64(n), true
		}
	case blocks.DIV:
		if n, pow := powerOfTwo(c); pow && in.ci == 1 {
			return false, uint64(n), true
		}
	}
	return false, 0, false
}

// callDataLoad lowers CALLDATALOAD (block bi, instruction i) of a word
// wholly within the input; one reaching past its end (zero-padded) or at
// an offset beyond it runs in Go.
func (g *nativeGen) callDataLoad(in *irInstr, bi, i uint32) {
	slow := g.label()
	k := in.src[0]
	g.emit(x86.AMOVQ, limb(k, 1), reg(x86.REG_AX))
	g.emit(x86.AORQ, limb(k, 2), reg(x86.REG_AX))
	g.emit(x86.AORQ, limb(k, 3), reg(x86.REG_AX))
	g.jump(x86.AJNE, slow)
	g.emit(x86.AMOVQ, frameField(FrameInputLenOffset), reg(x86.REG_BX))
	g.emit(x86.ASUBQ, imm(32), reg(x86.REG_BX))
	g.jump(x86.AJCS, slow)
	g.emit(x86.AMOVQ, limb(k, 0), reg(x86.REG_AX))
	g.emit(x86.ACMPQ, reg(x86.REG_AX), reg(x86.REG_BX))
	g.jump(x86.AJHI, slow) // off > len-32
	g.emit(x86.AMOVQ, frameField(FrameInputDataOffset), reg(x86.REG_SI))
	g.emit(x86.AADDQ, reg(x86.REG_AX), reg(x86.REG_SI))
	for l, r := range wordRegs {
		g.emit(x86.AMOVQ, mem(x86.REG_SI, int64(24-8*l)), reg(r))
		g.emit(x86.ABSWAPQ, obj.Addr{}, reg(r))
	}
	g.storeRegs(in.dst)
	done := g.label()
	g.place(done)
	g.cold = append(g.cold, coldExit{label: slow, back: done, code: ExitCallGo, block: bi, instr: i, n: 1})
}
