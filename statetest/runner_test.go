package statetest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/statetest"
)

// Fixtures the tests below alter: a valid transaction emitting a log (one
// entry per fork), and a transaction rejected for insufficient funds.
const (
	logFixture     = "state_tests/static/state_tests/stLogTests/log1_emptyMem.json"
	invalidFixture = "state_tests/static/state_tests/stTransactionTest/HighGasPriceParis.json"
)

// entry is one decoded test of a fixture file, for editing.
type entry = map[string]any

// rewrite copies a fixture into a temporary directory with edit applied to
// every test entry, and returns the copy's path.
func rewrite(t *testing.T, src string, edit func(e entry)) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir(t), src))
	if err != nil {
		t.Fatal(err)
	}
	var tests map[string]entry
	if err := json.Unmarshal(data, &tests); err != nil {
		t.Fatal(err)
	}
	for _, e := range tests {
		edit(e)
	}
	out, err := json.Marshal(tests)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// posts calls f on every expected outcome of a test entry.
func posts(e entry, f func(p map[string]any)) {
	for _, list := range e["post"].(map[string]any) {
		for _, p := range list.([]any) {
			f(p.(map[string]any))
		}
	}
}

func tx(e entry) map[string]any { return e["transaction"].(map[string]any) }

// runAll runs paths on the reference machine and returns every result.
func runAll(t *testing.T, r *statetest.Runner, paths ...string) []statetest.Result {
	t.Helper()
	var results []statetest.Result
	if _, _, err := r.RunPaths(paths, func(res statetest.Result) { results = append(results, res) }); err != nil {
		t.Fatal(err)
	}
	return results
}

// TestAlteredFixtures checks that the runner notices when a fixture's
// expectation, pre-state or transaction no longer matches: it must be able
// to fail.
func TestAlteredFixtures(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		edit    func(e entry)
		detail  string // "" means every outcome must pass
	}{
		{"unchanged valid", logFixture, func(entry) {}, ""},
		{"unchanged invalid", invalidFixture, func(entry) {}, ""},
		{"state root", logFixture, func(e entry) {
			posts(e, func(p map[string]any) { p["hash"] = "0x" + strings.Repeat("11", 32) })
		}, "state root: got"},
		{"logs hash", logFixture, func(e entry) {
			posts(e, func(p map[string]any) { p["logs"] = "0x" + strings.Repeat("22", 32) })
		}, "logs hash: got"},
		{"pre-state code byte", logFixture, func(e entry) {
			acc := e["pre"].(map[string]any)["0x69621b40dbf7532fba7f17901cebb76d24df62d8"].(map[string]any)
			acc["code"] = strings.Replace(acc["code"].(string), "a1", "a0", 1) // LOG1 → LOG0
		}, "state root: got"},
		{"transaction value", logFixture, func(e entry) {
			tx(e)["value"] = []any{"0x0186a1"}
		}, "state root: got"},
		{"transaction gas below intrinsic", logFixture, func(e entry) {
			tx(e)["gasLimit"] = []any{"0x5207"}
		}, "unexpected invalid tx: intrinsic gas too low"},
		{"exception expected of a valid tx", logFixture, func(e entry) {
			posts(e, func(p map[string]any) { p["expectException"] = "TransactionException.INTRINSIC_GAS_TOO_LOW" })
		}, "expected exception TransactionException.INTRINSIC_GAS_TOO_LOW, tx accepted"},
		{"invalid tx without expected exception", invalidFixture, func(e entry) {
			posts(e, func(p map[string]any) { delete(p, "expectException") })
		}, "unexpected invalid tx: insufficient funds"},
		{"rejected tx with another root", invalidFixture, func(e entry) {
			posts(e, func(p map[string]any) { p["hash"] = "0x" + strings.Repeat("33", 32) })
		}, "state root after rejected tx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := runAll(t, referenceRunner(), rewrite(t, tt.fixture, tt.edit))
			if len(results) != 3 {
				t.Fatalf("got %d results, want 3 (one per fork)", len(results))
			}
			for _, res := range results {
				if tt.detail == "" {
					if !res.Passed {
						t.Errorf("%s [%s] failed: %s", res.Name, res.Fork, res.Detail)
					}
					continue
				}
				if res.Passed || !strings.Contains(res.Detail, tt.detail) {
					t.Errorf("%s [%s]: passed=%v detail %q, want failure containing %q", res.Name, res.Fork, res.Passed, res.Detail, tt.detail)
				}
			}
		})
	}
}

