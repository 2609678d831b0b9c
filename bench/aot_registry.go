package bench

import (
	"fmt"
	"sync"

	"github.com/hyvm/hyvm/bench/aot"
	"github.com/hyvm/hyvm/runtime"
)

// AOTRegistry returns the registry of the main suite's programs compiled
// ahead of time (package aot), their bytecode read from the suite; made
// once, then shared (a registry is safe for concurrent use).
var AOTRegistry = sync.OnceValues(func() (*runtime.AOTRegistry, error) {
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
})
