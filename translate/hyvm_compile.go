package translate

import (
	"bytes"
	"sync/atomic"
	"unsafe"

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

// A block built at an arbitrary jump target must cost little even in
// adversarial code, where every byte may start one (jumps into PUSH data):
// a block decodes at most hvWindow bytes and keeps at most hvMaxInstrs
// instructions, and ends where a published block starts instead of
// translating its instructions again, so what a block retains is
// proportional to its own instructions. A longer run continues in the
// block at its end. The limits are loose enough that unrolled guest code
// runs as fast as with 512-byte blocks (measured on the evm-benchmarks
// contracts run as guests); what the whole guest retains, however its
// blocks overlap, is bounded by the program's budget (footprint.go).
const (
	hvWindow    = 256
	hvMaxInstrs = 128
)

// Pages are small so that a small guest, the common case, does not pay
// for 256 slots.
const hvPageBits = 6

// hvPage holds the blocks of 64 consecutive start offsets.
type hvPage [1 << hvPageBits]atomic.Pointer[hvBlock]

// Sizes counted in a guest's footprint.
const (
	hvPageSize  = int(unsafe.Sizeof(hvPage{}))
	hvBlockSize = int(unsafe.Sizeof(hvBlock{}))
	hvGuestSize = int(unsafe.Sizeof(hyvmGuest{}))
	methodValue = 2 * ptrSize // the closure of Program.native
)

// hyvmGuest is a guest's translation. Blocks are built on demand and
// published with compare-and-swap into a two-level table indexed by start
// offset, so concurrent runs share them without locks and each block is
// kept once (a lost race only discards a duplicate). Past the program's
// budget, blocks are built, run and dropped.
type hyvmGuest struct {
	code  []byte
	fork  blocks.Fork
	pages []atomic.Pointer[hvPage]
	fp    *footprint // the program's
}

// CompileHyVM translates guest bytecode for HyVM mode. The program's Run
// executes it as a HyVM frame: start-up cost, reserved memory, the guest's
// empty calldata and HyVM's control flow. Blocks are translated lazily, so
// compiling is O(1) whatever the size of the guest.
func CompileHyVM(code []byte, fork blocks.Fork) *Program {
	p, _ := compileHyVM(code, fork)
	return p
}

func compileHyVM(code []byte, fork blocks.Fork) (*Program, *hyvmGuest) {
	// A guest is the calldata of a DELEGATECALL, usually a view of the
	// caller's memory, and its blocks are built lazily long after that
	// memory has changed: the program keeps its own copy.
	code = bytes.Clone(code)
	p := new(Program)
	g := &hyvmGuest{code: code, fork: fork, pages: make([]atomic.Pointer[hvPage], len(code)>>hvPageBits+1), fp: &p.fp}
	p.native = g.run
	p.fp.budget.Store(retainBudget(len(code)))
	p.fp.charge(allocSize(programSize) + allocSize(hvGuestSize) + allocSize(methodValue) +
		allocSize(cap(code)) + allocSize(ptrSize*len(g.pages)))
	return p, g
}

// blockAt returns the block starting at pc (0 <= pc <= len(code)).
func (g *hyvmGuest) blockAt(pc uint32) *hvBlock {
	pp := &g.pages[pc>>hvPageBits]
	page := pp.Load()
	if page != nil {
		if b := page[pc&(1<<hvPageBits-1)].Load(); b != nil {
			return b
		}
	}
	b, cost := g.build(pc)
	if page == nil {
		if !g.fp.reserve(allocSize(hvPageSize) + cost) {
			return b
		}
		if page = new(hvPage); !pp.CompareAndSwap(nil, page) {
			g.fp.release(allocSize(hvPageSize))
			page = pp.Load()
		}
	} else if !g.fp.reserve(cost) {
		return b
	}
	slot := &page[pc&(1<<hvPageBits-1)]
	if !slot.CompareAndSwap(nil, b) {
		g.fp.release(cost)
		return slot.Load()
	}
	return b
}

// published reports whether a block starting at pc is published.
func (g *hyvmGuest) published(pc uint32) bool {
	page := g.pages[pc>>hvPageBits].Load()
	return page != nil && page[pc&(1<<hvPageBits-1)].Load() != nil
}

// splitAtJumpdest ends blocks before every JUMPDEST opcode: jumps land one
// byte after it, straight-line code executes it, so both start blocks there.
func splitAtJumpdest(uint64) bool { return true }

// build decodes and translates the block starting at start, and returns it
// with the bytes it retains.
func (g *hyvmGuest) build(start uint32) (*hvBlock, int64) {
	if int(start) >= len(g.code) {
		return &hvBlock{gas: blocks.HyVMStopGas, term: hvStop, end: start}, allocSize(hvBlockSize)
	}
	sc, _ := scratchPool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{instrs: make([]blocks.Instr, 0, 64)}
	}
	defer scratchPool.Put(sc)
	limit := min(len(g.code), int(start)+hvWindow)
	src, buf := blocks.BuildBlockInto(g.code[:limit], start, g.fork, splitAtJumpdest, sc.instrs[:0])
	sc.instrs = buf[:0]
	instrs, end := src.Instrs, src.End
	if n := len(instrs); limit < len(g.code) && n > 1 {
		// A PUSH cut by the window is decoded again by the next block.
		if last := instrs[n-1]; last.Op.IsPush() && int(last.PC)+1+last.Op.Info().Immediate > limit {
			instrs, end = instrs[:n-1], last.PC
		}
	}
	if len(instrs) > hvMaxInstrs {
		instrs, end = instrs[:hvMaxInstrs], instrs[hvMaxInstrs].PC
	}
	for i := 1; i < len(instrs); i++ {
		// Where a block starts already, continue in it rather than
		// translate its instructions again.
		if g.published(instrs[i].PC) {
			instrs, end = instrs[:i], instrs[i].PC
			break
		}
	}
	b := &hvBlock{term: hvFallthrough, end: end}
	var costs [hvMaxInstrs]uint64
	height := 0
	for i, in := range instrs {
		op, info := in.Op, in.Op.Info()
		switch {
		case !info.HyVM.Supported:
			b.term, b.gas = hvAbort, b.gas+blocks.HyVMAbortGas
		case op == blocks.INVALID:
			b.term = hvInvalid
		case op == blocks.JUMP:
			b.term, b.gas = hvJump, b.gas+blocks.HyVMJumpGas
			b.stackReq = max(b.stackReq, 1-height)
		case op == blocks.JUMPI:
			b.term, b.gas = hvJumpI, b.gas+blocks.HyVMJumpINotTakenGas
			b.stackReq = max(b.stackReq, 2-height)
		case op == blocks.STOP:
			b.term, b.gas = hvStop, b.gas+blocks.HyVMStopGas
		}
		if b.term != hvFallthrough {
			instrs = instrs[:i]
			break
		}
		b.stackReq = max(b.stackReq, info.Pops-height)
		height += info.Pushes - info.Pops
		b.stackMax = max(b.stackMax, height)
		if op.IsPush() {
			b.stackMax = max(b.stackMax, height+blocks.HyVMPushStackHeadroom)
		}
		cost := info.Gas + info.HyVM.Overhead
		costs[i] = cost
		b.gas += cost
		if info.HyVM.Policy {
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
	ops := make([]opFn, 0, len(instrs))
	cost := allocSize(hvBlockSize)
	for i, in := range instrs {
		rest -= costs[i]
		if fn := translateHyVMInstr(in, g.fork, rest); fn != nil {
			ops = append(ops, fn)
			cost += hvOpBytes(in.Op, rest)
		}
	}
	if len(ops) > 0 {
		b.ops = ops
		cost += allocSize(ptrSize * cap(ops))
	}
	return b, cost
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
	switch offs := in.Op.Info().HyVM.Offsets; {
	case offs[1] >= 0:
		return withFixedOffsets(fn, int(offs[0]), int(offs[1]))
	case offs[0] >= 0:
		return withFixedOffset(fn, int(offs[0]))
	}
	return fn
}

// hvOpBytes estimates the heap objects behind translateHyVMInstr's
// operation for op: translateInstr's, and HyVM's policy and offset
// wrappers.
func hvOpBytes(op blocks.Opcode, rest uint64) int64 {
	if op == blocks.JUMPDEST || op == blocks.MSIZE {
		return 0
	}
	n := instrBytes(op, rest != 0)
	hv := op.Info().HyVM
	if hv.Policy {
		n += 48 + 16 // the wrapper and its allow function
	}
	if hv.Offsets[0] >= 0 {
		n += 32
	}
	return n
}
