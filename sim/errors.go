package sim

import (
	"errors"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Error is an eth_simulateV1 request the node would refuse, with the
// JSON-RPC code and message go-ethereum's node answers it with: blocks
// out of order or too many, a call that is not a valid transaction of
// its block.
type Error struct {
	Code    int
	Message string
	err     error
}

func (e *Error) Error() string             { return e.Message }
func (e *Error) ErrorCode() int            { return e.Code }
func (e *Error) Unwrap() error             { return e.err }
func simError(code int, msg string) *Error { return &Error{Code: code, Message: msg} }

// The node's codes (go-ethereum's internal/ethapi).
const (
	codeNonceTooHigh        = -38011
	codeNonceTooLow         = -38010
	codeBaseFeeTooLow       = -38012
	codeIntrinsicGas        = -38013
	codeInsufficientFunds   = -38014
	codeBlockNumberInvalid  = -38020
	codeBlockTimeInvalid    = -38021
	codeSenderIsNotEOA      = -38024
	codeMaxInitCodeExceeded = -38025
	codeClientLimitExceeded = -38026
	codeInternalError       = -32603
	codeInvalidParams       = -32602
)

// txValidationError is err, a call's transaction refused, as the node
// reports it.
func txValidationError(err error) *Error {
	code := codeInternalError
	switch {
	case errors.Is(err, core.ErrNonceTooHigh):
		code = codeNonceTooHigh
	case errors.Is(err, core.ErrNonceTooLow):
		code = codeNonceTooLow
	case errors.Is(err, core.ErrSenderNoEOA):
		code = codeSenderIsNotEOA
	case errors.Is(err, core.ErrFeeCapVeryHigh), errors.Is(err, core.ErrTipVeryHigh), errors.Is(err, core.ErrTipAboveFeeCap):
		code = codeInvalidParams
	case errors.Is(err, core.ErrFeeCapTooLow):
		code = codeBaseFeeTooLow
	case errors.Is(err, core.ErrInsufficientFunds), errors.Is(err, core.ErrInsufficientFundsForTransfer):
		code = codeInsufficientFunds
	case errors.Is(err, core.ErrIntrinsicGas):
		code = codeIntrinsicGas
	case errors.Is(err, vm.ErrMaxInitCodeSizeExceeded):
		code = codeMaxInitCodeExceeded
	}
	return &Error{Code: code, Message: err.Error(), err: err}
}
