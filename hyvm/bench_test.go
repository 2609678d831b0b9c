package hyvm_test

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// BenchmarkLoop runs a 1000-iteration counted loop (about 14000 guest
// instructions) through HyVM with a warm translation cache.
func BenchmarkLoop(b *testing.B) {
	guest := hx("6103e85b600190038061000357")
	cache := runtime.NewCache(0)
	for b.Loop() {
		if res := run(b, guest, 3_000_000, false, cache); !res.Success {
			b.Fatal(res.Err)
		}
	}
}
