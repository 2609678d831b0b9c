package translate

import (
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The symbolic stack: the builder of the block IR (ir.go) tracks, for every
// stack position of a block, where its value lives (a slot of the physical
// stack, or a constant) instead of emitting instructions for PUSH, DUP,
// SWAP, POP and JUMPDEST. Operations are bound to the slots of their
// operands and result, relative to the frame's sp, which does not move
// inside the block until the stack is materialised: before any instruction
// that needs the real stack (one without a slot form, see symOps) and at the
// block's end, where one irMoves puts the values in their positions and
// adjusts sp once.
//
// Positions and slots are counted from the block's entry height (negative:
// items that were on the stack at entry). Block entry checks
// sp >= StackReq and sp+StackGrowth <= StackLimit, and every slot the
// translator binds lies in [-StackReq, StackGrowth), so every access is in
// bounds.

// symEnt is where the value of one stack position lives: a slot, or the
// constant consts[cidx-1] of its block's IR (kept apart so positions stay
// small).
type symEnt struct {
	slot int32 // entry-relative slot, when cidx == 0
	cidx int32
}

func (e symEnt) isConst() bool { return e.cidx != 0 }

func slotEnt(k int) symEnt { return symEnt{slot: int32(k)} }

// constEnt returns a position holding c.
func (s *symBlock) constEnt(c uint256.Int) symEnt {
	return symEnt{cidx: s.ir.constant(c) + 1}
}

// constOf returns the constant of a constant position.
func (s *symBlock) constOf(e symEnt) uint256.Int { return s.ir.consts[e.cidx-1] }

// symBlock is the builder's state for one block.
type symBlock struct {
	ir    *irBlock
	pr    irProfile
	ents  []symEnt // ents[p+req] describes position p
	req   int      // lowest position is -req
	limit int      // slots lie in [-req, limit)
	h     int      // current height above the entry height
	spOff int      // physical sp minus the entry sp
	fold  *foldWords
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
		s.ir.emit(irInstr{form: irSetConst, dst: int32(k - s.spOff), c: e.cidx - 1})
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
	var slotBuf [24]move
	slots, ir := slotBuf[:0], s.ir
	clo := len(ir.constMoves)
	for p := -s.req; p < s.h; p++ {
		e := s.ent(p)
		if e.isConst() {
			ir.constMoves = append(ir.constMoves, constMove{dst: int32(p - s.spOff), c: s.constOf(*e)})
		} else if int(e.slot) != p {
			slots = append(slots, move{dst: int32(p), src: e.slot})
		}
		*e = slotEnt(p)
	}
	lo := len(ir.moves)
	ir.moves = orderMoves(slots, ir.moves)
	for i := lo; i < len(ir.moves); i++ {
		if m := &ir.moves[i]; m.dst != tmpSlot {
			m.dst -= int32(s.spOff)
		}
		if m := &ir.moves[i]; m.src != tmpSlot {
			m.src -= int32(s.spOff)
		}
	}
	if delta := s.h - s.spOff; lo < len(ir.moves) || clo < len(ir.constMoves) || delta != 0 {
		ir.moveSets = append(ir.moveSets, moveSet{lo: int32(lo), hi: int32(len(ir.moves)), clo: int32(clo), chi: int32(len(ir.constMoves))})
		ir.emit(irInstr{form: irMoves, dst: int32(delta), c: int32(len(ir.moveSets) - 1)})
	}
	s.spOff = s.h
}

// buildIR builds the IR of a block's instructions (its terminator and a
// static jump's PUSH excluded) on the symbolic stack; b holds the block's
// facts, ir.consts its constants.
func buildIR(ir *irBlock, src *blocks.Block, instrs []blocks.Instr, pr irProfile, sc *scratch) {
	s := newSymBlock(src.StackReq, src.StackGrowth, sc)
	s.ir, s.pr = ir, pr
	instrs, negate := trailingIszeros(&ir.blockHead, instrs)
	rest := ir.gas
	for _, in := range instrs {
		op := in.Op
		rest -= pr.cost(op)
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
			s.emitBound(op, in.PC)
		default:
			s.materialize()
			ir.emit(irInstr{op: op, form: irStack, pc: in.PC, pre: pr.pre(op), rest: rest})
			info := op.Info()
			s.h += info.Pushes - info.Pops
			s.spOff = s.h
			for p := s.h - info.Pushes; p < s.h; p++ {
				*s.ent(p) = slotEnt(p)
			}
		}
	}
	s.bindCond(negate)
	s.materialize()
}

// emitBound emits an operation bound to the slots of its operands.
func (s *symBlock) emitBound(op blocks.Opcode, pc uint32) {
	pre := s.pr.pre(op)
	if pre&preGuestMemory != 0 && s.fixConstOffsets(op) {
		pre &^= preGuestMemory
	}
	if s.emitConst(op, pc, pre) {
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
	s.ir.emit(irInstr{op: op, form: irSlots, pre: pre, pc: pc, dst: int32(d),
		src: [3]int32{int32(x[0]), int32(x[1]), int32(x[2])}})
}

// fixConstOffsets rewrites, at build time, the memory offsets of a guest's
// op that are constants, as HyVM would at run time; it reports whether all
// of them were, so that nothing is left to rewrite when it runs.
func (s *symBlock) fixConstOffsets(op blocks.Opcode) bool {
	all := true
	for _, k := range op.Info().HyVM.Offsets {
		if k < 0 {
			continue
		}
		e := s.ent(s.h - 1 - int(k))
		if !e.isConst() {
			all = false
			continue
		}
		c := s.constOf(*e)
		fixOffset(&c)
		*e = s.constEnt(c)
	}
	return all
}
