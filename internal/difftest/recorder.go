package difftest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/hyvm/hyvm/internal/statewatch"
)

// recorder remembers which accounts and slots a run wrote, so a diagnosing run can show how two post-states differ (the
// root alone cannot say).
type recorder struct {
	*state.StateDB
	touched map[common.Address]map[common.Hash]bool
}

// newRecorder watches st's writes; run the engine on the returned StateDB.
func newRecorder(st *state.StateDB) (*recorder, vm.StateDB) {
	r := &recorder{StateDB: st, touched: make(map[common.Address]map[common.Hash]bool)}
	return r, statewatch.Wrap(st, statewatch.Hooks{
		Account: func(a common.Address) { r.slotsOf(a) },
		Slot:    func(a common.Address, k common.Hash) { r.slotsOf(a)[k] = true },
	})
}

func (r *recorder) slotsOf(a common.Address) map[common.Hash]bool {
	s := r.touched[a]
	if s == nil {
		s = make(map[common.Hash]bool)
		r.touched[a] = s
	}
	return s
}

// describe renders account a with the given slots as it is now.
func (r *recorder) describe(a common.Address, slots map[common.Hash]bool) string {
	st := r.StateDB
	if !st.Exist(a) {
		return "absent"
	}
	keys := make([]common.Hash, 0, len(slots))
	for k := range slots {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i][:], keys[j][:]) < 0 })
	var s strings.Builder
	fmt.Fprintf(&s, "balance %v nonce %d code %x", st.GetBalance(a), st.GetNonce(a), st.GetCode(a))
	for _, k := range keys {
		fmt.Fprintf(&s, " [%x]=%x", k.Big(), st.GetState(a, k).Big())
	}
	return s.String()
}

// diffAccounts lists the accounts either run wrote whose states differ.
func diffAccounts(a, b *recorder) []string {
	// Every account of the pre-state, with its committed slots, and every
	// account and slot either run wrote.
	union := make(map[common.Address]map[common.Hash]bool)
	for _, addr := range preStateAccounts {
		union[addr] = make(map[common.Hash]bool)
		for k := range committedStorage {
			union[addr][k] = true
		}
	}
	for _, r := range []*recorder{a, b} {
		for addr, slots := range r.touched {
			if union[addr] == nil {
				union[addr] = make(map[common.Hash]bool)
			}
			for k := range slots {
				union[addr][k] = true
			}
		}
	}
	sorted := make([]common.Address, 0, len(union))
	for k := range union {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i][:], sorted[j][:]) < 0 })
	var d []string
	for _, addr := range sorted {
		if sa, sb := a.describe(addr, union[addr]), b.describe(addr, union[addr]); sa != sb {
			d = append(d, fmt.Sprintf("account %v:\n  hyvm %s\n  geth %s", addr, sa, sb))
		}
	}
	return d
}
