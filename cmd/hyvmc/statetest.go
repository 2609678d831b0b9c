package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/statetest"
)

const stateTestUsage = `Usage: hyvmc statetest [flags] PATH...

Runs the state tests in the given JSON fixture files and directories (walked
for *.json) on hyvm. Prints a line per failing test naming what differed and
a closing "N passed, M failed" line. Exit status 1 if any test failed, 2 if
a path or fixture could not be read.

Flags:
`

// stateTestCommand implements "hyvmc statetest".
func stateTestCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc statetest"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var (
		jobs     = fs.Int("j", 0, "run `N` tests in parallel (default: number of CPUs)")
		forkName = fs.String("fork", "", "run only the outcomes of this fork (Cancun, Prague, Osaka)")
		runExpr  = fs.String("run", "", "run only the tests whose name matches `REGEX`")
		backend  = fs.String("backend", runtime.BackendAuto.String(), "how code runs: auto, interp, closure or amd64")
	)
	paths, err := parseFlags(fs, args, stateTestUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	runner, err := newStateTestRunner(paths, *jobs, *forkName, *runExpr, *backend, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	passed, failed, err := runner.RunPaths(paths, func(r statetest.Result) {
		if !r.Passed {
			fmt.Fprintf(stdout, "FAIL %s: %s [%s #%d]: %s\n", r.File, r.Name, r.Fork, r.Index, firstLine(r.Detail))
		}
	})
	if passed+failed > 0 || err == nil {
		fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	}
	switch {
	case err != nil:
		// Unreadable paths or fixtures: the other files still ran above.
		return usageError(stderr, cmd, err)
	case failed > 0:
		return exitFailed
	}
	return exitOK
}

// newStateTestRunner validates the statetest arguments and returns a runner
// on hyvm's engine, all tests sharing one translation cache.
func newStateTestRunner(paths []string, jobs int, forkName, runExpr, backendName string, stderr io.Writer) (*statetest.Runner, error) {
	if len(paths) == 0 {
		return nil, errors.New("missing PATH argument (see 'hyvmc statetest -h')")
	}
	backend, err := parseBackend(backendName, stderr)
	if err != nil {
		return nil, err
	}
	if jobs < 0 {
		return nil, fmt.Errorf("-j: must not be negative, got %d", jobs)
	}
	cache := runtime.NewCache(0)
	r := &statetest.Runner{
		NewMachine: func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork) runtime.Machine {
			return runtime.NewEVM(block, statedb, fork, runtime.Config{Cache: cache, MemoryLimits: statetest.MemoryLimits, Backend: backend})
		},
		Jobs: jobs,
	}
	if forkName != "" {
		fork, err := blocks.ParseFork(forkName)
		if err != nil {
			return nil, fmt.Errorf("--fork: %w", err)
		}
		r.Fork = fork.String()
	}
	if runExpr != "" {
		re, err := regexp.Compile(runExpr)
		if err != nil {
			return nil, fmt.Errorf("--run: %w", err)
		}
		r.Run = re
	}
	return r, nil
}

// firstLine keeps a failure's detail on its line (a panic's detail carries
// a stack trace).
func firstLine(s string) string {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
