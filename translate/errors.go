package translate

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core/vm"
)

// Errors that end a whole execution, not just the frame that met them:
// they are not an outcome of the code, so no caller may observe them as a
// failed call and go on. Every frame on the way up halts with the error and
// reverts its changes (HaltsExecution).
var (
	// ErrAborted ends a run that was cancelled (Env.Abort, a context).
	ErrAborted = errors.New("execution aborted")
	// ErrMemoryLimit ends a run whose memory would exceed Env's caps.
	ErrMemoryLimit = errors.New("memory limit exceeded")
	// ErrInternal marks a failure of the engine or of the state it runs on
	// (a panic, a translation failure), never the code's own fault.
	ErrInternal = errors.New("hyvm: internal error")
)

// HaltsExecution reports whether err ends the whole execution rather than
// one frame: cancellation, a resource cap or an internal fault.
func HaltsExecution(err error) bool {
	if err == nil || err == errExecReverted {
		return false // the common outcomes, without unwrapping
	}
	return errors.Is(err, ErrAborted) || errors.Is(err, ErrMemoryLimit) || errors.Is(err, ErrInternal)
}

// Errors are go-ethereum's, so results can be compared and classified with
// errors.Is against the reference EVM.
var (
	errOutOfGas      = vm.ErrOutOfGas
	errGasOverflow   = vm.ErrGasUintOverflow
	errWriteProtect  = vm.ErrWriteProtection
	errReturnDataOOB = vm.ErrReturnDataOutOfBounds
	errInvalidJump   = vm.ErrInvalidJump
	errExecReverted  = vm.ErrExecutionReverted
	// go-ethereum reports an error of an instruction's dynamic-gas function
	// as out of gas wrapping the cause; these read the same.
	errSstoreSentry       = fmt.Errorf("%w: not enough gas for reentrancy sentry", vm.ErrOutOfGas)
	errWriteProtectGas    = fmt.Errorf("%w: %v", vm.ErrOutOfGas, vm.ErrWriteProtection)
	errOutOfGasInGasFn    = fmt.Errorf("%w: %v", vm.ErrOutOfGas, vm.ErrOutOfGas)
	errGasOverflowInGasFn = fmt.Errorf("%w: %v", vm.ErrOutOfGas, vm.ErrGasUintOverflow)
	errMaxInitCodeLen     = vm.ErrMaxInitCodeSizeExceeded
)

// invalidOpcodeError is go-ethereum's *vm.ErrInvalidOpCode (whose fields are
// unexported) with the same message naming the opcode; errors.As finds a
// *vm.ErrInvalidOpCode in it.
type invalidOpcodeError struct{ op byte }

func (e *invalidOpcodeError) Error() string { return "invalid opcode: " + vm.OpCode(e.op).String() }

func (e *invalidOpcodeError) As(target any) bool {
	if t, ok := target.(**vm.ErrInvalidOpCode); ok {
		*t = new(vm.ErrInvalidOpCode)
		return true
	}
	return false
}

// stackError is go-ethereum's *vm.ErrStackUnderflow or *vm.ErrStackOverflow
// with the same message, stating the stack height and the bound.
type stackError struct {
	over       bool
	len, bound int
}

func (e *stackError) Error() string {
	if e.over {
		return fmt.Sprintf("stack limit reached %d (%d)", e.len, e.bound)
	}
	return fmt.Sprintf("stack underflow (%d <=> %d)", e.len, e.bound)
}

func (e *stackError) As(target any) bool {
	switch t := target.(type) {
	case **vm.ErrStackUnderflow:
		if !e.over {
			*t = new(vm.ErrStackUnderflow)
			return true
		}
	case **vm.ErrStackOverflow:
		if e.over {
			*t = new(vm.ErrStackOverflow)
			return true
		}
	}
	return false
}
