package translate

import (
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hyvm/hyvm/blocks"
)

// Blocks are translated the first time execution enters them, so preparing
// a program costs a jump-destination scan however much of it runs. A block
// starting at a JUMPDEST is published in Program.table with
// compare-and-swap: concurrent runs share it without locks, and a lost race
// only discards a duplicate. The other blocks (the entry, and code after a
// JUMPI) have one predecessor link, where they are published the same way.
//
// Publishing is what makes a block retained, so it is where the program's
// footprint is counted (footprint.go). Once the budget is spent, new blocks
// are returned unpublished: they run, and are rebuilt on the next entry. A
// link or table slot never points to an unpublished block, whose memory
// would then be kept uncounted.

// entryBlock returns the block at offset 0.
func (p *Program) entryBlock() *block {
	if b := p.entry.Load(); b != nil {
		return b
	}
	if p.guest {
		return p.guestLink(&p.entry, 0)
	}
	return p.link(&p.entry, 0)
}

// destBlock returns the block starting at the jump destination pc.
func (p *Program) destBlock(pc uint32) *block {
	b, _ := p.dest(pc)
	return b
}

// dest returns the block starting at the jump destination pc, and whether
// it is the published one (else it is new and kept by no one).
func (p *Program) dest(pc uint32) (*block, bool) {
	if b := p.table.load(pc); b != nil {
		return b, true
	}
	b, cost, ok := p.build(pc)
	if !ok {
		return b, false
	}
	return p.keep(p.table.slot(pc, &p.fp), b, cost), true
}

// link returns the block starting at pc and caches it in slot, a link to
// it (the entry, or a block's next) if it is kept.
func (p *Program) link(slot *atomic.Pointer[block], pc uint32) *block {
	var b *block
	var cost int64
	if p.jumpDests.Has(uint64(pc)) {
		var ok bool
		if b, ok = p.dest(pc); !ok {
			return b
		}
	} else {
		var ok bool
		if b, cost, ok = p.build(pc); !ok {
			return b
		}
	}
	return p.keep(slot, b, cost)
}

// keep publishes b, whose own bytes cost are reserved, in slot, unless a
// concurrent builder did first: then it returns that one and releases cost.
func (p *Program) keep(slot *atomic.Pointer[block], b *block, cost int64) *block {
	if !slot.CompareAndSwap(nil, b) {
		p.fp.release(cost)
		return slot.Load()
	}
	return b
}

// follow returns b's successor (nil past the end of the code, where a
// guest has a STOP block), caching it.
func (p *Program) follow(b *block) *block {
	if p.guest {
		return p.guestLink(&b.next, b.end)
	}
	if int(b.end) >= len(p.code) {
		return nil
	}
	return p.link(&b.next, b.end)
}

// targetOf returns b's static jump target (nil if invalid), caching it.
func (p *Program) targetOf(b *block) *block {
	if !b.destOK {
		return nil
	}
	if p.guest {
		return p.guestLink(&b.target, b.dest)
	}
	t, ok := p.dest(b.dest)
	if ok {
		b.target.Store(t)
	}
	return t
}

