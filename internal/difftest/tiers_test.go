package difftest_test

import (
	"reflect"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/difftest"
	"github.com/hyvm/hyvm/runtime"
)

// tier is one way of running hyvm: a name and how a case selects it. Every
// tier must agree with go-ethereum on everything consensus depends on.
type tier struct {
	name string
	// set configures c to run on this tier. It sees a fresh copy of the
	// case and must set every knob that tells tiers apart, since corpus
	// and random cases come with their own defaults.
	set func(c *difftest.Case)
}

// tiers lists hyvm's execution tiers; a new backend joins the conformance
// suite below by adding one line here.
var tiers = []tier{
	{"closure", func(c *difftest.Case) { c.Traced = false }}, // no tracer: block closures
	{"traced", func(c *difftest.Case) { c.Traced = true }},   // a no-op tracer: per-instruction gas
}

// onTier returns a copy of c configured for t.
func onTier(t tier, c *difftest.Case) *difftest.Case {
	cc := *c
	t.set(&cc)
	cc.Name = t.name + "/" + cc.Name
	return &cc
}

// TestTiers runs the shared conformance suite on every tier: each corpus
// case under every fork, then random programs (each also rerun with a gas
// limit at or below what it used, as TestDifferentialRandom does), each
// compared with go-ethereum's outcome of the same case.
func TestTiers(t *testing.T) {
	t.Run("corpus", func(t *testing.T) {
		r, err := difftest.NewRunner(nil)
		if err != nil {
			t.Fatal(err)
		}
		r.CompareTraces = *flagTraces
		for _, ti := range tiers {
			t.Run(ti.name, func(t *testing.T) {
				for _, cc := range corpus {
					for _, fork := range blocks.Forks() {
						c := onTier(ti, cc.build(t, fork))
						t.Run(cc.name+"/"+fork.String(), func(t *testing.T) {
							_, _, diff, err := r.Compare(c)
							if err != nil {
								t.Fatal(err)
							}
							if diff != "" {
								t.Errorf("mismatch on tier %s:\n%s\n%s", ti.name, diff, difftest.Disassemble(c.Code))
							}
						})
					}
				}
			})
		}
	})
	t.Run("random", func(t *testing.T) {
		n := 2_000
		if testing.Short() {
			n = 300
		}
		if *flagPrograms > 0 {
			n = *flagPrograms
		}
		cache := runtime.NewCache(1 << 20)
		var (
			next, failed atomic.Int64
			wg           sync.WaitGroup
		)
		start := time.Now()
		for range goruntime.GOMAXPROCS(0) {
			wg.Go(func() {
				r, err := difftest.NewRunner(cache)
				if err != nil {
					t.Error(err)
					return
				}
				r.CompareTraces = *flagTraces
				for {
					i := next.Add(1) - 1
					if i >= int64(n) || failed.Load() >= maxReports {
						return
					}
					seed := *flagFirst + uint64(i)
					base := difftest.Generate(seed)
					for _, ti := range tiers {
						msg, err := check(r, onTier(ti, base), regasFor(seed))
						if err != nil {
							t.Errorf("tier %s, seed %d: %v", ti.name, seed, err)
						}
						if msg != "" {
							failed.Add(1)
							t.Errorf("mismatch on tier %s (rerun: -run 'TestTiers/random' -difftest.seed=%d -difftest.n=1): %s", ti.name, seed, msg)
						}
					}
				}
			})
		}
		wg.Wait()
		t.Logf("%d programs on %d tiers in %v", n, len(tiers), time.Since(start).Round(time.Millisecond))
	})
}

// TestTiersDistinct checks that no two tiers of the table configure a case
// alike: they would test one path twice and another not at all.
func TestTiersDistinct(t *testing.T) {
	for i, a := range tiers {
		for _, b := range tiers[i+1:] {
			ca, cb := onTier(a, difftest.Generate(1)), onTier(b, difftest.Generate(1))
			ca.Name, cb.Name = "", ""
			if reflect.DeepEqual(ca, cb) {
				t.Errorf("tiers %s and %s configure cases alike", a.name, b.name)
			}
		}
	}
}
