package translate

import "github.com/ethereum/go-ethereum/core/vm"

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
