package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// stateTestSample is every 40th fixture file of the shared state tests.
func stateTestSample(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join("..", "..", "..", "shared", "ethtests"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("the shared state tests: %v (%d files)", err, len(files))
	}
	sort.Strings(files)
	var sample []string
	for i := 0; i < len(files); i += 40 {
		sample = append(sample, files[i])
	}
	return sample
}

// outcomes lists the first test of file with, per fork hyvm runs, the
// first index.
func outcomes(t *testing.T, file string) (name string, forks []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tests map[string]struct{ Post map[string][]json.RawMessage }
	if err := json.Unmarshal(data, &tests); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range tests {
		names = append(names, n)
	}
	sort.Strings(names)
	for fork, posts := range tests[names[0]].Post {
		if len(posts) > 0 && (fork == "Cancun" || fork == "Prague" || fork == "Osaka") {
			forks = append(forks, fork)
		}
	}
	sort.Strings(forks)
	return names[0], forks
}

// TestStateTestTraceMatchesEvm runs a sample of the shared state tests (the
// first test of every 40th file, index 0 of each fork) through "hyvmc
// statetest --trace --json" and go-ethereum's "evm statetest --trace"
// (v1.17.10, $HYVM_EVM; CI builds it from the Go module proxy): standard
// error (the EIP-3155 lines, the transaction's end, the state root) and
// standard output (the results) must be byte for byte the same.
func TestStateTestTraceMatchesEvm(t *testing.T) {
	evm := os.Getenv("HYVM_EVM")
	if evm == "" {
		t.Skip("HYVM_EVM is not set: no evm to compare with (CI builds one)")
	}
	cases := 0
	for _, file := range stateTestSample(t) {
		name, forks := outcomes(t, file)
		for _, fork := range forks {
			run := "^" + regexp.QuoteMeta(name) + "$"
			var gethOut, gethErr bytes.Buffer
			cmd := exec.Command(evm, "statetest", "--trace", "--statetest.fork", fork, "--statetest.index", "0", "--run", run, file)
			cmd.Stdout, cmd.Stderr = &gethOut, &gethErr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: evm: %v\n%s", file, err, gethErr.String())
			}
			_, stdout, stderr := hyvmc(t, "statetest", "--trace", "--json", "--fork", fork, "--index", "0", "--run", run, file)
			cases++
			if stderr != gethErr.String() {
				t.Errorf("%s %s [%s]: traces differ at %s", file, name, fork, firstDifference(stderr, gethErr.String()))
			}
			if stdout != gethOut.String() {
				t.Errorf("%s %s [%s]: results differ:\nhyvmc %s\nevm   %s", file, name, fork, stdout, gethOut.String())
			}
		}
	}
	t.Logf("%d outcomes traced alike", cases)
}

// TestStateTestJSON checks "hyvmc statetest --json" without go-ethereum: a
// result per outcome, passing, with the fixture's post-state root.
func TestStateTestJSON(t *testing.T) {
	file := stateTestSample(t)[0]
	name, forks := outcomes(t, file)
	if len(forks) == 0 {
		t.Fatalf("%s: no outcome of a fork hyvm runs", file)
	}
	status, stdout, stderr := hyvmc(t, "statetest", "--json", "--fork", forks[0], "--index", "0", "--run", "^"+regexp.QuoteMeta(name)+"$", file)
	var results []struct {
		Name, Fork, StateRoot string
		Pass                  bool
	}
	if err := json.Unmarshal([]byte(stdout), &results); err != nil || status != exitOK || len(results) != 1 {
		t.Fatalf("exit %d, %v: %s%s", status, err, stdout, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tests map[string]struct {
		Post map[string][]struct{ Hash string }
	}
	if err := json.Unmarshal(data, &tests); err != nil {
		t.Fatal(err)
	}
	want := tests[name].Post[forks[0]][0].Hash
	if r := results[0]; !r.Pass || r.Name != name || r.Fork != forks[0] || r.StateRoot != want {
		t.Errorf("result %+v, want a pass with root %s", r, want)
	}
}

// firstDifference names the first line where a and b differ.
func firstDifference(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\nhyvmc %s\nevm   %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("length: %d lines, evm %d", len(la), len(lb))
}
