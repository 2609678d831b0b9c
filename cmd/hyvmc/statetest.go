package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/statetest"
)

const stateTestUsage = `Usage: hyvmc statetest [flags] PATH...

Runs the state tests in the given JSON fixture files and directories (walked
for *.json) on hyvm. Prints a line per failing test naming what differed and
a closing "N passed, M failed" line. Exit status 1 if any test failed, 2 if
a path or fixture could not be read.

As go-ethereum's "evm statetest", for cross-client trace diffing (goevmlab):
--trace writes each outcome's EIP-3155 JSON trace to stderr followed by its
{"stateRoot": ...} line (one test at a time); --json prints the results
as a JSON array (name, pass, stateRoot, fork, error) and --human a
[PASS]/[FAIL] line per outcome and a summary, instead of the lines.
--index runs one index of each fork's outcomes. Outcomes of forks hyvm does
not run are skipped: counted and named as such, never failed (and left
out of --json, which has no word for them).

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
		index    = fs.Int("index", -1, "run only this index of each fork's outcomes (-1: all)")
		trace    = fs.Bool("trace", false, "write EIP-3155 JSON traces and state roots to stderr, as evm statetest --trace")
		noMemory = fs.Bool("trace.nomemory", true, "leave memory out of the trace")
		noStack  = fs.Bool("trace.nostack", false, "leave the stack out of the trace")
		noRet    = fs.Bool("trace.noreturndata", true, "leave return data out of the trace")
		jsonOut  = fs.Bool("json", false, "print the results as a JSON array, as evm statetest does")
		human    = fs.Bool("human", false, "print a [PASS]/[FAIL] line per outcome and a summary, as evm statetest --human does")
	)
	paths, err := parseFlags(fs, args, stateTestUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	var traceCfg *logger.Config
	if *trace {
		traceCfg = &logger.Config{EnableMemory: !*noMemory, DisableStack: *noStack, EnableReturnData: !*noRet}
		*jobs = 1 // one trace at a time
	}
	runner, err := newStateTestRunner(paths, *jobs, *forkName, *runExpr, *backend, traceCfg, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	if *index >= 0 {
		runner.Index = index
	}
	if *jsonOut && *human {
		return usageError(stderr, cmd, errors.New("--json and --human: one format at a time"))
	}
	if *trace {
		runner.OnCase = func(r statetest.Result) {
			if !r.Skipped {
				fmt.Fprintf(stderr, "{\"stateRoot\": \"%#x\"}\n", r.Root)
			}
		}
	}
	var (
		results []evmResult
		skipped int
	)
	passed, failed, err := runner.RunPaths(paths, func(r statetest.Result) {
		switch {
		case r.Skipped:
			skipped++
			if !*jsonOut {
				fmt.Fprintf(stdout, "SKIP %s: %s [%s #%d]: %s\n", r.File, r.Name, r.Fork, r.Index, r.Detail)
			}
		case *human:
			fmt.Fprintln(stdout, humanResult(r))
		case *jsonOut:
			res := evmResult{Name: r.Name, Pass: r.Passed, Fork: r.Fork, Error: firstLine(r.Detail)}
			if r.Root != (common.Hash{}) {
				res.Root = &r.Root
			}
			results = append(results, res)
		case !r.Passed:
			fmt.Fprintf(stdout, "FAIL %s: %s [%s #%d]: %s\n", r.File, r.Name, r.Fork, r.Index, firstLine(r.Detail))
		}
	})
	switch {
	case *jsonOut:
		out, _ := json.MarshalIndent(results, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
	case *human:
		fmt.Fprintf(stdout, "--\n%d tests passed, %d tests failed%s.\n", passed, failed, skippedNote(skipped))
	case passed+failed+skipped > 0 || err == nil:
		fmt.Fprintf(stdout, "%d passed, %d failed%s\n", passed, failed, skippedNote(skipped))
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
func newStateTestRunner(paths []string, jobs int, forkName, runExpr, backendName string, trace *logger.Config, stderr io.Writer) (*statetest.Runner, error) {
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
			cfg := runtime.Config{Cache: cache, MemoryLimits: statetest.MemoryLimits, Backend: backend}
			if trace != nil {
				cfg.Tracer = logger.NewJSONLogger(trace, stderr)
			}
			return runtime.NewEVM(block, statedb, fork, cfg)
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

// evmResult is one outcome as go-ethereum's evm statetest --json prints it.
type evmResult struct {
	Name  string       `json:"name"`
	Pass  bool         `json:"pass"`
	Root  *common.Hash `json:"stateRoot,omitempty"`
	Fork  string       `json:"fork"`
	Error string       `json:"error,omitempty"`
}

// skippedNote is the summary's mention of skipped outcomes, if any: the
// summary reads as go-ethereum's when every outcome ran.
func skippedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d skipped (fork not supported)", n)
}

// eestName matches the names of tests filled by the execution-spec-tests,
// which evm statetest --human shortens to module, function and parameters.
var eestName = regexp.MustCompile(`tests\/([^\/]+)\/([^\/]+)\/([^:]+)::([^[]+)\[fork_([^-\]]+)-[^-]+-(.+)\]`)

// humanResult is an outcome's line as evm statetest --human prints it.
func humanResult(r statetest.Result) string {
	status := "[\033[32mPASS\033[0m]"
	if !r.Passed {
		status = "[\033[31mFAIL\033[0m]"
	}
	info := r.Name
	if m := eestName.FindStringSubmatch(r.Name); m != nil {
		info = fmt.Sprintf("%s %s, param=%s", m[2], m[4], m[6])
	}
	if !r.Passed {
		info += fmt.Sprintf(", err=%v, fork=%s", firstLine(r.Detail), r.Fork)
	}
	return status + " " + info
}
