package translate

import (
	"bytes"
	"sync/atomic"
	"unsafe"

	"github.com/hyvm/hyvm/blocks"
)

// HyVM mode is a profile of the same builder and the same run loop as EVM
// mode (irProfile.guest): a guest (the calldata of a DELEGATECALL into
// HyVM) is decoded into the same blocks, built into the same IR with the
// same symbolic-stack fusion, lowered by the same backends. What differs is
// decided while building: HyVM's overhead is folded into each block's
// static gas (guestGas), memory offsets get a rewriting pre-step (or are
// rewritten at build time when constant), opcodes HyVM lacks end the block
// (blocks.Abort: revert(0, 0)), the policy is a pre-step of the
// instructions it is asked about, and the stack limit is HyVM's. There is
// no JUMPDEST analysis: a jump is valid if the byte at its destination is
// 0x5b, and resumes after it; blocks start wherever execution arrives
// (offset 0, after a JUMPI, one past a jump's 0x5b target) and are built on
// first use, into pages indexed by start.

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
type hvPage [1 << hvPageBits]atomic.Pointer[block]

const hvPageSize = int(unsafe.Sizeof(hvPage{}))

// stackLimitGap is how much lower a guest's stack limit is than the EVM's:
// added to a guest block's stack growth, the one entry check of the run
// loop applies HyVM's limit.
const stackLimitGap = StackLimit - blocks.HyVMStackLimit

// CompileHyVM translates guest bytecode for HyVM mode. The program's Run
// executes it as a HyVM frame: start-up cost, reserved memory, the guest's
// empty calldata and HyVM's control flow. Blocks are translated lazily, so
// compiling is O(1) whatever the size of the guest. Blocks are published
// with compare-and-swap into a two-level table indexed by start offset, so
// concurrent runs share them without locks and each block is kept once (a
// lost race only discards a duplicate). Past the program's budget, blocks
// are built, run and dropped.
func CompileHyVM(code []byte, fork blocks.Fork, opt Options) *Program {
	// A guest is the calldata of a DELEGATECALL, usually a view of the
	// caller's memory, and its blocks are built lazily long after that
	// memory has changed: the program keeps its own copy.
	return newGuest(bytes.Clone(code), fork, opt)
}

// newGuest returns a guest program of code, which it keeps.
func newGuest(code []byte, fork blocks.Fork, opt Options) *Program {
	traced := opt.PerInstructionGas
	p := &Program{code: code, fork: fork, guest: true, traced: traced, tier: opt.Tier}
	if p.tier == TierAuto && !traced {
		p.nat.after = nativeThreshold(opt.NativeAfter, len(code))
	}
	if traced || p.blocksTier() {
		// The interpreter builds no blocks: it needs no table of them.
		// Machine code does not either, but the frame goes on in closures
		// after a jump into PUSH data (ExitGuestJump).
		p.table = newBlockTable(len(code))
	}
	if p.traced {
		p.instrs = make([]atomic.Pointer[[]blocks.Instr], len(code)+1)
	}
	p.fp.budget.Store(retainBudget(len(code)))
	p.fp.charge(allocSize(programSize) + allocSize(cap(code)) +
		allocSize(ptrSize*len(p.table.pages)) + allocSize(ptrSize*len(p.instrs)))
	return p
}

// guestAt returns the guest block starting at pc (0 <= pc <= len(code)),
// and whether it is the published one (else it is new and kept by no one).
func (p *Program) guestAt(pc uint32) (*block, bool) {
	if b := p.table.load(pc); b != nil {
		return b, true
	}
	b, cost := p.buildGuest(pc)
	slot, ok := p.table.reservedSlot(pc, &p.fp, cost)
	if !ok {
		return b, false
	}
	return p.keep(slot, b, cost), true
}

// guestLink returns the guest block starting at pc and caches it in slot,
// a link to it, if it is published.
func (p *Program) guestLink(slot *atomic.Pointer[block], pc uint32) *block {
	b, ok := p.guestAt(pc)
	if ok {
		slot.Store(b)
	}
	return b
}

// published reports whether a block starting at pc is published.
func (p *Program) published(pc uint32) bool {
	return p.table.load(pc) != nil
}

// splitAtJumpdest ends blocks before every JUMPDEST opcode: jumps land one
// byte after it, straight-line code executes it, so both start blocks there.
func splitAtJumpdest(uint64) bool { return true }

