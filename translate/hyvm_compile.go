package translate

import (
	"bytes"
	"sync/atomic"

	"github.com/hyvm/hyvm/blocks"
)

// HyVM mode translates a guest (the calldata of a DELEGATECALL into HyVM)
// with the same blocks and the same instruction closures as EVM mode. What
// differs is decided here, at translation time: HyVM's overhead is folded
// into each block's static gas, memory offsets get a rewriting pre-step,
// opcodes HyVM lacks end the block with revert(0, 0), and the stack limit is
// HyVM's. There is no JUMPDEST analysis: blocks start wherever execution
// arrives (offset 0, after a JUMPI, one past a jump's 0x5b target) and are
// built on first use.

// hvTerm says how a HyVM block ends.
type hvTerm uint8

const (
	hvFallthrough hvTerm = iota // continue at end (past the code: the STOP block)
	hvJump
	hvJumpI
	hvStop
	hvReturn
	hvRevert
	hvAbort   // HyVM's revert(0, 0): an opcode it does not implement
	hvInvalid // INVALID: exceptional halt
)

// hvBlock is a translated HyVM block; immutable once published.
type hvBlock struct {
	gas      uint64 // static gas of the block, HyVM overhead included
	stackReq int    // items needed at entry
	stackMax int    // highest height above entry the limit applies to
	ops      []opFn
	term     hvTerm
	end      uint32 // where fallthrough and JUMPI-not-taken continue
}

// hvWindow bounds the bytes one block decodes, so that a block built at an
// arbitrary jump target costs O(1) even in adversarial code; a longer run
// continues in the block at its end.
const hvWindow = 512

const hvPageBits = 8

// hvPage holds the blocks of 256 consecutive start offsets.
type hvPage [1 << hvPageBits]atomic.Pointer[hvBlock]

// hyvmGuest is a guest's translation. Blocks are built on demand and
// published with compare-and-swap into a two-level table indexed by start
// offset, so concurrent runs share them without locks and each block is
// kept once (a lost race only discards a duplicate).
type hyvmGuest struct {
	code  []byte
	fork  blocks.Fork
	pages []atomic.Pointer[hvPage]
}

// CompileHyVM translates guest bytecode for HyVM mode. The program's Run
// executes it as a HyVM frame: start-up cost, reserved memory, the guest's
// empty calldata and HyVM's control flow. Blocks are translated lazily, so
// compiling is O(1) whatever the size of the guest.
func CompileHyVM(code []byte, fork blocks.Fork) *Program {
	// A guest is the calldata of a DELEGATECALL, usually a view of the
	// caller's memory, and its blocks are built lazily long after that
	// memory has changed: the program keeps its own copy.
	code = bytes.Clone(code)
	g := &hyvmGuest{code: code, fork: fork, pages: make([]atomic.Pointer[hvPage], len(code)>>hvPageBits+1)}
	return &Program{native: g.run}
}

// blockAt returns the block starting at pc (0 <= pc <= len(code)).
func (g *hyvmGuest) blockAt(pc uint32) *hvBlock {
	pp := &g.pages[pc>>hvPageBits]
	page := pp.Load()
	if page == nil {
		page = new(hvPage)
		if !pp.CompareAndSwap(nil, page) {
			page = pp.Load()
		}
	}
	slot := &page[pc&(1<<hvPageBits-1)]
	if b := slot.Load(); b != nil {
		return b
	}
	b := g.build(pc)
	if !slot.CompareAndSwap(nil, b) {
		return slot.Load()
	}
	return b
}

// splitAtJumpdest ends blocks before every JUMPDEST opcode: jumps land one
// byte after it, straight-line code executes it, so both start blocks there.
func splitAtJumpdest(uint64) bool { return true }

// build decodes and translates the block starting at start.
func (g *hyvmGuest) build(start uint32) *hvBlock {
	if int(start) >= len(g.code) {
		return &hvBlock{gas: hyvmStopGas, term: hvStop, end: start}
	}
	limit := min(len(g.code), int(start)+hvWindow)
	src := blocks.BuildBlock(g.code[:limit], start, g.fork, splitAtJumpdest)
	instrs, end := src.Instrs, src.End
	if n := len(instrs); limit < len(g.code) && n > 1 {
		// A PUSH cut by the window is decoded again by the next block.
		if last := instrs[n-1]; last.Op.IsPush() && int(last.PC)+1+last.Op.Info().Immediate > limit {
			instrs, end = instrs[:n-1], last.PC
		}
	}
	b := &hvBlock{term: hvFallthrough, end: end}
	costs := make([]uint64, 0, len(instrs))
	height := 0
	for i, in := range instrs {
		op, info := in.Op, in.Op.Info()
		hop := &hyvmOps[op]
		switch {
		case !hop.supported:
			b.term, b.gas = hvAbort, b.gas+hyvmAbortGas
		case op == blocks.INVALID:
			b.term = hvInvalid
		case op == blocks.JUMP:
			b.term, b.gas = hvJump, b.gas+hyvmJumpGas
			b.stackReq = max(b.stackReq, 1-height)
		case op == blocks.JUMPI:
			b.term, b.gas = hvJumpI, b.gas+hyvmJumpINotTakenGas
			b.stackReq = max(b.stackReq, 2-height)
		case op == blocks.STOP:
			b.term, b.gas = hvStop, b.gas+hyvmStopGas
		}
		if b.term != hvFallthrough {
			instrs = instrs[:i]
			break
		}
		b.stackReq = max(b.stackReq, info.Pops-height)
		height += info.Pushes - info.Pops
		b.stackMax = max(b.stackMax, height)
		if op.IsPush() {
			b.stackMax = max(b.stackMax, height+hyvmPushStackHeadroom)
		}
		cost := info.Gas + hop.overhead
		costs = append(costs, cost)
		b.gas += cost
		if policyChecked(op) {
			// A policy may end the guest here with its gas left, so the
			// block must not have charged for what follows.
			b.end = in.PC + 1
			instrs = instrs[:i+1]
			break
		}
		if op == blocks.RETURN || op == blocks.REVERT {
			b.term = hvReturn
			if op == blocks.REVERT {
				b.term = hvRevert
			}
			instrs = instrs[:i+1]
			break
		}
	}
	rest := b.gas
	for i, in := range instrs {
		rest -= costs[i]
		if fn := translateHyVMInstr(in, g.fork, rest); fn != nil {
			b.ops = append(b.ops, fn)
		}
	}
	return b
}

// translateHyVMInstr returns the closure of a supported, non-jump guest
// instruction: EVM mode's, behind HyVM's offset rewriting where it applies.
func translateHyVMInstr(in blocks.Instr, fork blocks.Fork, rest uint64) opFn {
	switch in.Op {
	case blocks.JUMPDEST:
		return nil // gas only
	case blocks.MSIZE:
		return opHyVMMsize
	}
	fn := withPolicy(translateInstr(in, fork, rest), in.Op, rest)
	switch offs := hyvmOps[in.Op].offsets; {
	case offs[1] >= 0:
		return withFixedOffsets(fn, int(offs[0]), int(offs[1]))
	case offs[0] >= 0:
		return withFixedOffset(fn, int(offs[0]))
	}
	return fn
}
