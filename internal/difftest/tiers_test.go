package difftest_test

import (
	"reflect"
	"testing"
	"time"

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
	{"auto", func(c *difftest.Case) { c.Traced, c.Backend = false, runtime.BackendAuto }},       // interpreted, then closures once hot
	{"interp", func(c *difftest.Case) { c.Traced, c.Backend = false, runtime.BackendInterp }},   // the interpreter only
	{"closure", func(c *difftest.Case) { c.Traced, c.Backend = false, runtime.BackendClosure }}, // block closures only
	{"amd64", func(c *difftest.Case) { c.Traced, c.Backend = false, runtime.BackendAMD64 }},     // machine code
	{"traced", func(c *difftest.Case) { c.Traced = true }},                                      // a no-op tracer: per-instruction gas
}

// onTier returns a copy of c configured for t.
func onTier(t tier, c *difftest.Case) *difftest.Case {
	cc := *c
	t.set(&cc)
	cc.Name = t.name + "/" + cc.Name
	return &cc
}

// TestTiers runs random programs on every tier (each also rerun with a gas
// limit at or below what it used, as TestDifferentialRandom does), each
// compared with go-ethereum's outcome of the same case;
// TestDifferentialCorpus runs the hand-written corpus on every tier.
func TestTiers(t *testing.T) {
	n := 2_000
	if testing.Short() {
		n = 300
	}
	if *flagPrograms > 0 {
		n = *flagPrograms
	}
	start := time.Now()
	forEachSeed(t, n, func(r *difftest.Runner, seed uint64) (mismatches int) {
		base := difftest.Generate(seed)
		for _, ti := range tiers {
			msg, err := check(r, onTier(ti, base), regasFor(seed))
			if err != nil {
				t.Errorf("tier %s, seed %d: %v", ti.name, seed, err)
			}
			if msg != "" {
				mismatches++
				t.Errorf("mismatch on tier %s (rerun: -run TestTiers -difftest.seed=%d -difftest.n=1): %s", ti.name, seed, msg)
			}
		}
		return mismatches
	})
	t.Logf("%d programs on %d tiers in %v", n, len(tiers), time.Since(start).Round(time.Millisecond))
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