// guestGas returns the constant gas of a guest instruction: its native
// gas and HyVM's overhead, or for the instructions that end a block what
// HyVM charges for it (for a jump, the cheaper outcome: guestJumpExtra is
// the rest).
func guestGas(op blocks.Opcode) uint64 {
	switch guestTerm(op) {
	case blocks.Abort:
		return blocks.HyVMAbortGas
	case blocks.Jump:
		return blocks.HyVMJumpGas
	case blocks.JumpI:
		return blocks.HyVMJumpINotTakenGas
	}
	info := op.Info()
	return info.Gas + info.HyVM.Overhead
}

// guestTerm returns how a guest block ending with op ends, Fallthrough if
// op does not end one: as the spec table says, but an opcode HyVM does not
// support aborts the guest.
func guestTerm(op blocks.Opcode) blocks.Terminator {
	if info := op.Info(); info.HyVM.Supported {
		return info.Term
	}
	return blocks.Abort
}

// buildGuest decodes the guest block starting at start, builds and lowers
// it, and returns it with the bytes it retains.
func (p *Program) buildGuest(start uint32) (*block, int64) {
	if int(start) >= len(p.code) {
		// Past the end HyVM runs STOP.
		b := &block{blockCode: blockCode{blockHead: blockHead{gas: blocks.HyVMStopGas, term: blocks.Stop, start: start, end: start}}}
		return b, allocSize(blockSize)
	}
	sc := getScratch()
	defer scratchPool.Put(sc)
	limit := min(len(p.code), int(start)+hvWindow)
	src, buf := blocks.BuildBlockInto(p.code[:limit], start, p.fork, splitAtJumpdest, sc.instrs[:0])
	sc.instrs = buf[:0]
	instrs, end := src.Instrs, src.End
	if n := len(instrs); limit < len(p.code) && n > 1 {
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
		if p.published(instrs[i].PC) {
			instrs, end = instrs[:i], instrs[i].PC
			break
		}
	}
	g := guestHead(start, end, instrs)
	b := &block{blockCode: blockCode{blockHead: blockHead{gas: g.Gas, stackReq: int32(g.StackReq),
		stackGrowth: int32(g.StackGrowth + stackLimitGap), term: g.Term, end: g.End, start: start}}}
	cost := p.keepInstrs(start, g.Instrs)
	cost += p.translateBlock(&b.blockCode, &g, sc)
	return b, cost + allocSize(blockSize) + allocSize(ptrSize*cap(b.ops))
}

// guestHead returns the guest block of the instructions decoded from
// start up to end: what HyVM charges for them and their stack bounds, cut after the
// first that ends a block (a terminator, an opcode HyVM lacks, or one a
// policy is asked about, which may end the guest with the gas of what
// follows left, so the block must not have charged for it).
func guestHead(start, end uint32, instrs []blocks.Instr) blocks.Block {
	g := blocks.Block{Start: start, End: end}
	height := 0
	for i, in := range instrs {
		op, info := in.Op, in.Op.Info()
		g.Gas += guestGas(op)
		if g.Term = guestTerm(op); g.Term != blocks.Abort {
			g.StackReq = max(g.StackReq, info.Pops-height)
		}
		if g.Term != blocks.Fallthrough || info.HyVM.Policy {
			instrs, g.End = instrs[:i+1], in.PC+1
			break
		}
		height += info.Pushes - info.Pops
		g.StackGrowth = max(g.StackGrowth, height)
		if op.IsPush() {
			g.StackGrowth = max(g.StackGrowth, height+blocks.HyVMPushStackHeadroom)
		}
	}
	g.Instrs = instrs
	return g
}

// translateGuestAt decodes and translates the guest block at pc (< the
// code's length) for machine code, which sweeps the code from offset 0:
// unlike buildGuest it takes no window and publishes nothing, and a 0x5b
// at pc is a block of its own, so that the block a jump to it lands in
// starts right after it.
func (p *Program) translateGuestAt(pc uint32, b *blockCode, sc *scratch) blocks.Block {
	limit := len(p.code)
	if p.code[pc] == byte(blocks.JUMPDEST) {
		limit = int(pc) + 1
	}
	src, buf := blocks.BuildBlockInto(p.code[:limit], pc, p.fork, splitAtJumpdest, sc.instrs[:0])
	sc.instrs = buf[:0]
	g := guestHead(pc, src.End, src.Instrs)
	*b = blockCode{blockHead: blockHead{gas: g.Gas, stackReq: int32(g.StackReq),
		stackGrowth: int32(g.StackGrowth + stackLimitGap), term: g.Term, end: g.End, start: pc}}
	p.translateBlock(b, &g, sc)
	return g
}
