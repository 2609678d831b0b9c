package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

// Memory words and constant shifts in machine code. MLOAD, MSTORE and
// MSTORE8 run inline when what they access lies within the memory the
// frame already has or the buffer has room for (growth the grow routine
// charges) and, for the stores, no caller is watching the memory
// (memory_watch.go); otherwise the instruction is an exit to Go like any
// other, taken only on that path.

// memOp lowers MLOAD, MSTORE or MSTORE8 of the IR instruction in (block bi,
// instruction i), in a form classify accepts.
func (g *nativeGen) memOp(in *irInstr, ir *irBlock, bi, i uint32) {
	width := int64(32) // the bytes accessed
	if in.op == blocks.MSTORE8 {
		width = 1
	}
	// Any other case is the instruction's closure, at an exit placed
	// after the blocks that resumes at done.
	done, grow, again := g.label(), g.label(), g.label()
	slow := g.coldExit(ExitCallGo, bi, i, 1, done)
	end := amd64.Reg(x86.REG_R9) // where the word ends
	g.b.Add(again)
	switch in.form {
	case irConst: // an offset below 2^30 (classify)
		g.b.Inst(x86.AMOVQ, amd64.Imm(int64(ir.consts[in.c].Uint64())+width), end)
	case irSlots:
		// An offset of 2^30 or more is left to Go: its gas alone is past
		// any block's gas limit, and Go words the errors.
		k := in.src[0]
		if in.pre&preGuestMemory != 0 {
			// HyVM keeps the offset's low 160 bits (fixOffset): limb 3
			// and the top half of limb 2 do not count. The slot is left as
			// it is (it may be another stack position's too): the
			// rewritten offset is only where the access lands.
			g.b.Inst(x86.AMOVL, limb(k, 2), amd64.Reg(x86.REG_AX))
			g.b.Inst(x86.AORQ, limb(k, 1), amd64.Reg(x86.REG_AX))
		} else {
			g.b.Inst(x86.AMOVQ, limb(k, 1), amd64.Reg(x86.REG_AX))
			g.b.Inst(x86.AORQ, limb(k, 2), amd64.Reg(x86.REG_AX))
			g.b.Inst(x86.AORQ, limb(k, 3), amd64.Reg(x86.REG_AX))
		}
		g.b.Jump(x86.AJNE, slow)
		g.b.Inst(x86.AMOVQ, limb(k, 0), end)
		g.b.Inst(x86.ACMPQ, end, amd64.Imm(1<<30))
		g.b.Jump(x86.AJHI, slow)
		if in.pre&preGuestMemory != 0 {
			width += blocks.HyVMMemStart
		}
		g.b.Inst(x86.AADDQ, amd64.Imm(width), end)
	}
	g.b.Inst(x86.ACMPQ, frameField(FrameMemLenOffset), end)
	g.b.Jump(x86.AJCS, grow) // the memory is shorter than end
	g.b.Inst(x86.AMOVQ, frameField(FrameMemDataOffset), amd64.Reg(x86.REG_SI))
	g.b.Inst(x86.AADDQ, end, amd64.Reg(x86.REG_SI))
	g.coldCode = append(g.coldCode, func() { g.growMemory(grow, again, slow) })
	// SI is where the access ends in memory: for a word, big-endian, limb
	// l is the byte-swapped quadword at -8-8l.
	if in.op == blocks.MLOAD {
		for l, r := range wordRegs {
			g.b.Inst(x86.AMOVQ, amd64.Mem(x86.REG_SI, int64(-8-8*l)), amd64.Reg(r))
			g.b.Inst(x86.ABSWAPQ, obj.Addr{}, amd64.Reg(r))
		}
		g.storeRegs(in.dst)
	} else {
		g.b.Inst(x86.AMOVQ, frameField(FrameMemWatchLoOffset), amd64.Reg(x86.REG_AX))
		g.b.Inst(x86.ACMPQ, amd64.Reg(x86.REG_AX), frameField(FrameMemWatchHiOffset))
		g.b.Jump(x86.AJNE, slow) // a watched region: Go notes the write
		v := in.src[1]
		if in.form == irConst {
			v = in.src[0]
		}
		if in.op == blocks.MSTORE8 { // the value's lowest byte
			g.b.Inst(x86.AMOVQ, limb(v, 0), amd64.Reg(x86.REG_AX))
			g.b.Inst(x86.AMOVB, amd64.Reg(x86.REG_AL), amd64.Mem(x86.REG_SI, -1))
			g.b.Add(done)
			return
		}
		for l, r := range wordRegs {
			g.b.Inst(x86.AMOVQ, limb(v, l), amd64.Reg(r))
			g.b.Inst(x86.ABSWAPQ, obj.Addr{}, amd64.Reg(r))
			g.b.Inst(x86.AMOVQ, amd64.Reg(r), amd64.Mem(x86.REG_SI, int64(-8-8*l)))
		}
	}
	g.b.Add(done)
}

