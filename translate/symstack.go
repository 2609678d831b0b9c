package translate

import (
	"slices"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The symbolic stack: the block-path translator tracks, for every stack
// position of a block, where its value lives (a slot of the physical stack,
// or a constant) instead of emitting code for PUSH, DUP, SWAP, POP and
// JUMPDEST. Operations are bound to the slots of their operands and result,
// relative to the frame's sp, which does not move inside the block until the
// stack is materialised: before any instruction that needs the real stack
// (see symOps) and at the block's end, where one closure moves the values to
// their positions and adjusts sp once.
//
// Positions and slots are counted from the block's entry height (negative:
// items that were on the stack at entry). Block entry checks
// sp >= StackReq and sp+StackGrowth <= StackLimit, and every slot the
// translator binds lies in [-StackReq, StackGrowth), so every access is in
// bounds.

// symEnt is where the value of one stack position lives: a slot, or the
// constant consts[cidx-1] of its block (kept apart so positions stay small).
type symEnt struct {
	slot int32 // entry-relative slot, when cidx == 0
	cidx int32
}

func (e symEnt) isConst() bool { return e.cidx != 0 }

func slotEnt(k int) symEnt { return symEnt{slot: int32(k)} }

// constEnt returns a position holding c.
func (s *symBlock) constEnt(c uint256.Int) symEnt {
	s.consts = append(s.consts, c)
	return symEnt{cidx: int32(len(s.consts))}
}

// constOf returns the constant of a constant position.
func (s *symBlock) constOf(e symEnt) uint256.Int { return s.consts[e.cidx-1] }

// constPtr returns where the constant of a constant position is kept; the
// block's constants never change once made, so closures may share them.
func (s *symBlock) constPtr(e symEnt) *uint256.Int { return &s.consts[e.cidx-1] }

// symBlock is the translation state of one block.
type symBlock struct {
	ops    []opFn
	ents   []symEnt // ents[p+req] describes position p
	consts []uint256.Int
	req    int // lowest position is -req
	limit  int // slots lie in [-req, limit)
	h      int // current height above the entry height
	spOff  int // physical sp minus the entry sp
	fold   *foldWords
}

// newSymBlock returns the state for a block, its positions in sc.
func newSymBlock(req, growth int, sc *scratch) symBlock {
	if n := req + growth; n > cap(sc.ents) {
		sc.ents = make([]symEnt, n)
	}
	ents := sc.ents[:req+growth]
	for p := -req; p < 0; p++ {
		ents[p+req] = slotEnt(p)
	}
	return symBlock{req: req, limit: growth, ents: ents, fold: &sc.fold}
}

func (s *symBlock) ent(p int) *symEnt { return &s.ents[p+s.req] }

// push appends a value at the top.
func (s *symBlock) push(e symEnt) { *s.ent(s.h) = e; s.h++ }

// used reports whether a live position other than those in [from, s.h)
// reads slot k.
func (s *symBlock) used(k, from int) bool {
	for p := -s.req; p < from; p++ {
		if e := s.ent(p); !e.isConst() && int(e.slot) == k {
			return true
		}
	}
	return false
}

// freeSlot returns a slot no live position reads, trying prefer first.
// One always exists: fewer live values than slots are in use.
func (s *symBlock) freeSlot(from int, prefer ...int) int {
	for _, k := range prefer {
		if k >= -s.req && k < s.limit && !s.used(k, from) {
			return k
		}
	}
	for k := -s.req; k < s.limit; k++ {
		if !s.used(k, from) && !s.usedAbove(k, from) {
			return k
		}
	}
	panic("translate: no free stack slot")
}

// usedAbove reports whether a position in [from, s.h) reads slot k.
func (s *symBlock) usedAbove(k, from int) bool {
	for p := from; p < s.h; p++ {
		if e := s.ent(p); !e.isConst() && int(e.slot) == k {
			return true
		}
	}
	return false
}

// operand returns the sp-relative slot of position p, storing a constant
// into a free slot first.
func (s *symBlock) operand(p int) int {
	e := s.ent(p)
	if e.isConst() {
		k := s.freeSlot(s.h, p)
		s.ops = append(s.ops, makeSetConst(k-s.spOff, s.constOf(*e)))
		*e = slotEnt(k)
	}
	return int(e.slot) - s.spOff
}

// result records the value of an operation that popped n positions and
// pushes one, choosing its slot; it returns the sp-relative slot. Operand
// slots may be reused: operations read their operands before writing.
func (s *symBlock) result(n int, operands ...int) int {
	base := s.h - n
	var buf [4]int
	prefer := append(buf[:0], base)
	for _, k := range operands {
		prefer = append(prefer, k+s.spOff)
	}
	k := s.freeSlotBelow(base, prefer)
	s.h = base
	s.push(slotEnt(k))
	return k - s.spOff
}

// freeSlotBelow returns a slot that no position below base reads.
func (s *symBlock) freeSlotBelow(base int, prefer []int) int {
	for _, k := range prefer {
		if k >= -s.req && k < s.limit && !s.used(k, base) {
			return k
		}
	}
	for k := -s.req; k < s.limit; k++ {
		if !s.used(k, base) {
			return k
		}
	}
	panic("translate: no free stack slot")
}

// materialize emits what makes the physical stack hold the symbolic one:
// position p in slot p for every live position, and sp at the top.
func (s *symBlock) materialize() {
	var slotBuf, orderBuf [24]move
	var constBuf [8]constMove
	slots, consts := slotBuf[:0], constBuf[:0]
	for p := -s.req; p < s.h; p++ {
		e := s.ent(p)
		if e.isConst() {
			consts = append(consts, constMove{dst: int32(p - s.spOff), c: s.constOf(*e)})
		} else if int(e.slot) != p {
			slots = append(slots, move{dst: int32(p), src: e.slot})
		}
		*e = slotEnt(p)
	}
	ordered := orderMoves(slots, orderBuf[:0])
	for i := range ordered {
		if ordered[i].dst != tmpSlot {
			ordered[i].dst -= int32(s.spOff)
		}
		if ordered[i].src != tmpSlot {
			ordered[i].src -= int32(s.spOff)
		}
	}
	if fn := makeMoves(ordered, consts, s.h-s.spOff); fn != nil {
		s.ops = append(s.ops, fn)
	}
	s.spOff = s.h
}

// translateSymbolic translates a block's instructions (its terminator and a
// static jump's PUSH excluded) on the symbolic stack.
func translateSymbolic(b *blockCode, src *blocks.Block, instrs []blocks.Instr, fork blocks.Fork, sc *scratch) {
	// The translation is built in scratch space and copied out at its size.
	s := newSymBlock(src.StackReq, src.StackGrowth, sc)
	s.ops = sc.ops[:0]
	defer func() { sc.ops = s.ops[:0] }()
	if n := countPushes(instrs); n > 0 {
		s.consts = make([]uint256.Int, 0, n)
	}
	instrs, negate := trailingIszeros(b, instrs)
	rest := src.Gas
	for _, in := range instrs {
		op := in.Op
		rest -= op.Info().Gas
		switch {
		case op == blocks.PUSH0:
			s.push(s.constEnt(uint256.Int{}))
		case op.IsPush():
			s.push(s.constEnt(pushValue(in.Imm, op.Info().Immediate)))
		case op == blocks.PC:
			s.push(s.constEnt(*uint256.NewInt(uint64(in.PC))))
		case op >= blocks.DUP1 && op <= blocks.DUP16:
			s.push(*s.ent(s.h - 1 - int(op-blocks.DUP1)))
		case op >= blocks.SWAP1 && op <= blocks.SWAP16:
			top, other := s.ent(s.h-1), s.ent(s.h-2-int(op-blocks.SWAP1))
			*top, *other = *other, *top
		case op == blocks.POP:
			s.h--
		case op == blocks.JUMPDEST:
		case symOps[op] != nil:
			s.emitBound(op)
		default:
			s.materialize()
			s.ops = append(s.ops, translateInstr(in, fork, rest))
			info := op.Info()
			s.h += info.Pushes - info.Pops
			s.spOff = s.h
			for p := s.h - info.Pushes; p < s.h; p++ {
				*s.ent(p) = slotEnt(p)
			}
		}
	}
	s.bindCond(b, negate)
	s.materialize()
	if len(s.ops) > 0 {
		b.ops = slices.Clone(s.ops)
	}
}

// emitBound emits an operation bound to the slots of its operands.
func (s *symBlock) emitBound(op blocks.Opcode) {
	if s.emitConst(op) {
		return
	}
	info := op.Info()
	var x [3]int
	for i := range info.Pops {
		x[i] = s.operand(s.h - 1 - i)
	}
	d := 0
	if info.Pushes == 1 {
		d = s.result(info.Pops, x[:info.Pops]...)
	} else {
		s.h -= info.Pops
	}
	s.ops = append(s.ops, symOps[op](x, d))
}

// countPushes returns the number of constants a block's PUSH and PC
// instructions make, to size their list once.
func countPushes(instrs []blocks.Instr) int {
	n := 0
	for _, in := range instrs {
		if in.Op == blocks.PUSH0 || in.Op.IsPush() || in.Op == blocks.PC {
			n++
		}
	}
	return n
}
