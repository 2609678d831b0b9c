package translate

import (
	"fmt"
	"unsafe"

	"github.com/holiman/uint256"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

// The amd64 lowering of the block IR (ir.go). It decides nothing the IR
// does not say: a block charges its gas and checks its stack bounds at
// entry as Program.Run does, slot instructions and moves of the arithmetic
// and logic it inlines become word operations on the stack in place, and
// every other instruction is an exit site where Go runs the instruction's
// closure (the same lowering the closure tier runs) and re-enters after it.
//
// Registers: DI holds the frame (the stack is at its start, abi.go); R12 is
// the address of the slot at the stack pointer (slot k is at R12+32k),
// kept equal to DI + 32*sp wherever sp moves and reloaded from the frame
// at every point Go enters; R11 counts down the jumps left before the code
// yields to Go; R15 is the address of Env.Abort. AX, BX, CX, DX, SI,
// R8-R10, R13 and X0-X3 are scratch.
//
// What runs rarely (a yield, the slow path of a memory access) is placed
// after every block, out of the way of the code that runs.

const (
	regFrame = x86.REG_DI
	regSP    = x86.REG_R12
	regYield = x86.REG_R11
	regAbort = x86.REG_R15 // the address of Env.Abort
)

// nativeGen lowers a program's blocks into one piece of machine code.
type nativeGen struct {
	p *Program
	n *nativeProgram
	b *amd64.Builder
	// starts are the labels of the blocks by start offset, made when a
	// block or a jump to it is first lowered; placed, those placed (a
	// jump to a label never placed would assemble to the code's start).
	starts map[uint32]*obj.Prog
	placed map[uint32]bool
	entry  *obj.Prog
	sites  []siteDraft
	// ops are the closures of every block's instructions, by block: the
	// exit sites keep the runs of them Go runs.
	ops [][]opFn
	// halts are the shared stubs that store a halting exit code and return.
	halts [exitCodeCount]*obj.Prog
	// cold are the exits placed after every block, coldCode the other
	// code placed there.
	cold     []coldExit
	coldCode []func()
	// grow is the memory-growing routine's entry, once an access calls it.
	grow *obj.Prog
	// guestDests are, for a HyVM guest, the 0x5b bytes that are not PUSH
	// data: a jump to one lands at a block of the sweep
	// (lower_native_guest.go); guestJump are the stubs leaving to Go for
	// the other jumps, of a JUMP and of a JUMPI.
	guestDests blocks.Bitmap
	guestJump  [2]*obj.Prog
}

// coldExit is an exit placed after the blocks: entered by a jump to label,
// it leaves for Go with code and resumes by a jump to back.
type coldExit struct {
	label, back     *obj.Prog
	code            ExitCode
	block, instr, n uint32
}

// coldExit returns the label of a new exit placed after the blocks, which
// resumes at back.
func (g *nativeGen) coldExit(c ExitCode, block, instr, n uint32, back *obj.Prog) *obj.Prog {
	l := g.label()
	g.cold = append(g.cold, coldExit{label: l, back: back, code: c, block: block, instr: instr, n: n})
	return l
}

// siteDraft is an exit site while its resume label has no address yet.
type siteDraft struct {
	block, instr, n uint32
	resume          *obj.Prog
}

// Operands: amd64.Reg, Imm, Mem and MemIndex, and these two.

// limb is the i-th 64-bit limb (least significant first) of slot k.
func limb(k int32, i int) obj.Addr { return amd64.Mem(regSP, int64(k)*StackWordSize+int64(8*i)) }

// frameField is a field of the frame at offset off.
func frameField(off int64) obj.Addr { return amd64.Mem(regFrame, off) }

// label returns a new label, placed later with g.b.Add (amd64.Builder.Label
// places its label at once).
func (g *nativeGen) label() *obj.Prog {
	p := g.b.Prog()
	p.As = obj.ANOP
	return p
}

// blockLabel returns the label of the block starting at pc.
func (g *nativeGen) blockLabel(pc uint32) *obj.Prog {
	l := g.starts[pc]
	if l == nil {
		l = g.label()
		g.starts[pc] = l
	}
	return l
}

// halt returns the stub that ends the run with code c.
func (g *nativeGen) halt(c ExitCode) *obj.Prog {
	if g.halts[c] == nil {
		g.halts[c] = g.label()
	}
	return g.halts[c]
}

// emitHalts places the halt stubs used, after the blocks; a fallthrough
// past the last block is an implicit STOP.
func (g *nativeGen) emitHalts() {
	g.b.Jump(obj.AJMP, g.halt(ExitOK))
	for _, emit := range g.coldCode {
		emit()
	}
	g.growRoutine()
	for _, c := range g.cold {
		g.b.Add(c.label)
		g.exit(c.code, c.block, c.instr, c.n)
		g.b.Jump(obj.AJMP, c.back)
	}
	for c, l := range g.halts {
		if l == nil {
			continue
		}
		g.b.Add(l)
		g.b.Inst(x86.AMOVL, amd64.Imm(int64(c)), frameField(FrameExitOffset+ExitCodeOffset))
		g.b.Inst(obj.ARET, obj.Addr{}, obj.Addr{})
	}
}

// resumePoint places a point where Go enters the code: it reloads what no
// register keeps across Go. A site is recorded for it unless s is nil.
func (g *nativeGen) resumePoint(s *siteDraft) *obj.Prog {
	l := g.label()
	g.b.Add(l)
	g.b.Inst(x86.AMOVQ, frameField(FrameSPOffset), amd64.Reg(regSP))
	g.b.Inst(x86.ASHLQ, amd64.Imm(5), amd64.Reg(regSP))
	g.b.Inst(x86.AADDQ, amd64.Reg(regFrame), amd64.Reg(regSP))
	g.b.Inst(x86.AMOVQ, amd64.Imm(yieldEvery), amd64.Reg(regYield))
	g.b.Inst(x86.AMOVQ, frameField(FrameEnvOffset), amd64.Reg(regAbort))
	g.b.Inst(x86.AADDQ, amd64.Imm(EnvAbortOffset), amd64.Reg(regAbort))
	if s != nil {
		s.resume = l
		g.sites = append(g.sites, *s)
	}
	return l
}

// exit leaves for Go with code c at a new site, which resumes right after;
// for ExitCallGo Go runs n instructions of the block from instr.
func (g *nativeGen) exit(c ExitCode, block, instr, n uint32) {
	site := len(g.sites)
	g.b.Inst(x86.AMOVL, amd64.Imm(int64(c)), frameField(FrameExitOffset+ExitCodeOffset))
	g.b.Inst(x86.AMOVL, amd64.Imm(int64(site)), frameField(FrameExitOffset+ExitSiteOffset))
	g.b.Inst(obj.ARET, obj.Addr{}, obj.Addr{})
	g.resumePoint(&siteDraft{block: block, instr: instr, n: n})
}

// lowerBlock lowers block bi: its entry checks, instructions, terminator.
//
// empties are the blocks before it that do nothing at run time but fall
// through (lone JUMPDESTs, pushes popped): as in the closure tier
// (lazy.go), each runs as a copy of this block's entry with the gas and
// stack bounds of the whole run from it added, so a run of them costs one
// check, not one per block. Charging the run's gas at its first block only
// changes where an out-of-gas halt happens inside it, which nothing
// observes: the frame fails all the same.
func (g *nativeGen) lowerBlock(bi uint32, nb *nativeBlock, ir *irBlock, empties []blockHead) error {
	h := &nb.head
	body := g.label()
	// runs[i] is the entry of empties[i]: the block with the run from it.
	runs := make([]blockHead, len(empties))
	run := *h
	for i := len(empties) - 1; i >= 0; i-- {
		e := &empties[i]
		run.gas += e.gas
		run.stackReq, run.stackGrowth = max(run.stackReq, e.stackReq), max(run.stackGrowth, e.stackGrowth)
		runs[i] = run
	}
	for i := range empties {
		if err := g.entryChecks(empties[i].start, &runs[i]); err != nil {
			return err
		}
		g.b.Jump(obj.AJMP, body)
	}
	if err := g.entryChecks(h.start, h); err != nil {
		return err
	}
	g.b.Add(body)
	for i := 0; i < len(ir.instrs); {
		if g.inline(bi, uint32(i), ir) {
			i++
			continue
		}
		// A run of instructions Go runs is one exit, and so are two runs
		// with at most bridgeExits cheap instructions between them: Go
		// runs those too (as closures) rather than leave and come back.
		j := i + 1
		for j < len(ir.instrs) {
			if classify(&ir.instrs[j], ir) == lowerExit {
				j++
				continue
			}
			k := j
			for k < len(ir.instrs) && k-j < bridgeExits && cheap(classify(&ir.instrs[k], ir)) {
				k++
			}
			if k == j || k == len(ir.instrs) || classify(&ir.instrs[k], ir) != lowerExit {
				break
			}
			j = k
		}
		g.exit(ExitCallGo, bi, uint32(i), uint32(j-i))
		i = j
	}
	return g.terminate(nb)
}

// entryChecks places the label of the block starting at start and what
// its entry does: charge h's gas, check h's stack bounds.
func (g *nativeGen) entryChecks(start uint32, h *blockHead) error {
	if h.gas >= 1<<31 { // an immediate is sign-extended from 32 bits
		return fmt.Errorf("translate: block at %d charges %d gas", start, h.gas)
	}
	g.b.Add(g.blockLabel(start))
	g.placed[start] = true
	if h.gas > 0 {
		g.b.Inst(x86.ACMPQ, frameField(FrameGasOffset), amd64.Imm(int64(h.gas)))
		g.b.Jump(x86.AJCS, g.halt(ExitOutOfGas))
		g.b.Inst(x86.ASUBQ, amd64.Imm(int64(h.gas)), frameField(FrameGasOffset))
	}
	if h.stackReq > 0 {
		g.b.Inst(x86.ACMPQ, frameField(FrameSPOffset), amd64.Imm(int64(h.stackReq)))
		g.b.Jump(x86.AJLT, g.halt(ExitStackUnderflow))
	}
	if h.stackGrowth > 0 {
		g.b.Inst(x86.ACMPQ, frameField(FrameSPOffset), amd64.Imm(int64(StackLimit-h.stackGrowth)))
		g.b.Jump(x86.AJGT, g.halt(ExitStackOverflow))
	}
	return nil
}

// terminate lowers the block's terminator.
func (g *nativeGen) terminate(nb *nativeBlock) error {
	h := &nb.head
	switch h.term {
	case blocks.Fallthrough:
		// The next block is lowered right after this one; past the end of
		// the code the program's last jump is to the implicit STOP.
		return nil
	case blocks.Stop, blocks.SelfDestruct:
		g.b.Jump(obj.AJMP, g.halt(ExitOK))
	case blocks.Return:
		g.b.Jump(obj.AJMP, g.halt(ExitReturn))
	case blocks.Revert:
		g.b.Jump(obj.AJMP, g.halt(ExitRevert))
	case blocks.Invalid, blocks.Undefined:
		g.b.Inst(x86.AMOVL, amd64.Imm(int64(nb.last.PC)), frameField(FrameExitOffset+ExitPCOffset))
		g.b.Jump(obj.AJMP, g.halt(ExitInvalidOpcode))
	case blocks.Abort:
		g.b.Jump(obj.AJMP, g.halt(ExitGuestAbort))
	case blocks.Jump:
		if h.staticJump {
			g.takeStatic(h)
		} else {
			g.takeDynamic(false)
		}
	case blocks.JumpI:
		g.jumpI(h)
	default:
		return fmt.Errorf("translate: no machine code for terminator %v", h.term)
	}
	return nil
}

// jumpI lowers a JUMPI: taken, a jump; not taken, on to the next block.
func (g *nativeGen) jumpI(h *blockHead) {
	if !h.staticJump {
		// The condition is below the destination.
		notTaken := g.label()
		g.isZero(-2)
		taken := g.label()
		g.b.Jump(x86.AJNE, taken)
		g.moveSP(-2)
		g.b.Jump(obj.AJMP, notTaken)
		g.b.Add(taken)
		g.takeDynamic(true)
		g.b.Add(notTaken)
		return
	}
	k := h.condSlot
	if h.cond == condPop {
		g.moveSP(-1)
		k = 0
	}
	g.isZero(k)
	skip := g.label()
	// ZF is set when the word is zero.
	if h.cond == condZero {
		g.b.Jump(x86.AJNE, skip)
	} else {
		g.b.Jump(x86.AJEQ, skip)
	}
	g.takeStatic(h)
	g.b.Add(skip)
}

// isZero sets ZF when slot k is zero.
func (g *nativeGen) isZero(k int32) {
	g.b.Inst(x86.AMOVQ, limb(k, 0), amd64.Reg(x86.REG_AX))
	for i := 1; i < 4; i++ {
		g.b.Inst(x86.AORQ, limb(k, i), amd64.Reg(x86.REG_AX))
	}
}

// moveSP moves the stack pointer by n words, in the frame and in R12.
func (g *nativeGen) moveSP(n int) {
	if n == 0 {
		return
	}
	g.b.Inst(x86.AADDQ, amd64.Imm(int64(n)), frameField(FrameSPOffset))
	g.b.Inst(x86.AADDQ, amd64.Imm(int64(n)*StackWordSize), amd64.Reg(regSP))
}

// jumpChecks is what every taken jump does first, as Program.jump: stop a
// cancelled run, and now and then let Go in (resuming at the jump).
func (g *nativeGen) jumpChecks() {
	again := g.label()
	g.b.Add(again)
	g.b.Inst(x86.ACMPL, amd64.Mem(regAbort, 0), amd64.Imm(0))
	g.b.Jump(x86.AJNE, g.halt(ExitAborted))
	g.b.Inst(x86.ADECQ, obj.Addr{}, amd64.Reg(regYield))
	g.b.Jump(x86.AJEQ, g.coldExit(ExitYield, 0, 0, 0, again))
}

// takeStatic takes a static jump: a native jump to its block.
func (g *nativeGen) takeStatic(h *blockHead) {
	g.jumpChecks()
	if g.p.guest {
		g.guestTakeStatic(h)
		return
	}
	if !h.destOK {
		g.b.Jump(obj.AJMP, g.halt(ExitInvalidJump))
		return
	}
	g.b.Jump(obj.AJMP, g.blockLabel(h.dest))
}

// takeDynamic takes a jump to the destination on top of the stack (with
// the condition under it for a JUMPI) through the program's jump table.
// The stack is popped once the destination is found good: a guest's other
// jumps leave to Go with it in place.
func (g *nativeGen) takeDynamic(jumpi bool) {
	g.jumpChecks()
	bad := g.halt(ExitInvalidJump)
	if g.p.guest {
		bad = g.guestJumpStub(jumpi)
	}
	g.b.Inst(x86.AMOVQ, limb(-1, 1), amd64.Reg(x86.REG_BX))
	g.b.Inst(x86.AORQ, limb(-1, 2), amd64.Reg(x86.REG_BX))
	g.b.Inst(x86.AORQ, limb(-1, 3), amd64.Reg(x86.REG_BX))
	g.b.Jump(x86.AJNE, bad)
	g.b.Inst(x86.AMOVQ, limb(-1, 0), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.ACMPQ, amd64.Reg(x86.REG_AX), amd64.Imm(int64(len(g.p.code))))
	g.b.Jump(x86.AJCC, bad)
	g.b.Inst(x86.AMOVQ, amd64.Imm(int64(tableAddr(g.n.jumps))), amd64.Reg(x86.REG_BX))
	g.b.Inst(x86.AMOVQ, amd64.MemIndex(x86.REG_BX, x86.REG_AX, 8, 0), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.ATESTQ, amd64.Reg(x86.REG_AX), amd64.Reg(x86.REG_AX))
	g.b.Jump(x86.AJEQ, bad)
	if g.p.guest {
		g.charge(guestJumpExtra(jumpi, true))
	}
	if jumpi {
		g.moveSP(-2)
	} else {
		g.moveSP(-1)
	}
	g.b.Inst(obj.AJMP, obj.Addr{}, amd64.Reg(x86.REG_AX))
}

// lowering is how machine code runs an IR instruction: lowerExit leaves it
// to Go, every other value names the emitter inline calls. classify
// decides it once, so looking ahead (the exit runs of lowerBlock) and
// emitting cannot disagree.
type lowering uint8

const (
	lowerExit lowering = iota
	lowerPush          // lower_native_env.go
	lowerMoves
	lowerSetConst
	lowerCallDataLoad
	lowerMemory
	lowerShiftConst
	lowerMul
	lowerShiftBy
	lowerByte
	lowerSignExtend
	lowerDivMod
	lowerWord // wordOp
)

// classify returns how in is lowered.
func classify(in *irInstr, ir *irBlock) lowering {
	switch {
	case pushes(in):
		return lowerPush
	case in.pre == preGuestMemory && in.form == irSlots && in.op != blocks.MSIZE:
		// A guest's MLOAD, MSTORE or MSTORE8 at a computed offset, which
		// memOp rewrites as HyVM does.
		return lowerMemory
	case in.pre != 0:
		return lowerExit
	case in.form == irMoves:
		return lowerMoves
	case in.form == irSetConst:
		return lowerSetConst
	case in.form != irSlots && in.form != irConst:
		return lowerExit
	}
	slots := in.form == irSlots
	switch in.op {
	case blocks.CALLDATALOAD:
		if slots {
			return lowerCallDataLoad
		}
	case blocks.MLOAD, blocks.MSTORE, blocks.MSTORE8:
		// A constant offset is embedded, below 2^30 (see memOp); MSTORE
		// has no form with a constant value, MSTORE8 none with a constant.
		if slots {
			return lowerMemory
		}
		if c := &ir.consts[in.c]; c.IsUint64() && c.Uint64() <= 1<<30 && (in.op == blocks.MLOAD || in.ci == 0) {
			return lowerMemory
		}
	case blocks.MUL, blocks.SHL, blocks.SHR, blocks.DIV:
		switch {
		case slots && in.op == blocks.MUL:
			return lowerMul
		case slots && in.op != blocks.DIV:
			return lowerShiftBy
		case slots:
			return lowerDivMod
		case isConstShift(in, ir): // by a constant, or a power of two
			return lowerShiftConst
		case in.op == blocks.MUL:
			return lowerMul
		case divisorFits(in, ir):
			return lowerDivMod
		}
	case blocks.SDIV, blocks.SMOD:
		if slots {
			return lowerDivMod
		}
	case blocks.MOD:
		if slots || divisorFits(in, ir) {
			return lowerDivMod
		}
	case blocks.SAR:
		if slots {
			return lowerShiftBy
		}
	case blocks.BYTE:
		if slots || in.ci == 0 {
			return lowerByte
		}
	case blocks.SIGNEXTEND:
		if slots || in.ci == 0 {
			return lowerSignExtend
		}
	case blocks.NOT, blocks.ISZERO:
		if slots { // folded by the builder: never one constant operand
			return lowerWord
		}
	case blocks.ADD, blocks.SUB, blocks.AND, blocks.OR, blocks.XOR, blocks.EQ, blocks.LT, blocks.GT, blocks.SLT, blocks.SGT:
		return lowerWord
	}
	return lowerExit
}

// bridgeExits is how many cheap inlinable instructions between two exits
// Go runs instead of machine code, to exit once: an exit costs about 10 ns,
// a move or an addition as a closure 1-2 ns. Measured on the main suite at
// 3 and 8: weierstrudel (MULMODs between stack moves) 10% faster at 8, the
// other cases within noise.
const bridgeExits = 8

// divisorFits reports whether the irConst in divides by a constant (its
// second operand) that fits a limb and is not zero: divMod's form.
func divisorFits(in *irInstr, ir *irBlock) bool {
	c := &ir.consts[in.c]
	return in.ci == 1 && c.IsUint64() && !c.IsZero()
}

// isConstShift reports whether the irConst in is a shift (constShift).
func isConstShift(in *irInstr, ir *irBlock) bool {
	_, _, ok := constShift(in, ir)
	return ok
}

// cheap reports whether an instruction lowered so costs less as a closure
// than an exit does.
func cheap(l lowering) bool { return l == lowerMoves || l == lowerSetConst || l == lowerWord }

// inline lowers instruction i of block bi as machine code if it has an
// inline form, and reports whether it did; the others run in Go at an exit
// site.
func (g *nativeGen) inline(bi, i uint32, ir *irBlock) bool {
	in := &ir.instrs[i]
	l := classify(in, ir)
	var c word
	a, b := slotWord(in.src[0]), slotWord(in.src[1])
	if in.form == irConst {
		// The constant operand ci; the other is in src[0].
		c = constWord(&ir.consts[in.c])
		a, b = c, slotWord(in.src[0])
		if in.ci == 1 {
			a, b = b, c
		}
	}
	switch l {
	case lowerExit:
		return false
	case lowerPush:
		g.push(in)
	case lowerMoves:
		g.moves(ir, in)
	case lowerSetConst:
		g.storeConst(in.dst, &ir.consts[in.c])
	case lowerCallDataLoad:
		g.callDataLoad(in, bi, i)
	case lowerMemory:
		g.memOp(in, ir, bi, i)
	case lowerShiftConst:
		left, k, _ := constShift(in, ir)
		g.shiftConst(left, k, in.src[0], in.dst)
	case lowerMul:
		g.mul(a, b, in.dst)
	case lowerDivMod:
		g.divMod(in, ir, bi, i)
	case lowerShiftBy:
		g.shiftBy(in.op, in.src[0], in.src[1], in.dst)
	case lowerByte, lowerSignExtend:
		// The index is the top operand: a constant only as ci 0.
		idx, v := a, in.src[1]
		if in.form == irConst {
			v = in.src[0]
		}
		if l == lowerByte {
			g.byteOf(idx, v, in.dst)
		} else {
			g.signExtend(idx, v, in.dst)
		}
	case lowerWord:
		g.wordOp(in.op, a, b, in.dst)
	}
	return true
}

// word is an operand: a slot, or a constant the code embeds.
type word struct {
	slot int32
	c    *uint256.Int
}

func slotWord(k int32) word              { return word{slot: k} }
func constWord(c *uint256.Int) word      { return word{c: c} }
func (w word) imm32(i int) (int64, bool) { v := int64(w.c[i]); return v, v == int64(int32(v)) }

// operand returns limb i of w as an operand of a two-operand instruction,
// loading a constant too wide for an immediate into scratch.
func (g *nativeGen) operand(w word, i int, scratch int16) obj.Addr {
	if w.c == nil {
		return limb(w.slot, i)
	}
	if v, ok := w.imm32(i); ok {
		return amd64.Imm(v)
	}
	g.b.Inst(x86.AMOVQ, amd64.Imm(int64(w.c[i])), amd64.Reg(scratch))
	return amd64.Reg(scratch)
}

// load sets r to limb i of w.
func (g *nativeGen) load(w word, i int, r int16) {
	if w.c == nil {
		g.b.Inst(x86.AMOVQ, limb(w.slot, i), amd64.Reg(r))
		return
	}
	g.b.Inst(x86.AMOVQ, amd64.Imm(int64(w.c[i])), amd64.Reg(r))
}

var wordRegs = [4]int16{x86.REG_AX, x86.REG_BX, x86.REG_CX, x86.REG_DX}

// wordOp lowers an arithmetic, logic or comparison opcode over operands a
// (the top) and b into slot d (classify chooses which). Every operand limb
// is read before d is written: d may be an operand.
func (g *nativeGen) wordOp(op blocks.Opcode, a, b word, d int32) {
	switch op {
	case blocks.ADD, blocks.SUB, blocks.AND, blocks.OR, blocks.XOR:
		as := [4]obj.As{}
		switch op {
		case blocks.ADD:
			as = [4]obj.As{x86.AADDQ, x86.AADCQ, x86.AADCQ, x86.AADCQ}
		case blocks.SUB:
			as = [4]obj.As{x86.ASUBQ, x86.ASBBQ, x86.ASBBQ, x86.ASBBQ}
		case blocks.AND:
			as = [4]obj.As{x86.AANDQ, x86.AANDQ, x86.AANDQ, x86.AANDQ}
		case blocks.OR:
			as = [4]obj.As{x86.AORQ, x86.AORQ, x86.AORQ, x86.AORQ}
		case blocks.XOR:
			as = [4]obj.As{x86.AXORQ, x86.AXORQ, x86.AXORQ, x86.AXORQ}
		}
		// The carry chain is unbroken: MOVQ leaves the flags alone.
		for i := range 4 {
			g.load(a, i, wordRegs[i])
			g.b.Inst(as[i], g.operandNoFlags(b, i), amd64.Reg(wordRegs[i]))
		}
		g.storeRegs(d)
	case blocks.NOT:
		for i := range 4 {
			g.load(a, i, wordRegs[i])
			g.b.Inst(x86.ANOTQ, obj.Addr{}, amd64.Reg(wordRegs[i]))
		}
		g.storeRegs(d)
	case blocks.ISZERO:
		g.load(a, 0, x86.REG_AX)
		for i := 1; i < 4; i++ {
			g.b.Inst(x86.AORQ, g.operandNoFlags(a, i), amd64.Reg(x86.REG_AX))
		}
		g.storeFlag(x86.ASETEQ, d)
	case blocks.EQ:
		g.load(a, 0, x86.REG_AX)
		g.b.Inst(x86.AXORQ, g.operandNoFlags(b, 0), amd64.Reg(x86.REG_AX))
		for i := 1; i < 4; i++ {
			g.load(a, i, x86.REG_BX)
			g.b.Inst(x86.AXORQ, g.operandNoFlags(b, i), amd64.Reg(x86.REG_BX))
			g.b.Inst(x86.AORQ, amd64.Reg(x86.REG_BX), amd64.Reg(x86.REG_AX))
		}
		g.storeFlag(x86.ASETEQ, d)
	case blocks.LT, blocks.GT, blocks.SLT, blocks.SGT:
		if op == blocks.GT || op == blocks.SGT {
			a, b = b, a // a > b is b < a
		}
		// a - b across the limbs: the borrow out says a < b unsigned, the
		// flags of the last limb's subtraction a < b signed.
		for i := range 4 {
			g.load(a, i, x86.REG_AX)
			sub := x86.ASBBQ
			if i == 0 {
				sub = x86.ASUBQ
			}
			g.b.Inst(sub, g.operandNoFlags(b, i), amd64.Reg(x86.REG_AX))
		}
		if op == blocks.LT || op == blocks.GT {
			g.storeFlag(x86.ASETCS, d)
		} else {
			g.storeFlag(x86.ASETLT, d)
		}
	default:
		panic("translate: no word operation " + op.String()) // classify and wordOp disagree
	}
}

// operandNoFlags is operand for use inside a flag chain: a wide constant
// is loaded with MOVQ, which leaves the flags alone.
func (g *nativeGen) operandNoFlags(w word, i int) obj.Addr { return g.operand(w, i, x86.REG_R8) }

// storeRegs stores AX, BX, CX, DX as the limbs of slot d.
func (g *nativeGen) storeRegs(d int32) {
	for i, r := range wordRegs {
		g.b.Inst(x86.AMOVQ, amd64.Reg(r), limb(d, i))
	}
}

// storeFlag stores the condition set (a SETcc) as the word 0 or 1 in slot d.
func (g *nativeGen) storeFlag(set obj.As, d int32) {
	g.b.Inst(set, obj.Addr{}, amd64.Reg(x86.REG_AL))
	g.b.Inst(x86.AMOVBQZX, amd64.Reg(x86.REG_AL), amd64.Reg(x86.REG_AX))
	g.b.Inst(x86.AMOVQ, amd64.Reg(x86.REG_AX), limb(d, 0))
	for i := 1; i < 4; i++ {
		g.b.Inst(x86.AMOVQ, amd64.Imm(0), limb(d, i))
	}
}

// storeConst stores the constant c in slot d.
func (g *nativeGen) storeConst(d int32, c *uint256.Int) {
	w := constWord(c)
	for i := range 4 {
		g.b.Inst(x86.AMOVQ, g.operand(w, i, x86.REG_AX), limb(d, i))
	}
}

// moves lowers an irMoves: the parallel move, sequenced by the builder
// (through the temporary X2:X3 where it needs one), its constant stores,
// then the stack pointer's move.
func (g *nativeGen) moves(ir *irBlock, in *irInstr) {
	m := ir.moveSets[in.c]
	for _, mv := range ir.moves[m.lo:m.hi] {
		switch {
		case mv.dst == tmpSlot:
			g.b.Inst(x86.AMOVOU, limb(mv.src, 0), amd64.Reg(x86.REG_X2))
			g.b.Inst(x86.AMOVOU, limb(mv.src, 2), amd64.Reg(x86.REG_X3))
		case mv.src == tmpSlot:
			g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X2), limb(mv.dst, 0))
			g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X3), limb(mv.dst, 2))
		default:
			g.b.Inst(x86.AMOVOU, limb(mv.src, 0), amd64.Reg(x86.REG_X0))
			g.b.Inst(x86.AMOVOU, limb(mv.src, 2), amd64.Reg(x86.REG_X1))
			g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X0), limb(mv.dst, 0))
			g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X1), limb(mv.dst, 2))
		}
	}
	for i := range ir.constMoves[m.clo:m.chi] {
		cm := &ir.constMoves[int(m.clo)+i]
		g.storeConst(cm.dst, &cm.c)
	}
	g.moveSP(int(in.dst))
}

// tableAddr returns the address of a jump table's first entry, which
// machine code embeds: the table lives as long as the program.
func tableAddr(t []uintptr) uintptr {
	if len(t) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&t[0]))
}
