package hyvmtest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
	"github.com/hyvm/hyvm/translate/amd64"
)

// sharedVectors is SharedVectors, failing the test without the file: CI
// always has it, and a skipped conformance run is a defect.
func sharedVectors(t *testing.T) string {
	t.Helper()
	p, err := SharedVectors()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tiers are the ways the vectors run: one line per tier. The traced tier
// also checks each guest's trace (checkGuestTrace).
var tiers = []struct {
	name string
	tier tier
}{
	{"auto", tier{backend: runtime.BackendAuto}},
	{"interp", tier{backend: runtime.BackendInterp}},
	{"closure", tier{backend: runtime.BackendClosure}},
	{"amd64", tier{backend: runtime.BackendAMD64}}, // contracts and guests in machine code
	{"traced", tier{check: checkGuestTrace}},
	{"in-transaction", tier{inTx: true}}, // the caller's transaction, storage cached, HyVM's code served by it
}

func TestVectors(t *testing.T) {
	path := sharedVectors(t)
	for _, tier := range tiers {
		t.Run(tier.name, func(t *testing.T) {
			if runTier(t, path, tier.tier) == 0 {
				t.Error("no case ran")
			}
		})
	}
}

// TestVectorGuestsCompile compiles every vector's guest to machine code:
// the amd64 tier of TestVectors runs guests that could not be compiled as
// closures (which pass all the same), so this is what shows they ran as
// machine code.
func TestVectorGuestsCompile(t *testing.T) {
	if !amd64.Supported {
		t.Skip("no machine code on this platform")
	}
	f, err := Load(sharedVectors(t))
	if err != nil {
		t.Fatal(err)
	}
	fork, err := blocks.ParseFork(f.Environment.Fork)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		p := translate.CompileHyVM(c.Code, fork, translate.Options{Tier: translate.TierAMD64})
		if err := p.CompileNative(); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}

// runTier runs the vectors at path as tr says, fails t with the first 40
// failing cases' lines, and returns how many passed.
func runTier(t *testing.T, path string, tr tier) int {
	t.Helper()
	var out bytes.Buffer
	passed, failed, err := runAll([]string{path}, &out, tr)
	if err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) > 40 {
			lines = append(lines[:40], "…")
		}
		t.Errorf("%d passed, %d failed:\n%s", passed, failed, strings.Join(lines, "\n"))
	}
	return passed
}
