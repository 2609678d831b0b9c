package bench

import "regexp"

// LoadCases returns the evm-benchmarks suite in suiteDir followed by the
// real-contract cases built in contractsDir.
func LoadCases(suiteDir, contractsDir string) ([]Case, error) {
	cases, err := LoadSuite(suiteDir)
	if err != nil {
		return nil, err
	}
	contracts, err := ContractCases(contractsDir)
	if err != nil {
		return nil, err
	}
	return append(cases, contracts...), nil
}

// Filter returns the cases whose name (suite/benchmark/input) matches re;
// a nil re keeps them all.
func Filter(cases []Case, re *regexp.Regexp) []Case {
	if re == nil {
		return cases
	}
	var out []Case
	for _, c := range cases {
		if re.MatchString(c.Name()) {
			out = append(out, c)
		}
	}
	return out
}
