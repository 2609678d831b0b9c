package translate

import (
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

// symEnt is where the value of one stack position lives.
type symEnt struct {
	isConst bool
	slot    int // entry-relative slot, when !isConst
	c       uint256.Int
}

// symBlock is the translation state of one block.
type symBlock struct {
	ops   []opFn
	ents  []symEnt // ents[p+req] describes position p
	req   int      // lowest position is -req
	limit int      // slots lie in [-req, limit)
	h     int      // current height above the entry height
	spOff int      // physical sp minus the entry sp
}

func newSymBlock(req, growth int) *symBlock {
	s := &symBlock{req: req, limit: growth, ents: make([]symEnt, req+growth)}
	for p := -req; p < 0; p++ {
		s.ents[p+req] = symEnt{slot: p}
	}
	return s
}

func (s *symBlock) ent(p int) *symEnt { return &s.ents[p+s.req] }

// push appends a value at the top.
func (s *symBlock) push(e symEnt) { *s.ent(s.h) = e; s.h++ }

// used reports whether a live position other than those in [from, s.h)
// reads slot k.
func (s *symBlock) used(k, from int) bool {
	for p := -s.req; p < from; p++ {
		if e := s.ent(p); !e.isConst && e.slot == k {
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
		if e := s.ent(p); !e.isConst && e.slot == k {
			return true
		}
	}
	return false
}

// operand returns the sp-relative slot of position p, storing a constant
// into a free slot first.
func (s *symBlock) operand(p int) int {
	e := s.ent(p)
	if e.isConst {
		k := s.freeSlot(s.h, p)
		s.ops = append(s.ops, makeSetConst(k-s.spOff, e.c))
		*e = symEnt{slot: k}
	}
	return e.slot - s.spOff
}

// result records the value of an operation that popped n positions and
// pushes one, choosing its slot; it returns the sp-relative slot. Operand
// slots may be reused: operations read their operands before writing.
func (s *symBlock) result(n int, operands ...int) int {
	base := s.h - n
	prefer := []int{base}
	for _, k := range operands {
		prefer = append(prefer, k+s.spOff)
	}
	k := s.freeSlotBelow(base, prefer)
	s.h = base
	s.push(symEnt{slot: k})
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
	var moves []move
	for p := -s.req; p < s.h; p++ {
		e := s.ent(p)
		if e.isConst {
			moves = append(moves, move{dst: p, c: e.c, isConst: true})
		} else if e.slot != p {
			moves = append(moves, move{dst: p, src: e.slot})
		}
		*e = symEnt{slot: p}
	}
	ordered := orderMoves(moves)
	for i := range ordered {
		if ordered[i].dst != tmpSlot {
			ordered[i].dst -= s.spOff
		}
		if !ordered[i].isConst && ordered[i].src != tmpSlot {
			ordered[i].src -= s.spOff
		}
	}
	if fn := makeMoves(ordered, s.h-s.spOff); fn != nil {
		s.ops = append(s.ops, fn)
	}
	s.spOff = s.h
}

// translateSymbolic translates a block's instructions (its terminator and a
// static jump's PUSH excluded) on the symbolic stack.
func translateSymbolic(b *block, src *blocks.Block, instrs []blocks.Instr, fork blocks.Fork) {
	s := newSymBlock(src.StackReq, src.StackGrowth)
	instrs, negate := trailingIszeros(b, instrs)
	rest := src.Gas
	for _, in := range instrs {
		op := in.Op
		rest -= op.Info().Gas
		switch {
		case op == blocks.PUSH0:
			s.push(symEnt{isConst: true})
		case op.IsPush():
			s.push(symEnt{isConst: true, c: pushValue(in.Imm, op.Info().Immediate)})
		case op == blocks.PC:
			s.push(symEnt{isConst: true, c: *uint256.NewInt(uint64(in.PC))})
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
				*s.ent(p) = symEnt{slot: p}
			}
		}
	}
	s.bindCond(b, negate)
	s.materialize()
	b.ops = s.ops
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
