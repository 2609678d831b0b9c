package translate

import (
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// HyVM's rewriting of guest memory arguments, run before the native
// instruction: HyVM keeps its own state below blocks.HyVMMemStart.

// fixOffset rewrites a guest memory offset as (off & (2^160-1)) + 0x340, so
// offsets of 2^160 and above wrap instead of running out of gas.
func fixOffset(off *uint256.Int) {
	off[3] = 0
	off[2] &= 0xffffffff
	off.AddUint64(off, blocks.HyVMMemStart)
}

// withGuestOffsets rewrites the memory offsets of op's row (HyVM.Offsets)
// on the materialised stack, then runs fn. Traced, it records the guest's
// values for the trace first.
func withGuestOffsets(fn opFn, op blocks.Opcode, traced bool) opFn {
	offs := op.Info().HyVM.Offsets
	if traced {
		return func(f *Frame) error {
			for i, k := range offs {
				if k >= 0 {
					f.trace.fixed[i] = fixedOffset{set: true, pos: int(k), orig: *f.back(int(k))}
					fixOffset(f.back(int(k)))
				}
			}
			return fn(f)
		}
	}
	switch {
	case offs[1] >= 0:
		return withFixedOffsets(fn, int(offs[0]), int(offs[1]))
	case offs[0] >= 0:
		return withFixedOffset(fn, int(offs[0]))
	}
	return fn
}

// guestSlotOps are the slot forms of the memory instructions with a slot
// form for an offset read from a slot: the slot may hold the value of
// another stack position too (the builder fuses DUPs), so the rewritten
// offset is a copy.
var guestSlotOps = [256]func(x [3]int, d int) opFn{
	blocks.MLOAD: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { off := guestOffset(f.at(a)); return coreMload(f, f.at(d), &off) }
	},
	blocks.MSTORE: func(x [3]int, _ int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { off := guestOffset(f.at(a)); return coreMstore(f, &off, f.at(b)) }
	},
	blocks.MSTORE8: func(x [3]int, _ int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { off := guestOffset(f.at(a)); return coreMstore8(f, &off, f.at(b)) }
	},
}

// guestOffset returns the rewritten offset *off.
func guestOffset(off *uint256.Int) uint256.Int {
	v := *off
	fixOffset(&v)
	return v
}

func withFixedOffset(op opFn, pos int) opFn {
	return func(f *Frame) error {
		fixOffset(f.back(pos))
		return op(f)
	}
}

func withFixedOffsets(op opFn, pos1, pos2 int) opFn {
	return func(f *Frame) error {
		fixOffset(f.back(pos1))
		fixOffset(f.back(pos2))
		return op(f)
	}
}

// opHyVMMsize reports the guest's memory size, without HyVM's reserved area.
func opHyVMMsize(f *Frame) error {
	f.push().SetUint64(uint64(f.Mem.Len() - blocks.HyVMMemStart))
	return nil
}
