package bench

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
)

// BenchmarkTranslate measures preparing code and translating all of it,
// for the block path: BenchmarkTranslate/<benchmark>, in MB/s of bytecode.
// Runs translate blocks as they first enter them; this forces every block.
func BenchmarkTranslate(b *testing.B) {
	eachCode(b, func(b *testing.B, code []byte) {
		p, err := runtime.Translate(code, Fork, translate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p.TranslateAll()
	})
}

// eachCode runs, for every benchmark of the suite with code (once per
// benchmark, not per input), a sub-benchmark named after it that calls
// prepare in its loop, reporting MB/s of bytecode and allocations.
func eachCode(b *testing.B, prepare func(b *testing.B, code []byte)) {
	seen := map[string]bool{}
	for _, c := range loadSuite(b) {
		if len(c.Code) == 0 || seen[c.Benchmark] {
			continue
		}
		seen[c.Benchmark] = true
		code := c.Code
		b.Run(c.Benchmark, func(b *testing.B) {
			b.SetBytes(int64(len(code)))
			b.ReportAllocs()
			for b.Loop() {
				prepare(b, code)
			}
		})
	}
}

// BenchmarkCompileNative measures compiling a whole contract to amd64
// machine code (translate/native.go): BenchmarkCompileNative/<benchmark>, in
// MB/s of bytecode.
func BenchmarkCompileNative(b *testing.B) {
	eachCode(b, func(b *testing.B, code []byte) {
		p, err := runtime.Translate(code, Fork, translate.Options{Tier: translate.TierAMD64})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CompileNative(); err != nil {
			b.Skip(err) // no machine code on this platform
		}
	})
}

// oneShotMaxGas selects the cases BenchmarkOneShot runs: those whose
// translation is not negligible next to their execution.
const oneShotMaxGas = 2_000_000

// BenchmarkOneShot runs the small cases on a fresh machine every time, so
// hyvm translates the code on every call and go-ethereum analyses its jump
// destinations: BenchmarkOneShot/<suite>/<benchmark>/<input>/<engine>.
// Every engine but go-ethereum must first agree with go-ethereum's run.
func BenchmarkOneShot(b *testing.B) {
	code := testCode(b)
	checked(b)
	for _, c := range loadSuite(b) {
		if c.Setup != nil {
			continue
		}
		want := mustRun(b, &c, EngineGeth, code)
		if want.Err != nil {
			b.Fatalf("%s: go-ethereum failed: %v", c.Name(), want.Err)
		}
		if want.GasUsed > oneShotMaxGas {
			continue
		}
		for _, engine := range Engines() {
			b.Run(c.Name()+"/"+engine, func(b *testing.B) {
				r := newRunner(b, &c, engine, code)
				block := blockContext(c.Gas, 1)
				var err error
				fresh := func() Result {
					if r.machine, err = newMachine(engine, block, r.state, Code{Cache: runtime.NewCache(0), AOT: code.AOT}); err != nil {
						b.Fatal(err)
					}
					return r.Run()
				}
				got := fresh()
				if e := engineOf(r); e != engine {
					b.Fatalf("the fresh %s machine runs %s", engine, e)
				}
				if engine != EngineGeth {
					if err := agree(&c, engine, got, want); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				for b.Loop() {
					fresh()
				}
			})
		}
	}
}
