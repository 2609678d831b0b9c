package bench

import (
	"sync"
	"testing"

	"github.com/hyvm/hyvm/bench/aot"
	"github.com/hyvm/hyvm/runtime"
)

// suiteAOT is the registry of package aot's programs the tests share, made
// on first use (generating it registers ~40 programs) and immutable after.
var suiteAOT = sync.OnceValues(func() (*runtime.AOTRegistry, error) { return NewAOTRegistry(aot.Register) })

// testAOT returns the shared registry of package aot's programs.
func testAOT(tb testing.TB) *runtime.AOTRegistry {
	tb.Helper()
	r, err := suiteAOT()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// testCode returns a new translation cache with the shared registry of
// package aot's programs, for runners of every engine.
func testCode(tb testing.TB) Code {
	return Code{Cache: runtime.NewCache(0), AOT: testAOT(tb)}
}
