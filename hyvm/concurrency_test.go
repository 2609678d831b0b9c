package hyvm_test

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"reflect"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// Translations are shared: goroutines running the same guests through one
// cold cache build their blocks on demand concurrently. .ci/run runs this
// package under the race detector, which is what can see a race here; the
// results are also compared with runs on a private cache.
func TestConcurrentGuests(t *testing.T) {
	// Nested counted loops whose jumps land in fresh blocks, a jump into
	// PUSH data, and memory and storage traffic; variants differ in their
	// outer count, so each is a new guest whose blocks are all cold.
	guest := func(outer byte) []byte {
		return hx(
			fmt.Sprintf("60%02x", outer), "5b", // outer counter; outer head at 2
			"6003", "5b", // inner counter; inner head at 5
			"80", "6000", "52", "6001", "90", "03", "80", "6005", "57", "50", // inner loop
			"6001", "90", "03", "80", "6002", "57", "50", // outer loop
			"6021", "56", "00", "625b6001", "600155", // jump to the 0x5b inside PUSH3 data at 0x21
			"59", "6000", "f3",
		)
	}
	const variants, rounds = 40, 5
	guests := make([][]byte, variants)
	want := make([]*hyvm.Result, variants)
	for i := range guests {
		guests[i] = guest(byte(i + 1))
		want[i] = run(t, guests[i], 1_000_000, false, runtime.NewCache(0))
		if !want[i].Success || len(want[i].StateDiff) == 0 {
			t.Fatalf("guest %x failed or wrote nothing: %+v", guests[i], want[i])
		}
	}
	cache := runtime.NewCache(0)
	start := make(chan struct{}) // the goroutines meet every cold guest together
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			<-start
			for i, g := range guests {
				for range rounds {
					// No t.Fatal off the test goroutine: errors are reported.
					got, err := hyvm.Run(context.Background(), newState(t), hyvm.Context{
						Fork:  blocks.Prague,
						Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
						Host:  host, Caller: owner, Origin: owner, Gas: 1_000_000, Depth: 1, Cache: cache, StateDiff: true,
					}, g)
					if err != nil || got.GasUsed != want[i].GasUsed || got.Success != want[i].Success ||
						!bytes.Equal(got.ReturnData, want[i].ReturnData) || !reflect.DeepEqual(got.StateDiff, want[i].StateDiff) {
						t.Errorf("concurrent run of %x: %+v (err %v), want %+v", g, got, err, want[i])
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
}