// growMemory places at grow what MLOAD and MSTORE do when the memory is
// shorter than R9, the end of their word: call the program's one grow
// routine (growRoutine), then go back to again, the access, or on to slow,
// where Go grows the buffer or fails the frame.
func (g *nativeGen) growMemory(grow, again, slow *obj.Prog) {
	if g.grow == nil {
		g.grow = g.b.Prog() // placed by growRoutine, after the blocks
	}
	g.b.Add(grow)
	g.b.Call(g.grow)
	g.b.Inst(x86.ATESTQ, amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_AX))
	g.b.Jump(x86.AJNE, slow)
	g.b.Jump(obj.AJMP, again)
}

// growRoutine places the grow routine if a memory access calls it (the one
// CALL machine code makes: 8 bytes of amd64.StackBudget): as
// Frame.chargeMemory does when the buffer has the room and the frame the
// gas and allowance, it charges the expansion to end R9, clears the new
// words, lengthens the memory and returns AX = 0; otherwise it changes
// nothing and returns AX = 1.
func (g *nativeGen) growRoutine() {
	if g.grow == nil {
		return
	}
	ax, bx, cx, dx, si, r10 := amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_BX), amd64.Reg(x86.REG_CX), amd64.Reg(x86.REG_DX), amd64.Reg(x86.REG_SI), amd64.Reg(x86.REG_R10)
	no := g.label()
	g.grow.As = obj.ANOP
	g.b.Add(g.grow)
	// words = (end+31)/32 in CX, the new size 32*words in DX.
	g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_R9), cx)
	g.b.Inst(x86.AADDQ, amd64.Imm(31), cx)
	g.b.Inst(x86.ASHRQ, amd64.Imm(5), cx)
	g.b.Inst(x86.AMOVQ, cx, dx)
	g.b.Inst(x86.ASHLQ, amd64.Imm(5), dx)
	g.b.Inst(x86.ACMPQ, dx, frameField(FrameMemCapOffset))
	g.b.Jump(x86.AJHI, no)
	g.b.Inst(x86.ACMPQ, dx, frameField(FrameMemAllowanceOffset))
	g.b.Jump(x86.AJHI, no)
	// The memory's gas, 3*words + words²/512, less what was paid: BX.
	g.b.Inst(x86.AMOVQ, cx, ax)
	g.b.Inst(x86.AIMULQ, cx, ax)
	g.b.Inst(x86.ASHRQ, amd64.Imm(9), ax)
	g.b.Inst(x86.AADDQ, cx, ax)
	g.b.Inst(x86.AADDQ, cx, ax)
	g.b.Inst(x86.AADDQ, cx, ax)
	g.b.Inst(x86.AMOVQ, ax, bx)
	g.b.Inst(x86.ASUBQ, frameField(FrameMemLastGasOffset), bx)
	g.b.Inst(x86.ACMPQ, frameField(FrameGasOffset), bx)
	g.b.Jump(x86.AJCS, no) // Go fails the frame as the closures do
	g.b.Inst(x86.ASUBQ, bx, frameField(FrameGasOffset))
	g.b.Inst(x86.AMOVQ, ax, frameField(FrameMemLastGasOffset))
	// Clear [len, new size), 32 bytes at a time (both are multiples of 32).
	g.b.Inst(x86.AMOVQ, frameField(FrameMemDataOffset), si)
	g.b.Inst(x86.AMOVQ, frameField(FrameMemLenOffset), bx)
	g.b.Inst(x86.AADDQ, bx, si)
	g.b.Inst(x86.AMOVQ, dx, r10)
	g.b.Inst(x86.ASUBQ, bx, r10)
	g.b.Inst(x86.APXOR, amd64.Reg(x86.REG_X0), amd64.Reg(x86.REG_X0))
	loop := g.label()
	g.b.Add(loop)
	g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X0), amd64.Mem(x86.REG_SI, 0))
	g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X0), amd64.Mem(x86.REG_SI, 16))
	g.b.Inst(x86.AADDQ, amd64.Imm(32), si)
	g.b.Inst(x86.ASUBQ, amd64.Imm(32), r10)
	g.b.Jump(x86.AJNE, loop)
	g.b.Inst(x86.AMOVQ, dx, frameField(FrameMemLenOffset))
	g.b.Inst(x86.AMOVQ, amd64.Imm(0), ax)
	g.b.Inst(obj.ARET, obj.Addr{}, obj.Addr{})
	g.b.Add(no)
	g.b.Inst(x86.AMOVQ, amd64.Imm(1), ax)
	g.b.Inst(obj.ARET, obj.Addr{}, obj.Addr{})
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
			g.b.Inst(x86.AMOVQ, amd64.Imm(0), amd64.Reg(o))
			continue
		}
		g.b.Inst(x86.AMOVQ, limb(s, src), amd64.Reg(o))
		if r == 0 {
			continue
		}
		g.b.Inst(shift, amd64.Imm(r), amd64.Reg(o))
		if next >= 0 && next <= 3 {
			g.b.Inst(x86.AMOVQ, limb(s, next), amd64.Reg(x86.REG_AX))
			g.b.Inst(back, amd64.Imm(64-r), amd64.Reg(x86.REG_AX))
			g.b.Inst(x86.AORQ, amd64.Reg(x86.REG_AX), amd64.Reg(o))
		}
	}
	for i, o := range out {
		g.b.Inst(x86.AMOVQ, amd64.Reg(o), limb(d, i))
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
	done := g.label()
	slow := g.coldExit(ExitCallGo, bi, i, 1, done)
	k := in.src[0]
	g.b.Inst(x86.AMOVQ, limb(k, 1), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.AORQ, limb(k, 2), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.AORQ, limb(k, 3), amd64.Reg(x86.REG_AX))
	g.b.Jump(x86.AJNE, slow)
	g.b.Inst(x86.AMOVQ, frameField(FrameInputLenOffset), amd64.Reg(x86.REG_BX))
	g.b.Inst(x86.ASUBQ, amd64.Imm(32), amd64.Reg(x86.REG_BX))
	g.b.Jump(x86.AJCS, slow)
	g.b.Inst(x86.AMOVQ, limb(k, 0), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.ACMPQ, amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_BX))
	g.b.Jump(x86.AJHI, slow) // off > len-32
	g.b.Inst(x86.AMOVQ, frameField(FrameInputDataOffset), amd64.Reg(x86.REG_SI))
	g.b.Inst(x86.AADDQ, amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_SI))
	for l, r := range wordRegs {
		g.b.Inst(x86.AMOVQ, amd64.Mem(x86.REG_SI, int64(24-8*l)), amd64.Reg(r))
		g.b.Inst(x86.ABSWAPQ, obj.Addr{}, amd64.Reg(r))
	}
	g.storeRegs(in.dst)
	g.b.Add(done)
}
