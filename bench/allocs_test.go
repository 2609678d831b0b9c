package bench

import (
	"testing"
	"time"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
)

// TestMainSuiteDoesNotAllocate checks that hyvm runs every main-suite case
// without allocating once its translation is cached, on every backend. Auto
// allocates while it promotes a program and while the closure program's
// blocks are first entered, so runs are repeated first (warmUp): a case
// that allocates in steady state never stops allocating.
func TestMainSuiteDoesNotAllocate(t *testing.T) {
	for _, engine := range []string{EngineHyvm, EngineHyvmInterp, EngineHyvmClosure, EngineHyvmAMD64} {
		code := Code{Cache: runtime.NewCache(0)} // no engine here runs code ahead of time
		for _, c := range loadSuite(t) {
			if c.Suite != "main" {
				continue
			}
			r, err := NewRunner(&c, engine, code)
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
// On auto it first runs the case until it has used the gas after which a
// hot program is compiled to machine code (translate.DefaultNativeAfter
// per byte of its code; a case with Setup, up to 24 KB of code), or for
// warmTime, so that the steady state measured is auto's last tier.
func warmUp(r *Runner) (allocs float64) {
	if r.engine == EngineHyvm {
		n := len(r.c.Code)
		if r.c.Setup != nil {
			n = 24576
		}
		start := time.Now()
		for gas := uint64(0); gas <= uint64(translate.DefaultNativeAfter*(n+1)) && time.Since(start) < warmTime; {
			gas += r.Run().GasUsed
		}
	}
	for range 100 {
		if allocs = testing.AllocsPerRun(2, func() { r.Run() }); allocs == 0 {
			break
		}
	}
	return allocs
}

// warmTime bounds how long warmUp runs a case to make it hot.
const warmTime = 2 * time.Second
