//go:build !hyvmaot

package main

import (
	"errors"

	"github.com/hyvm/hyvm/runtime"
)

// suiteAOT says how to get the hyvm-aot engine: hyvmc is built without
// package bench/aot by default, because compiling its generated code takes
// minutes, which every `go run ./cmd/hyvmc` would otherwise pay.
func suiteAOT() (*runtime.AOTRegistry, error) {
	return nil, errors.New("engine hyvm-aot needs hyvmc built with -tags hyvmaot (which links package bench/aot, the suites compiled ahead of time; compiling it takes minutes)")
}
