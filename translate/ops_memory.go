package translate

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/eq"
)

// Memory, storage and transient-storage instructions.

// The stack form of MLOAD, MSTORE and MSTORE8 (their cores: core.go).
// MSTORE pops only once the access succeeded, for the trace.

func opMload(f *Frame) error { x := f.peek(); return coreMload(f, x, x) }

func opMstore(f *Frame) error {
	if err := coreMstore(f, f.back(0), f.back(1)); err != nil {
		return err
	}
	f.sp -= 2
	return nil
}

func opMstore8(f *Frame) error {
	if err := coreMstore8(f, f.back(0), f.back(1)); err != nil {
		return err
	}
	f.sp -= 2
	return nil
}

func opMsize(f *Frame) error { f.push().SetUint64(uint64(f.Mem.Len())); return nil }

func opMcopy(f *Frame) error {
	dst, src, size := f.back(0), f.back(1), f.back(2)
	// Memory must cover both ranges; go-ethereum sizes it by the larger end.
	dstEnd, ok1 := memEnd(dst, size)
	srcEnd, ok2 := memEnd(src, size)
	if !ok1 || !ok2 {
		return errGasOverflow
	}
	if err := f.chargeMemory(max(dstEnd, srcEnd), wordCost(size, blocks.CopyGas)); err != nil {
		return err
	}
	f.sp -= 3
	if !size.IsZero() {
		f.Mem.watch.wrote(dst.Uint64(), size.Uint64())
		copy(f.Mem.store[dst.Uint64():], f.Mem.store[src.Uint64():src.Uint64()+size.Uint64()])
	}
	return nil
}

func opSload(f *Frame) error {
	x := f.peek()
	slot := common.Hash(x.Bytes32())
	cost := uint64(blocks.WarmStorageReadCost)
	if _, warm := f.Env.State.SlotInAccessList(f.Address, slot); !warm {
		f.Env.State.AddSlotToAccessList(f.Address, slot)
		cost = blocks.ColdSloadCost
	}
	if !f.useGas(cost) {
		return errOutOfGas
	}
	v := f.Env.State.GetState(f.Address, slot)
	x.SetBytes32(v[:])
	return nil
}

// opSstore charges and refunds per EIP-2200, EIP-2929 and EIP-3529.
func opSstore(f *Frame) error {
	if f.Static {
		return errWriteProtectGas
	}
	if f.Gas <= blocks.SstoreSentryGas {
		return errSstoreSentry
	}
	st := f.Env.State
	slot := common.Hash(f.back(0).Bytes32())
	value := common.Hash(f.back(1).Bytes32())
	current, original := st.GetStateAndCommittedState(f.Address, slot)
	cost := uint64(0)
	if _, warm := st.SlotInAccessList(f.Address, slot); !warm {
		cost = blocks.ColdSloadCost
		st.AddSlotToAccessList(f.Address, slot)
	}
	// Compared as words: == on hashes is a call to memequal each.
	switch {
	case eq.Hash(&current, &value): // no-op
		cost += blocks.WarmStorageReadCost
	case eq.Hash(&original, &current):
		if eq.ZeroHash(&original) { // create slot
			cost += blocks.SstoreSetGas
		} else {
			if eq.ZeroHash(&value) { // delete slot
				st.AddRefund(blocks.SstoreClearsRefund)
			}
			cost += blocks.SstoreResetGas - blocks.ColdSloadCost
		}
	default: // dirty update
		if !eq.ZeroHash(&original) {
			if eq.ZeroHash(&current) { // recreate slot
				st.SubRefund(blocks.SstoreClearsRefund)
			} else if eq.ZeroHash(&value) { // delete slot
				st.AddRefund(blocks.SstoreClearsRefund)
			}
		}
		if eq.Hash(&original, &value) {
			if eq.ZeroHash(&original) { // reset to original inexistent slot
				st.AddRefund(blocks.SstoreSetGas - blocks.WarmStorageReadCost)
			} else { // reset to original existing slot
				st.AddRefund(blocks.SstoreResetGas - blocks.ColdSloadCost - blocks.WarmStorageReadCost)
			}
		}
		cost += blocks.WarmStorageReadCost
	}
	if !f.useGas(cost) {
		return errOutOfGas
	}
	f.sp -= 2
	st.SetState(f.Address, slot, value)
	return nil
}

func opTload(f *Frame) error {
	x := f.peek()
	v := f.Env.State.GetTransientState(f.Address, common.Hash(x.Bytes32()))
	x.SetBytes32(v[:])
	return nil
}

func opTstore(f *Frame) error {
	if f.Static {
		return errWriteProtect
	}
	key, val := f.pop(), f.pop()
	f.Env.State.SetTransientState(f.Address, common.Hash(key.Bytes32()), common.Hash(val.Bytes32()))
	return nil
}
