// Package aotsource generates the ahead-of-time code of package aot: the
// evm-benchmarks programs as Go, one function per program. gen.go writes
// it; the drift test compares it with what is committed.
package aotsource

import (
	"bytes"
	"slices"

	"github.com/hyvm/hyvm/bench"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// Fork is the rules the suite's code is generated for: the benchmarks'.
const Fork = blocks.Osaka

// Suite returns package aot's source: every distinct program of the main
// suite, named after its benchmark, with its bytecode left out.
func Suite() ([]byte, error) {
	contracts, err := SuiteContracts()
	if err != nil {
		return nil, err
	}
	return translate.GenerateGo(translate.GenOptions{Package: "aot", Fork: Fork, ExternalCode: true, BuildTag: "!aotgen"}, contracts)
}

// SuiteContracts lists the main suite's distinct programs by benchmark
// name (the micro suite's are pathological on purpose: 24,576 JUMPDESTs)
// and the contracts suite's contracts as deployed, by artifact name.
func SuiteContracts() ([]translate.AOTContract, error) {
	dir, err := bench.SuiteDir()
	if err != nil {
		return nil, err
	}
	cases, err := bench.LoadSuite(dir)
	if err != nil {
		return nil, err
	}
	var out []translate.AOTContract
	seen := map[string]bool{}
	for _, c := range cases {
		if c.Suite != "main" || seen[c.Benchmark] {
			continue
		}
		seen[c.Benchmark] = true
		if !slices.ContainsFunc(out, func(o translate.AOTContract) bool { return bytes.Equal(o.Code, c.Code) }) {
			out = append(out, translate.AOTContract{Name: c.Benchmark, Code: c.Code})
		}
	}
	if dir, err = bench.ContractsDir(); err != nil {
		return nil, err
	}
	deployed, err := bench.DeployedContracts(dir)
	if err != nil {
		return nil, err
	}
	for _, name := range bench.ContractNames {
		out = append(out, translate.AOTContract{Name: name, Code: deployed[name]})
	}
	return out, nil
}
