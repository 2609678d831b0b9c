//go:build ignore

// gen.go writes suite_gen.go: the evm-benchmarks main programs (read from
// ../shared/benchmarks) and the contracts suite's contracts as deployed,
// compiled ahead of time to Go by the translator, their bytecode left out
// (Register takes it by name).
// Run by go generate, with the aotgen tag: the generator builds package
// bench, which imports this package, so it builds it with stub.go instead
// of the source it replaces (which may not compile after a change of the
// translator). TestGeneratedIsCurrent fails if its output drifts.
package main

import (
	"fmt"
	"os"

	"github.com/hyvm/hyvm/bench/aot/aotsource"
)

func main() {
	src, err := aotsource.Suite()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("suite_gen.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
