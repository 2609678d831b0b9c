package hyvmtest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
	"github.com/hyvm/hyvm/translate/amd64"
)

// sharedVectors finds shared/hyvm/vectors.json: the shared directory sits
// next to the repository root (the directory holding go.mod) or one level
// above it when the repository is a worktree directory. A missing file fails
// the test: CI always has it, and a skipped conformance run is a defect.
func sharedVectors(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HYVM_VECTORS"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("repository root (go.mod) not found above the working directory")
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "hyvm", "vectors.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(d) == d {
			t.Fatalf("shared/hyvm/vectors.json not found beside or above the repository root %s; "+
				"check out shared/ next to the repository or set HYVM_VECTORS", dir)
		}
	}
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
}

func TestVectors(t *testing.T) {
	path := sharedVectors(t)
	for _, tier := range tiers {
		t.Run(tier.name, func(t *testing.T) {
			var out bytes.Buffer
			passed, failed, err := runAll([]string{path}, &out, tier.tier)
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
			if passed == 0 {
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
