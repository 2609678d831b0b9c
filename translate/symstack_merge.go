package translate

import "github.com/hyvm/hyvm/blocks"

// mergeEmpty makes every block that does nothing at run time but fall
// through (JUMPDESTs, or pushes it pops) a copy of its successor with its
// own gas and stack bounds added, so a run of such blocks costs one
// dispatch. Charging the run's gas at its first block only changes where
// an out-of-gas halt happens inside it, which is not observable: the frame
// fails all the same. Blocks are visited last first, so a chain collapses
// in one pass; next always follows in code order.
func mergeEmpty(bs []block) {
	for i := len(bs) - 1; i >= 0; i-- {
		b := &bs[i]
		n := b.next
		if b.term != blocks.Fallthrough || len(b.ops) != 0 || n == nil {
			continue
		}
		merged := *n
		merged.gas += b.gas
		merged.stackReq = max(b.stackReq, n.stackReq)
		merged.stackGrowth = max(b.stackGrowth, n.stackGrowth)
		*b = merged
	}
}
