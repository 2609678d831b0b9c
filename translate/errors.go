package translate

import (
	"errors"

	"github.com/ethereum/go-ethereum/core/vm"
)

// ErrAborted ends a run that was cancelled (Env.Abort): the frame halts as on
// any exceptional error, and so does every frame above it.
var ErrAborted = errors.New("execution aborted")

// Errors are go-ethereum's, so results can be compared and classified with
// errors.Is against the reference EVM.
var (
	errOutOfGas       = vm.ErrOutOfGas
	errGasOverflow    = vm.ErrGasUintOverflow
	errWriteProtect   = vm.ErrWriteProtection
	errReturnDataOOB  = vm.ErrReturnDataOutOfBounds
	errInvalidJump    = vm.ErrInvalidJump
	errExecReverted   = vm.ErrExecutionReverted
	errSstoreSentry   = vm.ErrOutOfGas // go-ethereum: "not enough gas for reentrancy sentry", an exceptional halt
	errMaxInitCodeLen = vm.ErrMaxInitCodeSizeExceeded
)
