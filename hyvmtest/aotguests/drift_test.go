package aotguests_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/hyvm/hyvm/hyvmtest/aotguests/guestsource"
)

// TestGeneratedIsCurrent fails when guests_gen.go is not what the
// translator now generates from the vectors (run go generate
// ./hyvmtest/aotguests).
func TestGeneratedIsCurrent(t *testing.T) {
	want, err := guestsource.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("guests_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("guests_gen.go (%d bytes) differs from what hyvmc's translator generates now (%d bytes): run go generate ./hyvmtest/aotguests", len(got), len(want))
	}
}