// build translates the block starting at pc. Off the traced path, a block
// that does nothing at run time but fall through (JUMPDESTs, or pushes it
// pops) becomes a copy of its successor with its own gas and stack bounds
// added, so a run of such blocks costs one dispatch. Charging the run's gas
// at its first block only changes where an out-of-gas halt happens inside
// it, which is not observable: the frame fails all the same. The run is
// walked iteratively, and the successors at jump destinations published on
// the way back, so a long run is translated once, in linear time.
//
// ok reports that the bytes of everything built were reserved: the blocks
// inside the run are published, and the returned one is for the caller to
// publish, releasing cost (what only it holds) if it loses that race.
// Without ok nothing is published and the returned block is the caller's
// alone.
func (p *Program) build(pc uint32) (b *block, cost int64, ok bool) {
	sc := getScratch()
	defer scratchPool.Put(sc)
	empties := sc.empties[:0]
	defer func() { sc.empties = empties[:0] }()
	var code blockCode
	var last *block
	var lastCost int64
	for {
		// Blocks of a lone JUMPDEST are common (padding, dispatch tables)
		// and need no decoding: a run of them is one entry.
		if n, q := p.jumpdestRun(pc); n > 0 {
			empties = append(empties, emptyBlock{gas: blocks.JUMPDEST.Info().Gas, start: pc, n: n})
			pc = q
			if last = p.table.load(pc); last != nil {
				break
			}
		}
		_, lastCost = p.translateAt(pc, &code, sc)
		if !p.fused() || code.term != blocks.Fallthrough || len(code.ops) != 0 || int(code.end) >= len(p.code) {
			break
		}
		empties = append(empties, emptyBlock{gas: code.gas, stackReq: code.stackReq, stackGrowth: code.stackGrowth, start: code.start, n: 1})
		pc = code.end // a JUMPDEST: fallthrough blocks end before one
		if last = p.table.load(pc); last != nil {
			break
		}
	}
	fresh := last == nil
	if fresh {
		last = &block{blockCode: code}
		if len(empties) == 0 {
			return last, lastCost, p.fp.reserve(lastCost)
		}
	} else {
		lastCost = 0
	}
	// The copies of a run are one allocation per entry; the first is the
	// returned block's alone when it holds one block.
	var slabs int64
	for i := range empties {
		slabs += allocSize(int(empties[i].n) * blockSize)
	}
	if empties[0].n == 1 {
		cost = allocSize(blockSize)
	}
	if ok = p.fp.reserve(lastCost + slabs); !ok {
		return p.mergeRun(last, empties, false), 0, false
	}
	if fresh {
		// Publish the run's last block before the others copy it.
		if kept := p.publish(last); kept != last {
			p.fp.release(lastCost)
			last = kept
		}
	}
	return p.mergeRun(last, empties, true), cost, true
}

// mergeRun returns the first of the copies of last run in place of each
// block of empties, publishing the others at their starts if publish.
func (p *Program) mergeRun(last *block, empties []emptyBlock, publish bool) *block {
	for i := len(empties) - 1; i >= 0; i-- {
		e := &empties[i]
		// One allocation for the copies of a run of blocks.
		slab := make([]block, e.n)
		for j := int(e.n) - 1; j >= 0; j-- {
			merged := &slab[j]
			last.mergeInto(merged, e, e.start+uint32(j))
			if publish && (i > 0 || j > 0) {
				merged = p.publish(merged)
			}
			last = merged
		}
	}
	return last
}

// jumpdestRun returns the number n of blocks from pc on that are a lone
// JUMPDEST followed by a jump destination, stopping before a published one,
// and the offset q after them. Unfused tiers keep every block.
func (p *Program) jumpdestRun(pc uint32) (n, q uint32) {
	if !p.fused() {
		return 0, pc
	}
	code := p.code
	for q = pc; int(q)+1 < len(code) && code[q] == byte(blocks.JUMPDEST) &&
		code[q+1] == byte(blocks.JUMPDEST) && p.jumpDests.Has(uint64(q+1)); {
		n, q = n+1, q+1
		if p.table.load(q) != nil {
			break
		}
	}
	return n, q
}

// publish stores b as the block at its JUMPDEST start unless one is there,
// and returns the one that is.
func (p *Program) publish(b *block) *block {
	if slot := p.table.slot(b.start, &p.fp); !slot.CompareAndSwap(nil, b) {
		return slot.Load()
	}
	return b
}

// emptyBlock is what merging keeps of n consecutive blocks that do nothing
// at run time, alike but for their starts (n > 1 only for lone JUMPDESTs).
type emptyBlock struct {
	gas                   uint64
	stackReq, stackGrowth int32
	start, n              uint32
}

