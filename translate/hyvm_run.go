package translate

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// A block ending with a jump charged the cheaper outcome (blocks.HyVMJump*);
// the jump charges the difference.
const (
	hvJumpBadExtra    = blocks.HyVMJumpBadGas - blocks.HyVMJumpGas
	hvJumpITakenExtra = blocks.HyVMJumpITakenGas - blocks.HyVMJumpINotTakenGas
	hvJumpIBadExtra   = blocks.HyVMJumpIBadGas - blocks.HyVMJumpINotTakenGas
)

// run executes the guest as a HyVM frame in f: f's address, caller, value
// and gas are those of the DELEGATECALL into HyVM, f.Input is ignored (the
// guest sees empty calldata) and f.Code becomes the guest.
func (g *hyvmGuest) run(f *Frame) ([]byte, error) {
	if f.Gas < blocks.HyVMStartupGas {
		return nil, errOutOfGas
	}
	f.Gas -= blocks.HyVMStartupGas
	if err := f.growMemory(blocks.HyVMMemStart); err != nil {
		return nil, err
	}
	f.Mem.lastGasCost = memoryCost(blocks.HyVMMemStart / 32)
	f.Code, f.Input = g.code, nil
	b := g.blockAt(0)
	for {
		if f.Gas < b.gas {
			return nil, errOutOfGas
		}
		f.Gas -= b.gas
		if f.sp < b.stackReq {
			return nil, &vm.ErrStackUnderflow{}
		}
		if f.sp+b.stackMax > blocks.HyVMStackLimit {
			return nil, &vm.ErrStackOverflow{}
		}
		for _, op := range b.ops {
			if err := op(f); err != nil {
				return nil, err
			}
		}
		switch b.term {
		case hvFallthrough:
			// Guest blocks are cut every hvWindow bytes: checking here
			// bounds a cancelled run of long straight-line guest code.
			if f.Env.Abort.Load() {
				return nil, ErrAborted
			}
			b = g.blockAt(b.end)
		case hvJump:
			var err error
			if b, err = g.jump(f, f.pop(), 0, hvJumpBadExtra); b == nil {
				return nil, err
			}
		case hvJumpI:
			dest, cond := f.pop(), f.pop()
			if cond.IsZero() {
				b = g.blockAt(b.end)
				continue
			}
			var err error
			if b, err = g.jump(f, dest, hvJumpITakenExtra, hvJumpIBadExtra); b == nil {
				return nil, err
			}
		case hvStop:
			return nil, nil
		case hvReturn:
			return f.out, nil
		case hvRevert:
			return f.out, errExecReverted
		case hvAbort:
			return nil, errExecReverted
		default:
			return nil, &invalidOpcodeError{0xfe} // INVALID
		}
	}
}

// jump continues after a taken jump: HyVM only checks that the target byte
// is 0x5b (anywhere, PUSH data included) and resumes after it; any other
// target is revert(0, 0). good and bad are the gas still due per outcome.
func (g *hyvmGuest) jump(f *Frame, dest *uint256.Int, good, bad uint64) (*hvBlock, error) {
	// Every loop takes a jump, so checking here bounds a cancelled run.
	if f.Env.Abort.Load() {
		return nil, ErrAborted
	}
	if dest.IsUint64() && dest.Uint64() < uint64(len(g.code)) && g.code[dest.Uint64()] == 0x5b {
		if f.Gas < good {
			return nil, errOutOfGas
		}
		f.Gas -= good
		return g.blockAt(uint32(dest.Uint64()) + 1), nil
	}
	if f.Gas < bad {
		return nil, errOutOfGas
	}
	f.Gas -= bad
	return nil, errExecReverted
}

// NewHyVMKernel returns the program of a HyVM contract deployed at self,
// served natively. Run through DELEGATECALL (or CALLCODE, or an EIP-7702
// delegation) it runs its calldata as a guest in the caller's context,
// translated by guest (given the guest's frame, whose Input is the guest); run with ADDRESS == self it reverts with empty data
// after the gas HyVM's context check burns.
func NewHyVMKernel(self common.Address, guest func(f *Frame) (*Program, error)) *Program {
	return &Program{native: func(f *Frame) ([]byte, error) {
		if f.Address == self {
			if f.Gas < blocks.HyVMSelfCallGas {
				return nil, errOutOfGas
			}
			f.Gas -= blocks.HyVMSelfCallGas
			return nil, errExecReverted
		}
		p, err := guest(f)
		if err != nil {
			return nil, fmt.Errorf("%w: translate guest: %w", ErrInternal, err)
		}
		return p.Run(f)
	}}
}
