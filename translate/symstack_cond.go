package translate

import "github.com/hyvm/hyvm/blocks"

// A static JUMPI's condition is read where the symbolic stack has it, and
// trailing ISZEROs become the sense of the test, instead of materialising
// the condition to pop it; a constant condition decides at translation,
// making the block a JUMP or a fallthrough.

// condKind says how a static JUMPI finds its condition.
type condKind uint8

const (
	condPop     condKind = iota // on top of the materialised stack
	condNonZero                 // the slot condSlot (relative to sp) is nonzero
	condZero                    // the slot condSlot is zero
)

// takeCond pops or reads a static JUMPI's condition.
func (b *block) takeCond(f *Frame) bool {
	if b.cond == condPop {
		return !f.pop().IsZero()
	}
	return f.at(int(b.condSlot)).IsZero() == (b.cond == condZero)
}

// trailingIszeros strips the ISZEROs right before a static JUMPI and
// reports whether their number is odd.
func trailingIszeros(b *blockHead, instrs []blocks.Instr) ([]blocks.Instr, bool) {
	if b.term != blocks.JumpI || !b.staticJump {
		return instrs, false
	}
	negate := false
	for len(instrs) > 0 && instrs[len(instrs)-1].Op == blocks.ISZERO {
		instrs = instrs[:len(instrs)-1]
		negate = !negate
	}
	return instrs, negate
}

// bindCond takes a static JUMPI's condition off the symbolic stack if it
// can be read after materialisation: it is a constant, or its slot is not
// written by the materialising moves.
func (s *symBlock) bindCond(negate bool) {
	b := &s.ir.blockHead
	if b.term != blocks.JumpI || !b.staticJump {
		return
	}
	top := s.h - 1
	e := s.ent(top)
	switch {
	case e.isConst():
		// A decided JUMPI is a JUMP or a fallthrough.
		if c := s.constOf(*e); c.IsZero() == negate {
			b.term = blocks.Jump
			if s.pr.guest {
				s.takenAtEntry(guestJumpExtra(true, true))
			}
		} else {
			b.term = blocks.Fallthrough
		}
	case int(e.slot) >= top || *s.ent(int(e.slot)) == slotEnt(int(e.slot)):
		b.cond, b.condSlot = condNonZero, e.slot
		if negate {
			b.cond = condZero
		}
	default:
		if negate { // compute the stripped ISZERO for the pop
			x := int(e.slot) - s.spOff
			d := s.result(1, x)
			s.ir.emit(irInstr{op: blocks.ISZERO, form: irSlots, src: [3]int32{int32(x)}, dst: int32(d)})
		}
		return
	}
	s.h--
	// materialize leaves sp at the height without the condition.
	b.condSlot -= int32(s.h)
}

// takenAtEntry moves what HyVM charges for taking a JUMPI that always is
// into the block's gas, the JUMP it became charging only a bad
// destination's extra (which is the same for both). Every instruction's gas
// still due grows by as much.
func (s *symBlock) takenAtEntry(extra uint64) {
	s.ir.gas += extra
	for i := range s.ir.instrs {
		s.ir.instrs[i].rest += extra
	}
}
