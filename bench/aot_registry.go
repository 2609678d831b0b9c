package bench

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
)

// AOTRegister is the Register function of package bench/aot: it registers
// the programs AOTContracts lists, compiled ahead of time, taking their
// bytecode by name from code.
type AOTRegister func(r *runtime.AOTRegistry, code func(name string) ([]byte, error)) error

// NewAOTRegistry returns the registry of the main suite's programs, the
// contracts suite's contracts and the HyVM payloads compiled ahead of time
// (register is bench/aot's Register), their bytecode read from the suite
// and deployed from the build. A registry is safe for concurrent use, so
// one can serve every run. Package bench does not import bench/aot itself:
// its generated code takes minutes to compile.
func NewAOTRegistry(register AOTRegister) (*runtime.AOTRegistry, error) {
	contracts, err := AOTContracts()
	if err != nil {
		return nil, err
	}
	code := map[string][]byte{}
	for _, c := range contracts {
		code[c.Name] = c.Code
	}
	r := runtime.NewAOTRegistry()
	err = register(r, func(name string) ([]byte, error) {
		if c, ok := code[name]; ok {
			return c, nil
		}
		return nil, fmt.Errorf("no program %s in the suite or the contracts", name)
	})
	if err != nil {
		return nil, fmt.Errorf("bench: the suite's ahead-of-time code: %w", err)
	}
	return r, nil
}

// AOTContracts lists what package aot compiles ahead of time: the main
// suite's distinct programs by benchmark name (the micro suite's are
// pathological on purpose: 24,576 JUMPDESTs) and the contracts suite's
// contracts as deployed, by artifact name, and the HyVM payloads as guest
// templates (guest_<payload>).
func AOTContracts() ([]translate.AOTContract, error) {
	dir, err := SuiteDir()
	if err != nil {
		return nil, err
	}
	cases, err := LoadSuite(dir)
	if err != nil {
		return nil, err
	}
	var out []translate.AOTContract
	for _, c := range cases {
		if c.Suite != "main" || slices.ContainsFunc(out, func(o translate.AOTContract) bool {
			return o.Name == c.Benchmark || bytes.Equal(o.Code, c.Code)
		}) {
			continue
		}
		out = append(out, translate.AOTContract{Name: c.Benchmark, Code: c.Code})
	}
	if dir, err = ContractsDir(); err != nil {
		return nil, err
	}
	deployed, err := DeployedContracts(dir)
	if err != nil {
		return nil, err
	}
	for _, name := range ContractNames {
		out = append(out, translate.AOTContract{Name: name, Code: deployed[name]})
	}
	payloads, err := HyVMPayloads()
	if err != nil {
		return nil, err
	}
	for _, p := range payloads {
		out = append(out, translate.AOTContract{Name: "guest_" + p.Name, Code: p.Guest, Guest: true})
	}
	return out, nil
}
