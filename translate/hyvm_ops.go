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
