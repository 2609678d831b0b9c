package statetest

import (
	"fmt"

	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"
)

// newPreState loads the pre-state accounts into a fresh in-memory state.
// It is committed and reopened so the transaction starts from clean state:
// storage reads as "original" for SSTORE metering, nothing is dirty, and
// empty accounts of the pre-state survive (they were never touched).
func newPreState(alloc types.GenesisAlloc) (*state.StateDB, error) {
	disk := rawdb.NewMemoryDatabase()
	db := state.NewMPTDatabase(triedb.NewDatabase(disk, nil), state.NewCodeDB(disk))
	statedb, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, fmt.Errorf("opening empty state: %w", err)
	}
	for addr, acc := range alloc {
		balance := new(uint256.Int)
		if acc.Balance != nil {
			var overflow bool
			if balance, overflow = uint256.FromBig(acc.Balance); overflow {
				return nil, fmt.Errorf("pre-state %v: balance %v exceeds 2^256-1", addr, acc.Balance)
			}
		}
		statedb.SetCode(addr, acc.Code, tracing.CodeChangeUnspecified)
		statedb.SetNonce(addr, acc.Nonce, tracing.NonceChangeUnspecified)
		statedb.SetBalance(addr, balance, tracing.BalanceChangeUnspecified)
		for k, v := range acc.Storage {
			statedb.SetState(addr, k, v)
		}
	}
	// No fork rules: loading the pre-state is not a state transition, so
	// empty accounts must not be swept (EIP-161).
	root, err := statedb.Commit(params.Rules{}, 0)
	if err != nil {
		return nil, fmt.Errorf("committing pre-state: %w", err)
	}
	statedb, err = state.New(root, db)
	if err != nil {
		return nil, fmt.Errorf("reopening pre-state: %w", err)
	}
	return statedb, nil
}
