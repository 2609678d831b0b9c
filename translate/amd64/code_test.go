//go:build linux && amd64

package amd64

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"
)

var leakRounds = flag.Int("hyvm.amd64.leak", 20_000, "compile+map+free rounds of TestNoLeak (1e6 for a one-off proof)")

// TestCodeIsNotWritable finds the code's mapping in /proc/self/maps and
// checks that it is read-execute, not writable.
func TestCodeIsNotWritable(t *testing.T) {
	c := newSum(t)
	defer c.Free()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for s := bufio.NewScanner(f); s.Scan(); {
		var lo, hi uintptr
		var perms string
		if _, err := fmt.Sscanf(s.Text(), "%x-%x %s", &lo, &hi, &perms); err != nil {
			t.Fatalf("%q: %v", s.Text(), err)
		}
		if lo <= c.Addr() && c.Addr()+uintptr(c.Size()) <= hi {
			if perms[:3] != "r-x" {
				t.Fatalf("code mapping %s has perms %s, want r-x", s.Text(), perms)
			}
			return
		}
	}
	t.Fatalf("no mapping holds the code at %#x", c.Addr())
}

// TestNoLeak maps and frees code many times and checks that the mappings
// and the lines of /proc/self/maps come back, and that neither the live Go
// heap nor resident memory grows with the rounds: the rounds run in
// leakSegments equal parts, and the median part may add at most heapSlack
// live heap and rssSlack resident memory. A leak grows every part (an
// unmapped page per round is 10 MiB a part, 512 leaked bytes 1.2 MiB); a
// one-time rise lands in one part and is not a leak. Under the race
// detector resident memory also holds its shadow memory, which rises by
// 3-9 MiB spread over several parts whatever the round count, so there
// the live heap and the mapping counts are the measure.
func TestNoLeak(t *testing.T) {
	const leakSegments, heapSlack, rssSlack = 8, 64 << 10, 768 << 10
	for range 2000 { // warm up allocators before the baseline
		newSum(t).Free()
	}
	maps0, rss0, live0 := procState(t)
	rss, heap := []int64{rss0}, []int64{liveHeap()}
	for segment := range leakSegments {
		for range *leakRounds*(segment+1)/leakSegments - *leakRounds*segment/leakSegments {
			c := newSum(t)
			if err := c.Free(); err != nil {
				t.Fatal(err)
			}
			if err := c.Free(); err != nil {
				t.Fatalf("second Free: %v", err)
			}
		}
		_, r, _ := procState(t)
		rss, heap = append(rss, r), append(heap, liveHeap())
	}
	maps1, _, live1 := procState(t)
	rssGrowth, heapGrowth := medianGrowth(rss), medianGrowth(heap)
	report := fmt.Sprintf("%d rounds: live %v -> %v, maps %d -> %d, KiB per part: VmRSS %v (median growth %d), live heap %v (median growth %d)",
		*leakRounds, live0, live1, maps0, maps1, kib(rss), rssGrowth>>10, kib(heap), heapGrowth>>10)
	t.Log(report)
	if live1 != live0 || maps1 > maps0+16 || heapGrowth > heapSlack || (!raceEnabled && rssGrowth > rssSlack) {
		t.Fatal(report)
	}

	t.Run("dropped", func(t *testing.T) {
		dropped := make([]*Code, 1000)
		for i := range dropped {
			dropped[i] = newSum(t)
		}
		if _, _, live := procState(t); live[0] != live0[0]+1000 {
			t.Fatalf("live %v with 1000 more codes, want %d mappings", live, live0[0]+1000)
		}
		runtime.KeepAlive(dropped) // up to here; never freed: the cleanups must unmap them
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			runtime.GC()
			if _, _, live := procState(t); live == live0 {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("live %v, want %v: cleanups did not unmap dropped code", live, live0)
			}
		}
	})
}

// medianGrowth is the median of the differences between consecutive samples.
func medianGrowth(samples []int64) int64 {
	growth := make([]int64, len(samples)-1)
	for i := range growth {
		growth[i] = samples[i+1] - samples[i]
	}
	slices.Sort(growth)
	return growth[len(growth)/2]
}

// liveHeap is the bytes of live heap objects, read after a collection.
func liveHeap() int64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return int64(sample[0].Value.Uint64())
}

// kib converts byte counts to KiB for messages.
func kib(bytes []int64) []int64 {
	out := make([]int64, len(bytes))
	for i, b := range bytes {
		out[i] = b >> 10
	}
	return out
}

// newSum maps the sumTo program.
func newSum(t *testing.T) *Code {
	machine, err := Assemble(func(b *Builder) error { sumTo(b); return nil })
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCode(machine)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// procState returns the lines of /proc/self/maps, VmRSS in bytes and Mapped.
func procState(t *testing.T) (maps int, rss int64, live [2]int64) {
	runtime.GC()
	debug.FreeOSMemory()
	m, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if kib, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if _, err := fmt.Sscanf(kib, "%d kB", &rss); err != nil {
				t.Fatal(err)
			}
		}
	}
	live[0], live[1] = Mapped()
	return strings.Count(string(m), "\n"), rss << 10, live
}
