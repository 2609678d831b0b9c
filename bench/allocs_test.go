package bench

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// TestMainSuiteDoesNotAllocate checks that hyvm runs every main-suite case
// without allocating once its translation is cached.
func TestMainSuiteDoesNotAllocate(t *testing.T) {
	cache := runtime.NewCache(0)
	for _, c := range loadSuite(t) {
		if c.Suite != "main" {
			continue
		}
		r, err := NewRunner(&c, EngineHyvm, cache)
		if err != nil {
			t.Fatal(err)
		}
		if allocs := testing.AllocsPerRun(3, func() { r.Run() }); allocs != 0 {
			t.Errorf("%s: %.1f allocs per run, want 0", c.Name(), allocs)
		}
	}
}
