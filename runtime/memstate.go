package runtime

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

// NewMemoryDatabase returns go-ethereum's state database over an in-memory
// key-value store: the built-in default backing for hyvm's state.
func NewMemoryDatabase() state.Database {
	return state.NewDatabase(triedb.NewDatabase(rawdb.NewMemoryDatabase(), nil), nil)
}

// NewMemoryState returns an empty go-ethereum StateDB in memory.
func NewMemoryState() *state.StateDB {
	st, err := state.New(types.EmptyRootHash, NewMemoryDatabase())
	if err != nil {
		// Opening the empty root of a fresh in-memory database cannot fail.
		panic("runtime: empty in-memory state: " + err.Error())
	}
	return st
}

// NewPreState returns an in-memory state holding alloc, committed and
// reopened so that it reads as a block's post-state: its storage is what
// SSTORE prices against, nothing is dirty, and its empty accounts stay
// (loading is not a state transition: no EIP-161 sweep).
func NewPreState(alloc types.GenesisAlloc) (*state.StateDB, error) {
	db := NewMemoryDatabase()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, err
	}
	for addr, acc := range alloc {
		balance := new(uint256.Int)
		if acc.Balance != nil {
			var overflow bool
			if balance, overflow = uint256.FromBig(acc.Balance); overflow || acc.Balance.Sign() < 0 {
				return nil, fmt.Errorf("account %v: balance %v out of range", addr, acc.Balance)
			}
		}
		st.SetCode(addr, acc.Code, tracing.CodeChangeUnspecified)
		st.SetNonce(addr, acc.Nonce, tracing.NonceChangeUnspecified)
		st.SetBalance(addr, balance, tracing.BalanceChangeUnspecified)
		for k, v := range acc.Storage {
			st.SetState(addr, k, v)
		}
	}
	root, err := st.Commit(params.Rules{}, 0)
	if err != nil {
		return nil, fmt.Errorf("committing the state: %w", err)
	}
	return state.New(root, db)
}
