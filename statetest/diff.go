package statetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"
)

// maxDiffs bounds how many differences one message lists.
const maxDiffs = 8

// diffState compares the final state with the fixture's expected post-state
// (the `state` field runners don't otherwise use) over the accounts of the
// pre- and expected post-state, to say why a root differs. Accounts created
// by the transaction but not expected cannot be enumerated and are not
// reported. It returns "" when nothing can be compared.
func diffState(statedb *state.StateDB, pre types.GenesisAlloc, expectedJSON []byte) string {
	if len(expectedJSON) == 0 {
		return ""
	}
	var expected types.GenesisAlloc
	if err := json.Unmarshal(expectedJSON, &expected); err != nil {
		return fmt.Sprintf("expected state unreadable: %v", err)
	}
	addrs := make(map[common.Address]bool)
	for a := range pre {
		addrs[a] = true
	}
	for a := range expected {
		addrs[a] = true
	}
	sorted := make([]common.Address, 0, len(addrs))
	for a := range addrs {
		sorted = append(sorted, a)
	}
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i][:], sorted[j][:]) < 0 })

	var diffs []string
	for _, addr := range sorted {
		want, ok := expected[addr]
		switch {
		case !ok && statedb.Exist(addr):
			diffs = append(diffs, fmt.Sprintf("%v exists, expected deleted", addr))
		case ok && !statedb.Exist(addr):
			diffs = append(diffs, fmt.Sprintf("%v missing", addr))
		case ok:
			diffs = append(diffs, diffAccount(statedb, addr, &want, pre[addr].Storage)...)
		}
	}
	if len(diffs) == 0 {
		return "no difference among pre/expected accounts (an unexpected account was probably created)"
	}
	if len(diffs) > maxDiffs {
		diffs = append(diffs[:maxDiffs], fmt.Sprintf("... %d more", len(diffs)-maxDiffs))
	}
	return "differences: " + strings.Join(diffs, ", ")
}

// diffAccount compares one account field by field.
func diffAccount(statedb *state.StateDB, addr common.Address, want *types.Account, preStorage map[common.Hash]common.Hash) []string {
	var diffs []string
	wantBalance := new(uint256.Int)
	if want.Balance != nil {
		wantBalance, _ = uint256.FromBig(want.Balance)
	}
	if got := statedb.GetBalance(addr); !got.Eq(wantBalance) {
		diffs = append(diffs, fmt.Sprintf("%v balance %v want %v", addr, got, wantBalance))
	}
	if got := statedb.GetNonce(addr); got != want.Nonce {
		diffs = append(diffs, fmt.Sprintf("%v nonce %d want %d", addr, got, want.Nonce))
	}
	if got := statedb.GetCode(addr); !bytes.Equal(got, want.Code) {
		diffs = append(diffs, fmt.Sprintf("%v code %d bytes want %d", addr, len(got), len(want.Code)))
	}
	seen := make(map[common.Hash]bool)
	var slots []common.Hash
	for _, m := range []map[common.Hash]common.Hash{want.Storage, preStorage} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				slots = append(slots, k)
			}
		}
	}
	sort.Slice(slots, func(i, j int) bool { return bytes.Compare(slots[i][:], slots[j][:]) < 0 })
	for _, k := range slots {
		if got := statedb.GetState(addr, k); got != want.Storage[k] {
			diffs = append(diffs, fmt.Sprintf("%v storage[%x] %x want %x", addr, k, got, want.Storage[k]))
		}
	}
	return diffs
}
