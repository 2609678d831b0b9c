// Package bench runs hyvm and go-ethereum's EVM side by side on the same
// benchmark programs: the evmone benchmark suite and real contracts.
package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Case is one benchmark: a contract's code called with one input, or, when
// Setup is set, a call into contracts that Setup deploys.
type Case struct {
	Suite     string // "main", "micro" or "contracts"
	Benchmark string // file stem, e.g. "sha1_divs"
	Input     string // label, e.g. "5311"
	Code      []byte
	Calldata  []byte
	Gas       uint64
	// Setup, if set, builds the pre-state with transactions on the engine
	// under test and returns the call to measure; Code and Calldata are unused.
	Setup func(d *Deployer) (Call, error)
}

// Name is the case's path, as evmone-bench names it: suite/benchmark/input.
func (c *Case) Name() string { return c.Suite + "/" + c.Benchmark + "/" + c.Input }

// fixture is the part of a filled state test the suite needs.
type fixture struct {
	Pre map[common.Address]struct {
		Code hexutil.Bytes `json:"code"`
	} `json:"pre"`
	Transaction struct {
		To       common.Address   `json:"to"`
		Data     []hexutil.Bytes  `json:"data"`
		GasLimit []hexutil.Uint64 `json:"gasLimit"`
	} `json:"transaction"`
	Info struct {
		Labels map[string]string `json:"labels"`
	} `json:"_info"`
}

// LoadSuite reads the evm-benchmarks directory (with main/ and micro/) and
// returns its cases in a stable order.
func LoadSuite(dir string) ([]Case, error) {
	var cases []Case
	for _, suite := range []string{"main", "micro"} {
		files, err := filepath.Glob(filepath.Join(dir, suite, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("bench: no benchmark files in %s", filepath.Join(dir, suite))
		}
		sort.Strings(files)
		for _, file := range files {
			cs, err := loadFile(suite, file)
			if err != nil {
				return nil, err
			}
			cases = append(cases, cs...)
		}
	}
	return cases, nil
}

func loadFile(suite, file string) ([]Case, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var tests map[string]fixture
	if err := json.Unmarshal(raw, &tests); err != nil {
		return nil, fmt.Errorf("bench: parse %s: %w", file, err)
	}
	var cases []Case
	for name, t := range tests {
		code := t.Pre[t.Transaction.To].Code
		if len(code) == 0 {
			return nil, fmt.Errorf("bench: %s: no code at %v", file, t.Transaction.To)
		}
		gas := uint64(1_000_000_000)
		if len(t.Transaction.GasLimit) > 0 {
			gas = uint64(t.Transaction.GasLimit[0])
		}
		for i, data := range t.Transaction.Data {
			label := t.Info.Labels[strconv.Itoa(i)]
			if label == "" {
				label = strconv.Itoa(i)
			}
			cases = append(cases, Case{Suite: suite, Benchmark: name, Input: label, Code: code, Calldata: data, Gas: gas})
		}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name() < cases[j].Name() })
	return cases, nil
}

// SuiteDir finds ../shared/benchmarks/evm-benchmarks from the working
// directory or any parent (tests run inside package directories).
func SuiteDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "..", "shared", "benchmarks", "evm-benchmarks")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return filepath.Clean(p), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir || strings.Count(parent, string(filepath.Separator)) == 0 {
			return "", fmt.Errorf("bench: ../shared/benchmarks/evm-benchmarks not found above the working directory")
		}
		dir = parent
	}
}
