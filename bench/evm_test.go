package bench

import (
	"testing"
	"time"

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

// TestEnginesAgree checks, once per case, that every engine returns what
// go-ethereum returns: a benchmark of a wrong run measures nothing.
func TestEnginesAgree(t *testing.T) {
	cache := runtime.NewCache(0)
	for _, c := range loadSuite(t) {
		want := mustRun(t, &c, EngineGeth, cache)
		if want.Err != nil {
			t.Errorf("%s: go-ethereum failed: %v", c.Name(), want.Err)
		}
		for _, engine := range Engines() {
			if got := mustRun(t, &c, engine, cache); !Same(got, want) {
				t.Errorf("%s/%s: got output %x gas %d err %v; go-ethereum output %x gas %d err %v",
					c.Name(), engine, got.Output, got.GasUsed, got.Err, want.Output, want.GasUsed, want.Err)
			}
		}
	}
}

func mustRun(tb testing.TB, c *Case, engine string, cache *runtime.Cache) Result {
	tb.Helper()
	r, err := NewRunner(c, engine, cache)
	if err != nil {
		tb.Fatal(err)
	}
	return r.Run()
}

// BenchmarkEVM runs every case on every engine:
// BenchmarkEVM/<suite>/<benchmark>/<input>/<engine>.
func BenchmarkEVM(b *testing.B) {
	cache := runtime.NewCache(0)
	for _, c := range loadSuite(b) {
		want := mustRun(b, &c, EngineGeth, cache)
		if want.Err != nil {
			b.Fatalf("%s: go-ethereum failed: %v", c.Name(), want.Err)
		}
		for _, engine := range Engines() {
			b.Run(c.Name()+"/"+engine, func(b *testing.B) {
				r, err := NewRunner(&c, engine, cache)
				if err != nil {
					b.Fatal(err)
				}
				if got := r.Run(); !Same(got, want) {
					b.Fatalf("%s disagrees with go-ethereum: gas %d vs %d, err %v vs %v", engine, got.GasUsed, want.GasUsed, got.Err, want.Err)
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
