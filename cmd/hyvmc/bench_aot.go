//go:build hyvmaot

package main

import (
	"github.com/hyvm/hyvm/bench"
	"github.com/hyvm/hyvm/bench/aot"
	"github.com/hyvm/hyvm/runtime"
)

// suiteAOT returns the benchmark suites compiled ahead of time (package
// bench/aot), linked in by the hyvmaot build tag.
func suiteAOT() (*runtime.AOTRegistry, error) { return bench.NewAOTRegistry(aot.Register) }
