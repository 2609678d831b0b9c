package statetest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/statetest"
)

// corpusEnv overrides where the state-test corpus is looked for.
const corpusEnv = "HYVM_ETHTESTS"

// corpusDir finds the shared state-test corpus: $HYVM_ETHTESTS, or
// shared/ethtests beside the repository (found by walking up from the
// package directory).
func corpusDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv(corpusEnv); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		candidate := filepath.Join(dir, "..", "shared", "ethtests")
		if info, err := os.Stat(candidate); err == nil && info.IsDir() {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("state-test corpus not found: no ../shared/ethtests above the package; set %s", corpusEnv)
		}
		dir = parent
	}
}

// referenceRunner runs tests on go-ethereum's EVM.
func referenceRunner() *statetest.Runner {
	return &statetest.Runner{
		NewMachine: func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork) runtime.Machine {
			return reference.New(block, statedb, runtime.ChainConfig(fork), vm.Config{})
		},
	}
}

// hyvmRunner runs tests on hyvm's engine with backend, all sharing one
// translation cache.
func hyvmRunner(backend runtime.Backend) *statetest.Runner {
	cache := runtime.NewCache(0)
	return &statetest.Runner{
		NewMachine: func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork) runtime.Machine {
			return runtime.NewEVM(block, statedb, fork, runtime.Config{Cache: cache, MemoryLimits: statetest.MemoryLimits, Backend: backend})
		},
	}
}

// TestHyvmCorpus runs the whole corpus on hyvm's engine with every backend
// (auto, the default; the interpreter and closures forced): every test
// must pass. With -short only the ported ethereum/tests VMTests run.
func TestHyvmCorpus(t *testing.T) {
	for _, b := range runtime.Backends() {
		t.Run(b.String(), func(t *testing.T) { runCorpus(t, hyvmRunner(b)) })
	}
}

// TestHyvmOverlayCorpus runs the whole corpus on hyvm's engine over
// hyvmstate's overlay, flushed into go-ethereum's StateDB for the root.
func TestHyvmOverlayCorpus(t *testing.T) {
	r := hyvmRunner(runtime.BackendAuto)
	r.Overlay = true
	runCorpus(t, r)
}

// TestReferenceCorpus runs the whole corpus on go-ethereum's EVM through
// hyvm's transaction layer, which checks the runner and the transaction
// layer independently of hyvm's engine.
func TestReferenceCorpus(t *testing.T) { runCorpus(t, referenceRunner()) }

func runCorpus(t *testing.T, runner *statetest.Runner) {
	dir := corpusDir(t)
	if testing.Short() {
		dir = filepath.Join(dir, "state_tests", "static", "state_tests", "VMTests")
	}
	start := time.Now()
	var failures []string
	passed, failed, err := runner.RunPaths([]string{dir}, func(r statetest.Result) {
		if !r.Passed && len(failures) < 30 {
			failures = append(failures, r.Name+" ["+r.Fork+"]: "+r.Detail)
		}
	})
	if err != nil {
		t.Fatalf("loading corpus: %v", err)
	}
	t.Logf("%d passed, %d failed in %v", passed, failed, time.Since(start).Round(time.Millisecond))
	if failed > 0 || passed == 0 {
		t.Errorf("%d of %d tests failed:\n%s", failed, passed+failed, strings.Join(failures, "\n"))
	}
}
