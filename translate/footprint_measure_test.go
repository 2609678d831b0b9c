package translate

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/hyvm/hyvm/blocks"
)

// TestMeasurePushDataGuests is a measurement, not a check: it runs the
// PUSH-data guest of pushDataGuest cold at 100 KB and 1 MB and logs the
// time, the gas, and what it retains per guest byte, counted and on the
// heap:
//
//	HYVM_MEASURE_GUEST=1 go test ./translate/ -run TestMeasurePushDataGuests -v
func TestMeasurePushDataGuests(t *testing.T) {
	if os.Getenv("HYVM_MEASURE_GUEST") == "" {
		t.Skip("a measurement: set HYVM_MEASURE_GUEST=1 to run it")
	}
	for _, size := range []int{100_000, 1_000_000} {
		guest := pushDataGuest(size)
		before := liveHeap()
		start := time.Now()
		p := CompileHyVM(guest, blocks.Latest, Options{})
		_, left, err := runFrame(p, nil, 1<<62)
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("%d-byte guest: %v", len(guest), err)
		}
		grown := float64(liveHeap() - before)
		gas := float64(1<<62 - left)
		t.Logf("%d-byte guest: cold run %v, %.0f gas (%.2f ns/gas); retains %.1f bytes per guest byte (heap grew %.1f)",
			len(guest), elapsed.Round(time.Millisecond), gas, float64(elapsed.Nanoseconds())/gas,
			float64(p.Retained())/float64(len(guest)), grown/float64(len(guest)))
		runtime.KeepAlive(p)
	}
}
