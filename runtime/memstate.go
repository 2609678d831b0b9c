package runtime

import (
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/triedb"
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
