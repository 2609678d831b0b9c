package runtime_test

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// TestParseBackend checks that every backend is parsed back from its name,
// the names are the documented ones, and an unknown name is an error.
func TestParseBackend(t *testing.T) {
	want := []string{"auto", "interp", "closure", "amd64"}
	for i, b := range runtime.Backends() {
		if b.String() != want[i] {
			t.Errorf("backend %d is named %q, want %q", i, b, want[i])
		}
		got, err := runtime.ParseBackend(b.String())
		if err != nil || got != b {
			t.Errorf("ParseBackend(%q) = %v, %v", b, got, err)
		}
	}
	if _, err := runtime.ParseBackend("jit"); err == nil {
		t.Error("ParseBackend accepted an unknown name")
	}
}
