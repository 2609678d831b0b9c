package hyvm_test

import (
	"sync"
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// Translations are shared: goroutines running the same guest through one
// cache build its blocks on demand concurrently (run with -race).
func TestConcurrentGuests(t *testing.T) {
	// Nested counted loops whose jumps land in fresh blocks, a jump into
	// PUSH data, and memory and storage traffic.
	guest := hx(
		"6005", "5b", // outer counter; outer head at 2
		"6003", "5b", // inner counter; inner head at 5
		"80", "6000", "52", "6001", "90", "03", "80", "6005", "57", "50", // inner loop
		"6001", "90", "03", "80", "6002", "57", "50", // outer loop
		"6021", "56", "00", "625b6001", "600155", // jump to the 0x5b inside PUSH3 data at 0x21
		"59", "6000", "f3",
	)
	cache := runtime.NewCache(0)
	want := run(t, guest, 1_000_000, false, runtime.NewCache(0))
	if !want.Success {
		t.Fatalf("guest failed: %+v", want)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				got := run(t, guest, 1_000_000, false, cache)
				if got.GasUsed != want.GasUsed || got.Success != want.Success {
					t.Errorf("concurrent run: %+v, want %+v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
