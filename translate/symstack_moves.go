package translate

import (
	"unsafe"

	"github.com/holiman/uint256"
)

// Materialising the symbolic stack is a parallel move: every position takes
// the value of a slot or a constant at once. orderMoves sequences it so no
// value is overwritten before it is read, breaking cycles (left by SWAPs)
// through one temporary.

// tmpSlot names the temporary in a move.
const tmpSlot = 1 << 30

type move struct {
	dst, src int // slots relative to sp, or tmpSlot
	isConst  bool
	c        uint256.Int
}

// orderMoves returns moves in an order that performs them as one parallel
// move. Each destination appears at most once.
func orderMoves(pending []move) []move {
	out := make([]move, 0, len(pending)+1)
	for len(pending) > 0 {
		progress := false
		for i := 0; i < len(pending); {
			if !readByOther(pending, pending[i].dst, i) {
				out = append(out, pending[i])
				pending = append(pending[:i], pending[i+1:]...)
				progress = true
				continue
			}
			i++
		}
		if progress {
			continue
		}
		// Only cycles remain: save one destination's value and let the move
		// that reads it take it from the temporary.
		d := pending[0].dst
		out = append(out, move{dst: tmpSlot, src: d})
		for i := range pending {
			if !pending[i].isConst && pending[i].src == d {
				pending[i].src = tmpSlot
			}
		}
	}
	return out
}

// readByOther reports whether a pending move other than the i-th reads slot k.
func readByOther(pending []move, k, i int) bool {
	for j := range pending {
		if j != i && !pending[j].isConst && pending[j].src == k {
			return true
		}
	}
	return false
}

// makeMoves returns a closure performing ordered moves and then moving sp by
// delta, or nil if there is nothing to do.
func makeMoves(ms []move, delta int) opFn {
	switch {
	case len(ms) == 0 && delta == 0:
		return nil
	case len(ms) == 0:
		return func(f *Frame) error { f.sp += delta; return nil }
	case len(ms) == 1 && ms[0].isConst:
		d, c := ms[0].dst, ms[0].c
		return func(f *Frame) error { *f.at(d) = c; f.sp += delta; return nil }
	case len(ms) == 1:
		d, s := ms[0].dst, ms[0].src
		return func(f *Frame) error { *f.at(d) = *f.at(s); f.sp += delta; return nil }
	}
	return func(f *Frame) error {
		var tmp uint256.Int
		for i := range ms {
			m := &ms[i]
			var v *uint256.Int
			switch {
			case m.isConst:
				v = &m.c
			case m.src == tmpSlot:
				v = &tmp
			default:
				v = f.at(m.src)
			}
			if m.dst == tmpSlot {
				tmp = *v
			} else {
				*f.at(m.dst) = *v
			}
		}
		f.sp += delta
		return nil
	}
}

func makeSetConst(k int, c uint256.Int) opFn {
	return func(f *Frame) error { *f.at(k) = c; return nil }
}

// at returns the slot k places above sp (k may be negative) without a bounds
// check: the translator binds k only so that sp+k lies in
// [entry sp - StackReq, entry sp + StackGrowth) of the running block, which
// block entry checked to be within [0, StackLimit).
func (f *Frame) at(k int) *uint256.Int {
	return (*uint256.Int)(unsafe.Add(unsafe.Pointer(&f.stack), (f.sp+k)*int(unsafe.Sizeof(uint256.Int{}))))
}
