package bench

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// TestMainSuiteDoesNotAllocate checks that hyvm runs every main-suite case
// without allocating once its translation is cached, on every backend. Auto
// allocates while it promotes a program (after translate.PromoteAfter
// interpreted blocks, so within the first runs of a long case, later for a
// short one) and while the closure program's blocks are first entered, so
// runs are repeated until two in a row allocate nothing (at most 200): a
// case that allocates in steady state never gets there.
func TestMainSuiteDoesNotAllocate(t *testing.T) {
	for _, engine := range []string{EngineHyvm, EngineHyvmInterp, EngineHyvmClosure} {
		cache := runtime.NewCache(0)
		for _, c := range loadSuite(t) {
			if c.Suite != "main" {
				continue
			}
			r, err := NewRunner(&c, engine, cache)
			if err != nil {
				t.Fatal(err)
			}
			var allocs float64
			for range 100 {
				if allocs = testing.AllocsPerRun(2, func() { r.Run() }); allocs == 0 {
					break
				}
			}
			if allocs != 0 {
				t.Errorf("%s on %s: %.1f allocs per run, want 0", c.Name(), engine, allocs)
			}
		}
	}
}
