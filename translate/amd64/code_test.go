//go:build linux && amd64

package amd64

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
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
// and the lines of /proc/self/maps come back, and that resident memory
// stops growing: the second half of the rounds may not add more than
// leakSlack. A one-time rise (allocator arenas, the race detector's shadow
// memory, which is ~7 MiB whatever the round count) is not a leak; a leak
// grows with the rounds, and a page per round (an unmapped Code) is 40 MiB
// a half.
func TestNoLeak(t *testing.T) {
	const leakSlack = 4 << 20
	for range 2000 { // warm up allocators before the baseline
		newSum(t).Free()
	}
	rounds := func(n int) {
		for range n {
			c := newSum(t)
			if err := c.Free(); err != nil {
				t.Fatal(err)
			}
			if err := c.Free(); err != nil {
				t.Fatalf("second Free: %v", err)
			}
		}
	}
	maps0, rss0, live0 := procState(t)
	rounds(*leakRounds / 2)
	_, rssHalf, _ := procState(t)
	rounds(*leakRounds - *leakRounds/2)
	maps1, rss1, live1 := procState(t)
	t.Logf("%d rounds: maps %d -> %d, VmRSS %d -> %d -> %d KiB", *leakRounds, maps0, maps1, rss0>>10, rssHalf>>10, rss1>>10)
	if live1 != live0 || maps1 > maps0+16 || rss1 > rssHalf+leakSlack {
		t.Fatalf("after %d rounds: live %v -> %v, maps %d -> %d, VmRSS %d -> %d -> %d KiB",
			*leakRounds, live0, live1, maps0, maps1, rss0>>10, rssHalf>>10, rss1>>10)
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