// mergeInto makes m a copy of n run in place of the empty block e starting
// at start.
func (n *block) mergeInto(m *block, e *emptyBlock, start uint32) {
	m.blockCode = n.blockCode
	m.gas += e.gas
	m.stackReq = max(e.stackReq, n.stackReq)
	m.stackGrowth = max(e.stackGrowth, n.stackGrowth)
	m.start = start
	// m is not published yet: only non-nil links need storing.
	if l := n.next.Load(); l != nil {
		m.next.Store(l)
	}
	if l := n.target.Load(); l != nil {
		m.target.Store(l)
	}
}

// scratchPool holds *scratch buffers, shared by all programs so that
// translating a new program does not grow them afresh.
var scratchPool sync.Pool

// getScratch returns a scratch buffer from the pool, for scratchPool.Put.
func getScratch() *scratch {
	sc, _ := scratchPool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{instrs: make([]blocks.Instr, 0, 64)}
	}
	return sc
}

// scratch is the working space of translating blocks, reused between them.
type scratch struct {
	instrs  []blocks.Instr
	ents    []symEnt
	ops     []opFn
	ir      irBlock
	keptAt  []int32 // the closure backend's index of a kept constant
	empties []emptyBlock
	// fold holds constant operands and the result while an instruction is
	// folded: the cores are called through a table (pureCores), and words
	// on the builder's stack would escape to the heap on every call.
	fold foldWords
}

// translateAt decodes and translates the block starting at pc into b, and
// returns the decoded block (its instructions valid until sc decodes
// another; its IR is left in sc.ir) and the bytes a block of that code
// retains. The traced path's instructions are kept whether or not the
// block is: its run reads them from the program, and there is one list per
// block start, so they grow with the code only.
func (p *Program) translateAt(pc uint32, b *blockCode, sc *scratch) (blocks.Block, int64) {
	src, buf := blocks.BuildBlockInto(p.code, pc, p.fork, p.jumpDests.Has, sc.instrs[:0])
	sc.instrs = buf[:0]
	*b = blockCode{blockHead: blockHead{gas: src.Gas, stackReq: int32(src.StackReq), stackGrowth: int32(src.StackGrowth),
		term: src.Term, end: src.End, start: pc}}
	p.keepInstrs(pc, src.Instrs)
	closures := p.translateBlock(b, &src, sc)
	return src, allocSize(blockSize) + allocSize(ptrSize*cap(b.ops)) + closures
}

// keepInstrs keeps, on the traced path, the instructions of the block at
// pc for its run (one list per block start, so they grow with the code
// only), charged to the program whether or not the block is kept; it
// returns 0, the block's own cost being none of it.
func (p *Program) keepInstrs(pc uint32, instrs []blocks.Instr) int64 {
	if !p.traced || p.instrs[pc].Load() != nil {
		return 0
	}
	kept := slices.Clone(instrs)
	if p.instrs[pc].CompareAndSwap(nil, &kept) {
		p.fp.charge(allocSize(int(unsafe.Sizeof(kept))) + allocSize(cap(kept)*int(unsafe.Sizeof(blocks.Instr{}))))
	}
	return 0
}

// TranslateAll translates every block reachable from the entry or a jump
// destination now, as a run would on first entry: for measuring and
// warming up.
func (p *Program) TranslateAll() {
	if p.native != nil || p.guest || p.table.pages == nil {
		return
	}
	p.walk(p.entryBlock())
	for pc := range p.code {
		if p.jumpDests.Has(uint64(pc)) {
			p.walk(p.destBlock(uint32(pc)))
		}
	}
}

// walk translates the chain of blocks b falls through (or not-taken JUMPIs
// continue) to, up to one at a jump destination.
func (p *Program) walk(b *block) {
	for b != nil && (b.term == blocks.Fallthrough || b.term == blocks.JumpI) &&
		b.next.Load() == nil && !p.jumpDests.Has(uint64(b.end)) {
		b = p.follow(b)
	}
}
