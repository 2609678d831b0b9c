//go:build ignore

// gen.go writes guests_gen.go from ../shared/hyvm/vectors.json (or the file
// HYVM_VECTORS names); TestGeneratedIsCurrent fails if it drifts.
package main

import (
	"fmt"
	"os"

	"github.com/hyvm/hyvm/hyvmtest/aotguests/guestsource"
)

func main() {
	src, err := guestsource.Source()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("guests_gen.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
