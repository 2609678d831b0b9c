package aot_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/hyvm/hyvm/bench/aot/aotsource"
)

// TestGeneratedIsCurrent fails when suite_gen.go is not what the
// translator now generates from the suite (run go generate ./bench/aot).
func TestGeneratedIsCurrent(t *testing.T) {
	want, err := aotsource.Suite()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("suite_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("suite_gen.go (%d bytes) differs from what hyvmc's translator generates now (%d bytes): run go generate ./bench/aot", len(got), len(want))
	}
}
