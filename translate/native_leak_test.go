//go:build linux && amd64

package translate

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

var oneShotRounds = flag.Int("hyvm.native.leak", 4_000, "one-shot machine-code compilations of TestNativeOneShotNoLeak (1e6 for the issue's proof)")

// TestNativeOneShotNoLeak compiles a program to machine code, runs it once
// and drops it, many times, as one-shot code under the amd64 backend does:
// the mappings must come back once the programs are collected, and neither
// the live heap nor (outside -race) resident memory may grow with the
// rounds. The rounds run in 8 parts; the median part may add at most 64 KiB
// of live heap and 768 KiB of resident memory (a leaked program is KiBs,
// its mapping a page, so a leak grows every part by MiBs).
func TestNativeOneShotNoLeak(t *testing.T) {
	const parts, heapSlack, rssSlack = 8, 64 << 10, 768 << 10
	code := loopCode(3)
	round := func(i int) {
		p, err := CompileCode(append(code, byte(i)), blocks.Latest, Options{Tier: TierAMD64}) // a new program
		if err != nil {
			t.Fatal(err)
		}
		f := new(Frame)
		f.Reset(testEnv(t), 1)
		f.Gas = 100_000
		if _, err := p.Run(f); err != nil {
			t.Fatal(err)
		}
		if p.nat.prog.Load() == nil {
			t.Fatalf("no machine code: %v", p.NativeErr())
		}
	}
	for i := range 200 { // warm up allocators before the baseline
		round(i)
	}
	mapped := func() int64 { n, _ := amd64.Mapped(); return n }
	rss, heap := []int64{residentBytes(t)}, []int64{liveHeapBytes()}
	live0 := mapped()
	for part := range parts {
		for i := *oneShotRounds * part / parts; i < *oneShotRounds*(part+1)/parts; i++ {
			round(i)
		}
		rss, heap = append(rss, residentBytes(t)), append(heap, liveHeapBytes())
	}
	live1 := mapped()
	rssGrowth, heapGrowth := medianStep(rss), medianStep(heap)
	report := fmt.Sprintf("%d one-shot compilations: mappings %d -> %d, KiB per part: VmRSS %v (median growth %d), live heap %v (median growth %d)",
		*oneShotRounds, live0, live1, toKiB(rss), rssGrowth>>10, toKiB(heap), heapGrowth>>10)
	t.Log(report)
	if live1 > live0+16 || heapGrowth > heapSlack || (!raceEnabled && rssGrowth > rssSlack) {
		t.Fatal(report)
	}
}

// residentBytes returns VmRSS after a collection that returns memory to
// the system.
func residentBytes(t *testing.T) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	var kib int64
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if _, err := fmt.Sscanf(v, "%d kB", &kib); err != nil {
				t.Fatal(err)
			}
		}
	}
	return kib << 10
}

// liveHeapBytes is the bytes of live heap objects after a collection.
func liveHeapBytes() int64 {
	runtime.GC()
	runtime.GC() // the first runs the cleanups that unmap dropped code
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return int64(sample[0].Value.Uint64())
}

// medianStep is the median difference between consecutive samples.
func medianStep(samples []int64) int64 {
	steps := make([]int64, len(samples)-1)
	for i := range steps {
		steps[i] = samples[i+1] - samples[i]
	}
	slices.Sort(steps)
	return steps[len(steps)/2]
}

func toKiB(bytes []int64) []int64 {
	out := make([]int64, len(bytes))
	for i, b := range bytes {
		out[i] = b >> 10
	}
	return out
}
