package translate

import (
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The block IR: what the builder (symstack*.go) makes of a basic block, as
// data, and the one thing every backend lowers. The block's facts (gas,
// stack bounds, terminator, static target and condition) are its blockHead;
// its instructions say which opcode runs, where its operands and result
// live, what gas is still due in the block after it, and which pre-steps a
// profile puts before it (HyVM's offset rewriting and policy, exact gas for
// the instructions that observe it). The builder decides all of that; a
// backend only renders it: the closure backend (lower_closure.go) binds
// each instruction to a closure over the semantic core (core.go), and the
// traced tier runs the same closures one instruction at a time.
//
// Slots are relative to the frame's stack pointer as it is when the
// instruction runs: it moves only at irStack instructions and at irMoves.

// irForm says how an instruction reaches its operands.
type irForm uint8

const (
	// irStack runs on the materialised stack as an interpreter does,
	// popping its operands and pushing its results; c is a PUSH's constant.
	irStack irForm = iota
	// irSlots reads operand i from slot src[i] (operand 0 was the top) and
	// writes its result, if any, to slot dst; the stack pointer stays.
	irSlots
	// irConst is irSlots with operand ci the block constant c; the other
	// operand, if any, is in src[0].
	irConst
	// irSetConst stores the block constant c in slot dst.
	irSetConst
	// irMoves materialises the symbolic stack: the slot moves of
	// moveSets[c] in order (a parallel move, sequenced), its constant
	// stores, then the stack pointer moves by dst.
	irMoves
)

// irPre are the steps a profile puts before an instruction.
type irPre uint8

const (
	// preExactGas: the instruction observes the gas left (the spec row's
	// ObservesGas), so the rest of the block's gas, charged at entry, is
	// given back while it runs.
	preExactGas irPre = 1 << iota
	// preGuestMemory: a HyVM guest's instruction: the memory offsets its
	// row names (HyVM.Offsets) are rewritten into HyVM's guest area before
	// it runs, and MSIZE does not count HyVM's own area.
	preGuestMemory
	// prePolicy: a HyVM guest's instruction the profile marks (HyVM.Policy)
	// asks Env.HyVMPolicy first; a denial ends the guest like revert(0, 0).
	prePolicy
)

// irInstr is one instruction of the IR.
type irInstr struct {
	op   blocks.Opcode
	form irForm
	pre  irPre
	ci   int8   // irConst: the constant operand
	pc   uint32 // the instruction's offset in the code
	dst  int32  // the result slot; irMoves: the stack pointer's move
	src  [3]int32
	c    int32 // a constant's index in irBlock.consts; irMoves: its move set
	// rest is the constant gas of the block after this instruction, which
	// block entry charged in advance.
	rest uint64
}

// irBlock is a block in the IR. Its lists are the builder's scratch space,
// reused from block to block: a backend copies out what it keeps.
type irBlock struct {
	blockHead
	instrs     []irInstr
	consts     []uint256.Int
	moveSets   []moveSet
	moves      []move
	constMoves []constMove
}

// moveSet is what one irMoves does: moves[lo:hi], then constMoves[clo:chi].
type moveSet struct{ lo, hi, clo, chi int32 }

// reset empties ir for building the block head into its scratch lists.
func (ir *irBlock) reset(head blockHead) {
	ir.blockHead = head
	ir.instrs, ir.consts = ir.instrs[:0], ir.consts[:0]
	ir.moveSets, ir.moves, ir.constMoves = ir.moveSets[:0], ir.moves[:0], ir.constMoves[:0]
}

// emit appends an instruction.
func (ir *irBlock) emit(in irInstr) { ir.instrs = append(ir.instrs, in) }

// constant returns the index of a new block constant c.
func (ir *irBlock) constant(c uint256.Int) int32 {
	ir.consts = append(ir.consts, c)
	return int32(len(ir.consts) - 1)
}

// irProfile is what differs between the ways a block is built: EVM or
// HyVM guest, fused or one instruction at a time.
type irProfile struct {
	fork blocks.Fork
	// guest builds for HyVM mode: its overheads in the gas, its offset
	// rewriting and policy as pre-steps.
	guest bool
	// traced builds for the per-instruction tier: every instruction in
	// stack form, in order, nothing fused.
	traced bool
}

// cost returns the constant gas of one instruction under the profile.
func (pr irProfile) cost(op blocks.Opcode) uint64 {
	if pr.guest {
		return guestGas(op)
	}
	return op.Info().Gas
}

// term returns how a block ending with op ends under the profile:
// blocks.Fallthrough if op does not end one.
func (pr irProfile) term(op blocks.Opcode) blocks.Terminator {
	if pr.guest {
		return guestTerm(op)
	}
	return op.TermIn(pr.fork)
}

// pre returns the pre-steps of op under the profile.
func (pr irProfile) pre(op blocks.Opcode) irPre {
	var p irPre
	info := op.Info()
	if info.ObservesGas {
		p |= preExactGas
	}
	if pr.guest {
		if info.HyVM.Offsets[0] >= 0 || op == blocks.MSIZE {
			p |= preGuestMemory
		}
		if info.HyVM.Policy {
			p |= prePolicy
		}
	}
	return p
}

// buildStackIR builds the IR of the traced tier: each instruction in stack
// form, one after the other; rest is left zero, gas being charged per
// instruction.
func buildStackIR(ir *irBlock, instrs []blocks.Instr, pr irProfile) {
	for _, in := range instrs {
		x := irInstr{op: in.Op, form: irStack, pc: in.PC, pre: pr.pre(in.Op)}
		if in.Op == blocks.PUSH0 || in.Op.IsPush() {
			x.c = ir.constant(pushValue(in.Imm, in.Op.Info().Immediate))
		}
		ir.emit(x)
	}
}
