package difftest_test

import (
	"encoding/json"
	"testing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/difftest"
)

// TestTracers runs go-ethereum's callTracer (with logs) and prestateTracer
// (plain and in diff mode) over hyvm and over go-ethereum on the
// hand-written corpus and on random programs: the tracers' JSON must be
// the same, as must every outcome.
func TestTracers(t *testing.T) {
	n := 1_000
	if testing.Short() {
		n = 200
	}
	for _, tr := range []struct{ name, config string }{
		{"callTracer", `{"withLog": true}`},
		{"prestateTracer", `{}`},
		{"prestateTracer", `{"diffMode": true}`},
	} {
		t.Run(tr.name+tr.config, func(t *testing.T) {
			r, err := difftest.NewRunner(nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Tracer, r.TracerConfig = tr.name, json.RawMessage(tr.config)
			mismatches := 0
			compare := func(c *difftest.Case, what string) {
				_, _, diff, err := r.Compare(c)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if diff != "" && mismatches < 5 {
					mismatches++
					t.Errorf("%s:\n%s\n%s", what, diff, difftest.Disassemble(c.Code))
				}
			}
			for _, cc := range corpus {
				compare(cc.build(t, blocks.Latest), cc.name)
			}
			for seed := range uint64(n) {
				compare(difftest.Generate(seed), "seed "+itoa(seed))
			}
		})
	}
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
