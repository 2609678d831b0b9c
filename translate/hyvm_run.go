package translate

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
)

// guestJumpExtra returns what a guest's taken JUMP (or JUMPI, jumpi) costs
// beyond guestGas, which charged the cheaper outcome: HyVM prices a jump by
// its outcome, ok telling that the target byte is 0x5b.
func guestJumpExtra(jumpi, ok bool) uint64 {
	switch {
	case jumpi && ok:
		return blocks.HyVMJumpITakenGas - blocks.HyVMJumpINotTakenGas
	case jumpi:
		return blocks.HyVMJumpIBadGas - blocks.HyVMJumpINotTakenGas
	case ok:
		return 0
	}
	return blocks.HyVMJumpBadGas - blocks.HyVMJumpGas
}

// enterGuest makes f a HyVM frame running code: f's address, caller,
// value and gas are those of the DELEGATECALL into HyVM; HyVM's start-up
// is charged and its area of memory reserved, and the guest sees empty
// calldata.
func enterGuest(f *Frame, code []byte) error {
	if f.Gas < blocks.HyVMStartupGas {
		return errOutOfGas
	}
	f.Gas -= blocks.HyVMStartupGas
	if err := f.growMemory(blocks.HyVMMemStart); err != nil {
		return err
	}
	f.Mem.lastGasCost = memoryCost(blocks.HyVMMemStart / 32)
	f.Code, f.Input = code, nil
	return nil
}

// guestJumped charges a guest's taken JUMP (or JUMPI, jumpi) to t (nil:
// the byte there is not 0x5b) what its block did not (guestJumpExtra); a
// jump to anything but 0x5b is revert(0, 0).
func guestJumped(jumpi bool, f *Frame, t *block) (*block, error) {
	if !f.useGas(guestJumpExtra(jumpi, t != nil)) {
		f.out = nil
		return nil, errOutOfGas
	}
	if t == nil {
		f.out = nil
		return nil, errExecReverted
	}
	return t, nil
}

// guestJumpFromNative takes the guest jump machine code left to Go
// (ExitGuestJump: its destination on the stack, a JUMPI's condition under
// it) as Program.jump does, and runs the rest of the frame in closures.
func (p *Program) guestJumpFromNative(f *Frame) ([]byte, error) {
	jumpi := f.exit.PC == 1
	dest := f.pop()
	if jumpi {
		f.sp--
	}
	var t *block
	if start, ok := p.jumpTarget(dest); ok {
		t, _ = p.guestAt(start)
	}
	t, err := guestJumped(jumpi, f, t)
	if t == nil {
		return nil, err
	}
	return p.runBlocks(f, t)
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
