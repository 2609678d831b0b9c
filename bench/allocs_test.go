package bench

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// TestMainSuiteDoesNotAllocate checks that hyvm runs every main-suite case
// without allocating once its translation is cached, on every backend. Auto
// allocates while it promotes a program and while the closure program's
// blocks are first entered, so runs are repeated first (warmUp): a case
// that allocates in steady state never stops allocating.
func TestMainSuiteDoesNotAllocate(t *testing.T) {
	for _, engine := range []string{EngineHyvm, EngineHyvmInterp, EngineHyvmClosure, EngineHyvmAMD64} {
		cache := runtime.NewCache(0)
		for _, c := range loadSuite(t) {
			if c.Suite != "main" {
				continue
			}
			r, err := NewRunner(&c, engine, cache)
			if err != nil {
				t.Fatal(err)
			}
			if allocs := warmUp(r); allocs != 0 {
				t.Errorf("%s on %s: %.1f allocs per run, want 0", c.Name(), engine, allocs)
			}
		}
	}
}

// warmUp runs r until two runs in a row allocate nothing, at most 200
// times, and returns the allocations per run of the last two: on auto, a
// program is promoted within its first runs (later for a short case) and
// the closure program's blocks are translated as they are first entered.
func warmUp(r *Runner) (allocs float64) {
	for range 100 {
		if allocs = testing.AllocsPerRun(2, func() { r.Run() }); allocs == 0 {
			break
		}
	}
	return allocs
}