// TestMalformedFiles checks that unreadable fixtures are reported by name
// as errors, without a panic and without stopping the other files.
func TestMalformedFiles(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"truncated.json", `{"x": {"env": `, "invalid state-test JSON"},
		{"wrongtype.json", `{"x": {"env": {"currentNumber": []}}}`, "invalid state-test JSON"},
		{"badnumber.json", `{"x": {"env": {"currentNumber": "0xzz"}}}`, "invalid hex or decimal integer"},
		{"null.json", `{"x": null}`, `test "x" is null`},
		{"notobject.json", `[1, 2]`, "invalid state-test JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bad := filepath.Join(dir, tt.name)
			if err := os.WriteFile(bad, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			good := rewrite(t, logFixture, func(entry) {})
			passed, failed, err := referenceRunner().RunPaths([]string{bad, good}, nil)
			if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one naming %s and saying %q", err, bad, tt.want)
			}
			if passed != 3 || failed != 0 {
				t.Errorf("good file: %d passed, %d failed, want 3 and 0", passed, failed)
			}
		})
	}
}

// TestMissingPath checks that a path that does not exist is an error.
func TestMissingPath(t *testing.T) {
	if _, _, err := referenceRunner().RunPaths([]string{filepath.Join(t.TempDir(), "nope")}, nil); err == nil {
		t.Error("no error for a missing path")
	}
}

// panicMachine panics as soon as it is asked to run anything.
type panicMachine struct{}

func (panicMachine) Call(context.Context, common.Address, common.Address, []byte, uint64, *uint256.Int) ([]byte, uint64, error) {
	panic("engine bug")
}

func (panicMachine) Create(context.Context, common.Address, []byte, uint64, *uint256.Int) ([]byte, common.Address, uint64, error) {
	panic("engine bug")
}

func (panicMachine) SetTxContext(vm.TxContext) {}

func (panicMachine) ChainID() *uint256.Int { return uint256.NewInt(runtime.ChainID) }

// TestPanicFailsOneTest checks that a panicking engine fails the tests it
// runs, reports the panic, and leaves rejected transactions (which never
// reach the engine) passing.
func TestPanicFailsOneTest(t *testing.T) {
	r := &statetest.Runner{
		NewMachine: func(vm.BlockContext, vm.StateDB, blocks.Fork) runtime.Machine { return panicMachine{} },
	}
	corpus := corpusDir(t)
	results := runAll(t, r, filepath.Join(corpus, logFixture), filepath.Join(corpus, invalidFixture))
	if len(results) != 6 {
		t.Fatalf("got %d results, want 6", len(results))
	}
	for _, res := range results {
		executes := strings.Contains(res.File, "log1_emptyMem")
		if executes && (res.Passed || !strings.Contains(res.Detail, "engine failure: hyvm: internal error") || !strings.Contains(res.Detail, "engine bug")) {
			t.Errorf("%s [%s]: passed=%v detail %q, want a reported panic", res.Name, res.Fork, res.Passed, res.Detail)
		}
		if !executes && !res.Passed {
			t.Errorf("%s [%s] failed: %s", res.Name, res.Fork, res.Detail)
		}
	}
}

// TestSelectionAndOrder checks the fork and name filters and that results
// come in the same order whatever the parallelism.
func TestSelectionAndOrder(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "state_tests/static/state_tests/stLogTests")
	names := func(r *statetest.Runner) []string {
		var out []string
		for _, res := range runAll(t, r, dir) {
			if !res.Passed {
				t.Errorf("%s [%s] failed: %s", res.Name, res.Fork, res.Detail)
			}
			out = append(out, res.File+" "+res.Name+" "+res.Fork)
		}
		return out
	}
	serial, parallel := referenceRunner(), referenceRunner()
	serial.Jobs, parallel.Jobs = 1, 8
	all := names(serial)
	if got := names(parallel); !reflect.DeepEqual(got, all) {
		t.Errorf("order differs between 1 and 8 jobs")
	}

	osaka := referenceRunner()
	osaka.Fork = "osaka"
	for _, n := range names(osaka) {
		if !strings.HasSuffix(n, " Osaka") {
			t.Errorf("fork filter let through %s", n)
		}
	}
	log0 := referenceRunner()
	log0.Run = regexp.MustCompile(`log0_`)
	selected := names(log0)
	if len(selected) == 0 || len(selected) >= len(all) {
		t.Errorf("name filter selected %d of %d", len(selected), len(all))
	}
	for _, n := range selected {
		if !strings.Contains(n, "log0_") {
			t.Errorf("name filter let through %s", n)
		}
	}
}
