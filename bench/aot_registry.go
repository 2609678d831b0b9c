package bench

import (
	"fmt"
	"sync"

	"github.com/hyvm/hyvm/bench/aot"
	"github.com/hyvm/hyvm/runtime"
)

// AOTRegistry returns the registry of the main suite's programs and the
// contracts suite's contracts compiled ahead of time (package aot), their
// bytecode read from the suite and deployed from the build; made once,
// then shared (a registry is safe for concurrent use).
func AOTRegistry() (*runtime.AOTRegistry, error) {
	aotRegistry.once.Do(func() { aotRegistry.r, aotRegistry.err = newAOTRegistry() })
	return aotRegistry.r, aotRegistry.err
}

// aotRegistry is AOTRegistry's, made on first use and immutable after.
var aotRegistry struct {
	once sync.Once
	r    *runtime.AOTRegistry
	err  error
}

func newAOTRegistry() (*runtime.AOTRegistry, error) {
	dir, err := SuiteDir()
	if err != nil {
		return nil, err
	}
	cases, err := LoadSuite(dir)
	if err != nil {
		return nil, err
	}
	code := map[string][]byte{}
	for _, c := range cases {
		code[c.Benchmark] = c.Code
	}
	if dir, err = ContractsDir(); err != nil {
		return nil, err
	}
	deployed, err := DeployedContracts(dir)
	if err != nil {
		return nil, err
	}
	for name, c := range deployed {
		code[name] = c
	}
	r := runtime.NewAOTRegistry()
	err = aot.Register(r, func(name string) ([]byte, error) {
		if c, ok := code[name]; ok {
			return c, nil
		}
		return nil, fmt.Errorf("no benchmark %s in %s", name, dir)
	})
	if err != nil {
		return nil, fmt.Errorf("bench: the suite's ahead-of-time code: %w", err)
	}
	return r, nil
}
