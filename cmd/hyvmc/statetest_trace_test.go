package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
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
		if _, err := blocks.ParseFork(fork); err == nil && len(posts) > 0 {
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
// standard output (the results) must be byte for byte the same, and so
// must --human's.
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
			gethOut.Reset()
			cmd = exec.Command(evm, "statetest", "--human", "--statetest.fork", fork, "--statetest.index", "0", "--run", run, file)
			cmd.Stdout, cmd.Stderr = &gethOut, io.Discard
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: evm --human: %v", file, err)
			}
			if _, stdout, _ := hyvmc(t, "statetest", "--human", "--fork", fork, "--index", "0", "--run", run, file); stdout != gethOut.String() {
				t.Errorf("%s %s [%s]: --human differs:\nhyvmc %q\nevm   %q", file, name, fork, stdout, gethOut.String())
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

// TestStateTestHuman checks --human without go-ethereum: a [PASS] line per
// outcome and the summary; and that an outcome of a fork hyvm does not run
// (a copy of the fixture with its fork renamed Berlin) is skipped, not
// failed.
func TestStateTestHuman(t *testing.T) {
	file := stateTestSample(t)[0]
	name, forks := outcomes(t, file)
	run := "^" + regexp.QuoteMeta(name) + "$"
	status, stdout, stderr := hyvmc(t, "statetest", "--human", "--fork", forks[0], "--index", "0", "--run", run, file)
	want := "[\033[32mPASS\033[0m] " + name + "\n--\n1 tests passed, 0 tests failed.\n"
	if status != exitOK || stdout != want {
		t.Errorf("exit %d: %q%s, want %q", status, stdout, stderr, want)
	}

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tests map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &tests); err != nil {
		t.Fatal(err)
	}
	var post map[string]json.RawMessage
	if err := json.Unmarshal(tests[name]["post"], &post); err != nil {
		t.Fatal(err)
	}
	tests = map[string]map[string]json.RawMessage{name: tests[name]}
	tests[name]["post"], _ = json.Marshal(map[string]json.RawMessage{"Berlin": post[forks[0]]})
	berlin := filepath.Join(t.TempDir(), "berlin.json")
	data, _ = json.Marshal(tests)
	if err := os.WriteFile(berlin, data, 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr = hyvmc(t, "statetest", "--index", "0", berlin)
	if status != exitOK || !strings.HasPrefix(stdout, "SKIP ") || !strings.HasSuffix(stdout, "0 passed, 0 failed, 1 skipped (fork not supported)\n") {
		t.Errorf("a Berlin outcome: exit %d: %q%s, want it skipped", status, stdout, stderr)
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
