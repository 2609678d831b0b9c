package runtime

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// Machine is what transaction application needs from an EVM: message calls,
// contract creation and a per-transaction context. hyvm's *EVM implements it;
// so does the go-ethereum reference adapter used in tests, which lets the
// transaction layer be checked independently of the engine.
//
// Errors are go-ethereum's vm error values (vm.ErrOutOfGas,
// vm.ErrExecutionReverted, ...), so callers can classify them with errors.Is.
type Machine interface {
	// Call runs the code at addr with input, transferring value from caller.
	// The returned data may be valid only until the machine's next call.
	// Cancelling ctx aborts the call.
	Call(ctx context.Context, caller, addr common.Address, input []byte, gas uint64, value *uint256.Int) (ret []byte, leftOverGas uint64, err error)
	// Create deploys initcode at the address derived from caller's nonce.
	Create(ctx context.Context, caller common.Address, code []byte, gas uint64, value *uint256.Int) (ret []byte, contract common.Address, leftOverGas uint64, err error)
	// SetTxContext sets origin, gas price and blob hashes for the next transaction.
	SetTxContext(ctx vm.TxContext)
	// ChainID is the chain the machine runs for (CHAINID, EIP-7702).
	ChainID() *uint256.Int
}
