package translate

import (
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
)

// Run executes the program in frame f until it halts. It returns the output
// of RETURN or REVERT and the error that ended the frame (nil on STOP/RETURN,
// vm.ErrExecutionReverted on REVERT, any other error is an exceptional halt
// that consumes all of the frame's gas; the caller accounts for that).
func (p *Program) Run(f *Frame) ([]byte, error) {
	if p.native != nil {
		return p.native(f)
	}
	if p.guest {
		if err := enterGuest(f, p.code); err != nil {
			return nil, err
		}
	}
	if p.traced {
		return p.runTraced(f)
	}
	if p.tier == TierAMD64 {
		if n := p.machineCode(); n != nil {
			return n.run(p, f)
		}
	} else if p.tier != TierClosure {
		q := p.promo.to.Load()
		if q == nil {
			return p.interpret(f, 0)
		}
		p = q
	}
	if p.nat.after != 0 {
		return p.runHeating(f)
	}
	return p.runBlocks(f, p.entryBlock())
}

// runBlocks runs the blocks of a closure program from b until the frame
// halts.
func (p *Program) runBlocks(f *Frame, b *block) ([]byte, error) {
	for b != nil {
		if f.Gas < b.gas {
			return nil, errOutOfGas
		}
		f.Gas -= b.gas
		if f.sp < int(b.stackReq) {
			return nil, &vm.ErrStackUnderflow{}
		}
		if f.sp+int(b.stackGrowth) > StackLimit {
			return nil, &vm.ErrStackOverflow{}
		}
		for _, op := range b.ops {
			if err := op(f); err != nil {
				return nil, err
			}
		}
		var err error
		if b, err = p.leave(b, f); b == nil {
			return f.out, err
		}
	}
	return nil, nil
}

// leave performs a block's terminator and returns the block to run next, or
// nil when the frame halts (then err is its outcome and f.out its output).
func (p *Program) leave(b *block, f *Frame) (*block, error) {
	switch b.term {
	case blocks.Fallthrough:
		// Guest blocks are cut every hvWindow bytes: checking here bounds
		// a cancelled run of long straight-line guest code.
		if p.guest && f.Env.Abort.Load() {
			f.out = nil
			return nil, ErrAborted
		}
		return p.next(b, f), nil
	case blocks.Jump:
		return p.jump(b, f)
	case blocks.JumpI:
		var cond bool
		if b.staticJump {
			cond = b.takeCond(f)
		} else {
			cond = !f.back(1).IsZero()
		}
		if cond {
			next, err := p.jump(b, f)
			if next == nil {
				return nil, err
			}
			return next, nil
		}
		if !b.staticJump {
			f.sp -= 2
		}
		return p.next(b, f), nil
	default:
		return nil, f.halt(b.term, b.undefined)
	}
}

// halt ends the frame at a terminator t other than a fallthrough or a jump
// (op is the opcode of an invalid one) and returns the frame's outcome:
// f.out keeps what RETURN or REVERT set, and is emptied for the others.
func (f *Frame) halt(t blocks.Terminator, op byte) error {
	switch t {
	case blocks.Return:
		return nil
	case blocks.Revert:
		return errExecReverted
	}
	f.out = nil
	switch t {
	case blocks.Stop, blocks.SelfDestruct:
		return nil
	case blocks.Abort: // HyVM's revert(0, 0)
		return errExecReverted
	}
	return &invalidOpcodeError{op} // Invalid, Undefined
}

// jump takes a JUMP, or a taken JUMPI (whose condition is below the target).
func (p *Program) jump(b *block, f *Frame) (*block, error) {
	// Every loop takes a jump, so checking here bounds a cancelled run.
	if f.Env.Abort.Load() {
		f.out = nil
		return nil, ErrAborted
	}
	if b.staticJump {
		t := b.target.Load()
		if t == nil {
			t = p.targetOf(b)
		}
		if p.guest {
			return guestJumped(b.term == blocks.JumpI, f, t)
		}
		if t != nil {
			return t, nil
		}
		f.out = nil
		return nil, errInvalidJump
	}
	dest := f.pop()
	if b.term == blocks.JumpI {
		f.sp--
	}
	if p.guest {
		var t *block
		if start, ok := p.jumpTarget(dest); ok {
			t, _ = p.guestAt(start)
		}
		return guestJumped(b.term == blocks.JumpI, f, t)
	}
	if dest.IsUint64() && dest.Uint64() < uint64(len(p.code)) { // a block program has a table over its code
		if t := p.table.load(uint32(dest.Uint64())); t != nil {
			return t, nil
		}
		if p.jumpDests.Has(dest.Uint64()) {
			return p.destBlock(uint32(dest.Uint64())), nil
		}
	}
	f.out = nil
	return nil, errInvalidJump
}

// next returns the block after b, nil when that is past the end of the
// code: an implicit STOP.
func (p *Program) next(b *block, f *Frame) *block {
	if n := b.next.Load(); n != nil {
		return n
	}
	n := p.follow(b)
	if n == nil {
		f.out = nil
	}
	return n
}
