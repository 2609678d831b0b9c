package difftest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/holiman/uint256"
)

// recorder is a StateDB that remembers which accounts and slots were
// written, so a diagnosing run can show how two post-states differ (the
// root alone cannot say).
type recorder struct {
	*state.StateDB
	touched map[common.Address]map[common.Hash]bool
}

func (r *recorder) touch(a common.Address) map[common.Hash]bool {
	s := r.touched[a]
	if s == nil {
		s = make(map[common.Hash]bool)
		r.touched[a] = s
	}
	return s
}

func (r *recorder) CreateAccount(a common.Address) { r.touch(a); r.StateDB.CreateAccount(a) }

func (r *recorder) CreateContract(a common.Address) { r.touch(a); r.StateDB.CreateContract(a) }

func (r *recorder) SubBalance(a common.Address, v *uint256.Int, why tracing.BalanceChangeReason) uint256.Int {
	r.touch(a)
	return r.StateDB.SubBalance(a, v, why)
}

func (r *recorder) AddBalance(a common.Address, v *uint256.Int, why tracing.BalanceChangeReason) uint256.Int {
	r.touch(a)
	return r.StateDB.AddBalance(a, v, why)
}

func (r *recorder) SetNonce(a common.Address, n uint64, why tracing.NonceChangeReason) {
	r.touch(a)
	r.StateDB.SetNonce(a, n, why)
}

func (r *recorder) SetCode(a common.Address, code []byte, why tracing.CodeChangeReason) []byte {
	r.touch(a)
	return r.StateDB.SetCode(a, code, why)
}

func (r *recorder) SetState(a common.Address, k, v common.Hash) common.Hash {
	r.touch(a)[k] = true
	return r.StateDB.SetState(a, k, v)
}

func (r *recorder) SelfDestruct(a common.Address) { r.touch(a); r.StateDB.SelfDestruct(a) }

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
