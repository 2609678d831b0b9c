package hyvmstate

import (
	"testing"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// BenchmarkStorage measures the state traffic of a warm SLOAD and an SSTORE
// that is later reverted, on go-ethereum's StateDB and on the overlay.
func BenchmarkStorage(b *testing.B) {
	ref, _ := fuzzPreState(b)
	ref.Prepare(fuzzRules, bb, bb, &aa, nil, nil)
	states := []struct {
		name string
		st   vm.StateDB
	}{{"geth", ref}, {"overlay", newTestOverlay(b)}}
	one := uint256.NewInt(1)
	for _, s := range states {
		b.Run(s.name, func(b *testing.B) {
			st := s.st
			b.ReportAllocs()
			for b.Loop() {
				snap := st.Snapshot()
				st.SubBalance(bb, one, tracing.BalanceChangeTransfer)
				st.AddBalance(aa, one, tracing.BalanceChangeTransfer)
				for range 10 {
					if _, warm := st.SlotInAccessList(aa, k1); !warm {
						st.AddSlotToAccessList(aa, k1)
					}
					st.GetState(aa, k1)
					st.GetStateAndCommittedState(aa, k1)
					st.SlotInAccessList(aa, k1)
					st.SetState(aa, k1, v3)
					st.SetState(aa, k1, v1)
				}
				st.RevertToSnapshot(snap)
			}
		})
	}
}
