package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/state"

	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

func loadSuite(tb testing.TB) []Case {
	tb.Helper()
	dir, err := SuiteDir()
	if err != nil {
		tb.Fatal(err)
	}
	cases, err := LoadSuite(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if dir, err = ContractsDir(); err != nil {
		tb.Fatal(err)
	}
	contracts, err := ContractCases(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return append(cases, contracts...)
}

// checked lists the engines TestEnginesAgree and the benchmarks hold to
// go-ethereum's results: every engine but go-ethereum itself, whose
// comparison with its own result could not fail.
func checked(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, e := range Engines() {
		if e != EngineGeth {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		tb.Fatal("no engine besides go-ethereum to check")
	}
	return out
}

// engineOf names the engine a runner actually runs, from the types of its
// machine and state: hyvm's EVM on hyvm's overlay, or go-ethereum's EVM on
// go-ethereum's StateDB. A runner wired to the wrong engine would otherwise
// agree with go-ethereum trivially.
func engineOf(r *Runner) string {
	switch m := r.machine.(type) {
	case *runtime.EVM:
		if _, ok := r.state.(*hyvmstate.Overlay); ok {
			for name, h := range hyvmEngines {
				if m.Backend() == h.backend && (m.AOT() != nil) == h.aot {
					return name
				}
			}
		}
	case *reference.EVM:
		if _, ok := r.state.(*state.StateDB); ok {
			return EngineGeth
		}
	}
	return fmt.Sprintf("unknown (%T on %T)", r.machine, r.state)
}

// TestEnginesAgree checks, once per case, that every engine but go-ethereum
// returns what go-ethereum returns: a benchmark of a wrong run measures
// nothing.
func TestEnginesAgree(t *testing.T) {
	code := testCode(t)
	engines := checked(t)
	for _, c := range loadSuite(t) {
		want := mustRun(t, &c, EngineGeth, code)
		if want.Err != nil {
			t.Errorf("%s: go-ethereum failed: %v", c.Name(), want.Err)
			continue
		}
		for _, engine := range engines {
			if err := agree(&c, engine, mustRun(t, &c, engine, code), want); err != nil {
				t.Error(err)
			}
		}
	}
}

// newRunner is NewRunner, failing unless the runner runs engine.
func newRunner(tb testing.TB, c *Case, engine string, code Code) *Runner {
	tb.Helper()
	r, err := NewRunner(c, engine, code)
	if err != nil {
		tb.Fatal(err)
	}
	if got := engineOf(r); got != engine {
		tb.Fatalf("%s: the %s runner runs %s", c.Name(), engine, got)
	}
	return r
}

func mustRun(tb testing.TB, c *Case, engine string, code Code) Result {
	tb.Helper()
	return newRunner(tb, c, engine, code).Run()
}

// BenchmarkEVM runs every case on every engine:
// BenchmarkEVM/<suite>/<benchmark>/<input>/<engine>. Every engine but
// go-ethereum must first agree with go-ethereum's run.
func BenchmarkEVM(b *testing.B) {
	code := testCode(b)
	checked(b)
	for _, c := range loadSuite(b) {
		want := mustRun(b, &c, EngineGeth, code)
		if want.Err != nil {
			b.Fatalf("%s: go-ethereum failed: %v", c.Name(), want.Err)
		}
		for _, engine := range Engines() {
			b.Run(c.Name()+"/"+engine, func(b *testing.B) {
				r := newRunner(b, &c, engine, code)
				if got := r.Run(); engine != EngineGeth {
					if err := agree(&c, engine, got, want); err != nil {
						b.Fatal(err)
					}
				}
				if engine != EngineGeth {
					warmUp(r) // what is timed is steady state: translations cached
				}
				b.ReportAllocs()
				b.ResetTimer()
				start := time.Now()
				for b.Loop() {
					r.Run()
				}
				if s := time.Since(start).Seconds(); s > 0 {
					b.ReportMetric(float64(want.GasUsed)*float64(b.N)/s/1e6, "Mgas/s")
				}
			})
		}
	}
}

// callCases are calls whose cost is the engine's fixed cost of a call: a
// contract that stops at once, and one of ten instructions that returns a
// word.
var callCases = []Case{
	{Suite: "call", Benchmark: "empty", Input: "stop", Code: []byte{0x00}, Gas: 100_000},
	{Suite: "call", Benchmark: "ten", Input: "return", Gas: 100_000,
		Code: []byte{0x60, 1, 0x60, 2, 0x01, 0x60, 3, 0x02, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3}},
}

// BenchmarkCallOverhead measures the fixed cost of a call on every engine,
// translations cached: BenchmarkCallOverhead/call/<case>/<input>/<engine>.
func BenchmarkCallOverhead(b *testing.B) {
	code := testCode(b)
	for _, c := range callCases {
		want := mustRun(b, &c, EngineGeth, code)
		for _, engine := range Engines() {
			b.Run(c.Name()+"/"+engine, func(b *testing.B) {
				r := newRunner(b, &c, engine, code)
				if err := agree(&c, engine, r.Run(), want); engine != EngineGeth && err != nil {
					b.Fatal(err)
				}
				warmUp(r)
				b.ReportAllocs()
				for b.Loop() {
					r.Run()
				}
			})
		}
	}
}
