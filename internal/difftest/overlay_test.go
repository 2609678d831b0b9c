package difftest_test

import (
	"testing"
	"time"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/difftest"
	"github.com/hyvm/hyvm/runtime"
)

// TestDifferentialOverlay runs the hand-written corpus under every fork and
// seeded random programs with hyvm on hyvmstate's overlay and go-ethereum
// on its own StateDB: state roots, refunds, logs, gas and output must agree.
func TestDifferentialOverlay(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	if *flagPrograms > 0 {
		n = *flagPrograms
	}
	cache := runtime.NewCache(1 << 20)
	newRunner := func() *difftest.Runner {
		r, err := difftest.NewRunner(cache)
		if err != nil {
			t.Fatal(err)
		}
		r.Overlay = true
		return r
	}
	r := newRunner()
	for _, cc := range corpus {
		for _, fork := range blocks.Forks() {
			c := cc.build(t, fork)
			if _, _, diff, err := r.Compare(c); err != nil || diff != "" {
				t.Errorf("%s/%v: %v\n%s\n%s", cc.name, fork, err, diff, difftest.Disassemble(c.Code))
			}
		}
	}
	start := time.Now()
	parallelSeeds(t, n, func() func(uint64) int {
		r := newRunner()
		return func(seed uint64) int {
			msg, err := check(r, difftest.Generate(seed), regasFor(seed))
			if err != nil {
				t.Errorf("seed %d: %v", seed, err)
			}
			if msg != "" {
				t.Errorf("mismatch: %s", msg)
				return 1
			}
			return 0
		}
	})
	t.Logf("%d corpus cases and %d programs in %v", len(corpus)*len(blocks.Forks()), n, time.Since(start).Round(time.Millisecond))
}
