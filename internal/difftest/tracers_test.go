package difftest_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/difftest"
)

// TestTracers runs go-ethereum's callTracer (with logs), prestateTracer
// (plain and in diff mode), 4byteTracer and flatCallTracer over hyvm and over go-ethereum on the
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
		{"4byteTracer", `{}`},
		{"flatCallTracer", `{}`},
	} {
		t.Run(tr.name+tr.config, func(t *testing.T) {
			r, err := difftest.NewRunner(nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Tracer, r.TracerConfig = tr.name, json.RawMessage(tr.config)
			mismatches, said := 0, 0
			compare := func(c *difftest.Case, what string) {
				hy, _, diff, err := r.Compare(c)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if res := string(hy.TracerResult()); res != "{}" && res != "[]" && res != "" {
					said++
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
				compare(difftest.Generate(seed), "seed "+strconv.FormatUint(seed, 10))
			}
			// A tracer that says nothing on every case compares nothing.
			t.Logf("%d of %d results not empty", said, len(corpus)+n)
			if said == 0 {
				t.Errorf("%s said nothing on any case", tr.name)
			}
		})
	}
}
