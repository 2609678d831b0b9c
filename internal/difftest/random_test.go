package difftest_test

import (
	"flag"
	"fmt"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyvm/hyvm/internal/difftest"
	"github.com/hyvm/hyvm/runtime"
)

var (
	flagPrograms = flag.Int("difftest.n", 0, "random programs to run (0: 100000, or 3000 with -short)")
	flagFirst    = flag.Uint64("difftest.seed", 1, "seed of the first random program")
	flagTraces   = flag.Bool("difftest.traces", false, "also compare instruction traces of traced cases")
)

// maxReports bounds the mismatches one run reports in detail.
const maxReports = 5

// regas picks, from the gas a case used, the limit of a second run of it
// (ok false: no second run). Limits at and just below what the program
// used, or anywhere below, make it run out of gas at different points or
// forward different amounts to its calls.
type regas func(used uint64) (limit uint64, ok bool)

// regasFor returns the second run of seed's case, if it has one.
func regasFor(seed uint64) regas {
	mix := seed * 0x9e3779b97f4a7c15
	switch seed % 16 {
	case 0, 12: // anywhere below
		return func(used uint64) (uint64, bool) {
			if used == 0 {
				return 0, false
			}
			return mix % used, true
		}
	case 4: // exactly enough
		return func(used uint64) (uint64, bool) { return used, true }
	case 8: // just short
		return func(used uint64) (uint64, bool) { k := 1 + mix%32; return used - k, used >= k }
	}
	return nil
}

// check compares c on both engines and, when again is set, compares it
// again with another gas limit. It returns a report of any mismatch.
func check(r *difftest.Runner, c *difftest.Case, again regas) (string, error) {
	_, ge, diff, err := r.Compare(c)
	if err != nil || diff != "" {
		return report(r, c, diff), err
	}
	if again == nil {
		return "", nil
	}
	limit, ok := again(ge.GasUsed)
	if !ok {
		return "", nil
	}
	tight := *c
	tight.Gas = limit
	tight.Name += fmt.Sprintf("-gas%d", tight.Gas)
	if _, _, diff, err = r.Compare(&tight); err != nil || diff != "" {
		return report(r, &tight, diff), err
	}
	return "", nil
}

// report describes a mismatch, and the smallest variant of the case on
// which the engines still disagree.
func report(r *difftest.Runner, c *difftest.Case, diff string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (fork %v, gas %d, value %d, create %v, traced %v, input %x):\n%s\n",
		c.Name, c.Fork, c.Gas, c.Value, c.Create, c.Traced, c.Input, diff)
	fmt.Fprintf(&s, "code %x\n", c.Code)
	for i, callee := range c.Callees {
		fmt.Fprintf(&s, "callee %d: %x\n", i, callee)
	}
	min := r.Minimize(c, 3000)
	if _, _, mdiff, err := r.Compare(min); err == nil && mdiff != "" {
		fmt.Fprintf(&s, "minimized (input %x):\n%s\n%s", min.Input, mdiff, difftest.Disassemble(min.Code))
		for i, callee := range min.Callees {
			if callee != nil {
				fmt.Fprintf(&s, "callee %d:\n%s", i, difftest.Disassemble(callee))
			}
		}
	}
	return s.String()
}

// TestDifferentialRandom runs seeded random programs on hyvm and
// go-ethereum in parallel workers that share one translation cache.
func TestDifferentialRandom(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 3_000
	}
	if *flagPrograms > 0 {
		n = *flagPrograms
	}
	// Each case allocates states, tries and translations that die at once:
	// collecting less often saves a fifth of the run time. Restored after.
	defer debug.SetGCPercent(debug.SetGCPercent(300))
	start := time.Now()
	cache := forEachSeed(t, n, func(r *difftest.Runner, seed uint64) (mismatches int) {
		msg, err := check(r, difftest.Generate(seed), regasFor(seed))
		if err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
		if msg != "" {
			t.Errorf("mismatch (rerun: -run TestDifferentialRandom -difftest.seed=%d -difftest.n=1): %s", seed, msg)
			return 1
		}
		return 0
	})
	t.Logf("%d programs in %v (%d cached translations)", n, time.Since(start).Round(time.Millisecond), cache.Len())
}

// forEachSeed runs run on n seeds from -difftest.seed on, with one runner
// per core sharing a small cache (translations are much larger than their
// bytecode, and evicting under concurrent use is worth exercising too), and
// stops early once maxReports mismatches are reported. It returns the cache.
func forEachSeed(t *testing.T, n int, run func(r *difftest.Runner, seed uint64) (mismatches int)) *runtime.Cache {
	cache := runtime.NewCache(1 << 20)
	parallelSeeds(t, n, func() func(uint64) int {
		r, err := difftest.NewRunner(cache)
		if err != nil {
			t.Error(err)
			return nil
		}
		r.CompareTraces = *flagTraces
		return func(seed uint64) int { return run(r, seed) }
	})
	return cache
}

// parallelSeeds checks n seeds from -difftest.seed on with one worker per
// core, each made by newWorker (nil: it could not be made) and returning
// the mismatches it reported for a seed, and stops early once maxReports
// mismatches are reported.
func parallelSeeds(t *testing.T, n int, newWorker func() func(seed uint64) (mismatches int)) {
	var (
		next, failed atomic.Int64
		wg           sync.WaitGroup
	)
	for range goruntime.GOMAXPROCS(0) {
		wg.Go(func() {
			check := newWorker()
			if check == nil {
				return
			}
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || failed.Load() >= maxReports {
					return
				}
				failed.Add(int64(check(*flagFirst + uint64(i))))
			}
		})
	}
	wg.Wait()
}
