package statetest

import (
	"fmt"

	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hyvm/hyvm/runtime"
)

// newPreState loads the pre-state accounts into a fresh in-memory state.
// It is committed and reopened so the transaction starts from clean state:
// storage reads as "original" for SSTORE metering, nothing is dirty, and
// empty accounts of the pre-state survive (they were never touched).
func newPreState(alloc types.GenesisAlloc) (*state.StateDB, error) {
	st, err := runtime.NewPreState(alloc)
	if err != nil {
		return nil, fmt.Errorf("pre-state: %w", err)
	}
	return st, nil
}
