package translate

import (
	"slices"
	"unsafe"

	"github.com/holiman/uint256"
)

// Materialising the symbolic stack is a parallel move: every position takes
// the value of a slot or a constant at once. orderMoves sequences it so no
// value is overwritten before it is read, breaking cycles (left by SWAPs)
// through one temporary.

// tmpSlot names the temporary in a move.
const tmpSlot = 1 << 30

// move copies slot src to slot dst (relative to sp; either may be tmpSlot).
type move struct{ dst, src int32 }

// constMove stores a constant.
type constMove struct {
	dst int32
	c   uint256.Int
}

// orderMoves appends to out the moves of pending (each destination appears
// at most once; pending is consumed) in an order that performs them as one
// parallel move.
func orderMoves(pending, out []move) []move {
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
			if pending[i].src == d {
				pending[i].src = tmpSlot
			}
		}
	}
	return out
}

// readByOther reports whether a pending move other than the i-th reads slot k.
func readByOther(pending []move, k int32, i int) bool {
	for j := range pending {
		if j != i && pending[j].src == k {
			return true
		}
	}
	return false
}

// makeMoves returns a closure performing the ordered slot moves, then the
// constant stores (no slot move reads what they write), then moving sp by
// delta; or nil if there is nothing to do. slots and consts are
// scratch: only the general cases copy them.
func makeMoves(slots []move, consts []constMove, delta int) opFn {
	tmp := false
	for _, m := range slots {
		tmp = tmp || m.dst == tmpSlot
	}
	switch {
	case len(slots) == 0 && len(consts) == 0 && delta == 0:
		return nil
	case len(slots) == 0 && len(consts) == 0:
		return func(f *Frame) error { f.sp += delta; return nil }
	case len(consts) == 1 && len(slots) == 0:
		d, c := int(consts[0].dst), consts[0].c
		return func(f *Frame) error { copyWord(f.at(d), &c); f.sp += delta; return nil }
	case len(slots) == 1 && len(consts) == 0:
		d, s := int(slots[0].dst), int(slots[0].src)
		return func(f *Frame) error { copyWord(f.at(d), f.at(s)); f.sp += delta; return nil }
	case len(slots) == 2 && len(consts) == 0 && !tmp:
		d0, s0, d1, s1 := int(slots[0].dst), int(slots[0].src), int(slots[1].dst), int(slots[1].src)
		return func(f *Frame) error {
			copyWord(f.at(d0), f.at(s0))
			copyWord(f.at(d1), f.at(s1))
			f.sp += delta
			return nil
		}
	}
	ms, cs := slices.Clone(slots), slices.Clone(consts)
	if !tmp {
		return func(f *Frame) error {
			for _, m := range ms {
				copyWord(f.at(int(m.dst)), f.at(int(m.src)))
			}
			for i := range cs {
				copyWord(f.at(int(cs[i].dst)), &cs[i].c)
			}
			f.sp += delta
			return nil
		}
	}
	return func(f *Frame) error {
		var t uint256.Int
		for _, m := range ms {
			switch {
			case m.dst == tmpSlot:
				copyWord(&t, f.at(int(m.src)))
			case m.src == tmpSlot:
				copyWord(f.at(int(m.dst)), &t)
			default:
				copyWord(f.at(int(m.dst)), f.at(int(m.src)))
			}
		}
		for i := range cs {
			copyWord(f.at(int(cs[i].dst)), &cs[i].c)
		}
		f.sp += delta
		return nil
	}
}

// Kept out of line so that f.at stays inlined in the closure (see
// symstack_const.go).
//
//go:noinline
func makeSetConst(k int, c uint256.Int) opFn {
	return func(f *Frame) error { copyWord(f.at(k), &c); return nil }
}

// copyWord sets *dst = *src word by word: a plain struct assignment between
// pointers that may alias compiles to a call to memmove.
func copyWord(dst, src *uint256.Int) { dst[0], dst[1], dst[2], dst[3] = src[0], src[1], src[2], src[3] }

// at returns the slot k places above sp (k may be negative) without a bounds
// check: the translator binds k only so that sp+k lies in
// [entry sp - StackReq, entry sp + StackGrowth) of the running block, which
// block entry checked to be within [0, StackLimit).
func (f *Frame) at(k int) *uint256.Int {
	return (*uint256.Int)(unsafe.Add(unsafe.Pointer(&f.stack), (f.sp+k)*int(unsafe.Sizeof(uint256.Int{}))))
}
