package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strings"
	"time"

	"github.com/hyvm/hyvm/bench"
)

const benchUsage = `Usage: hyvmc bench [flags]

Times the evm-benchmarks suite (main, micro) and the real-contract cases
(contracts) on hyvm and go-ethereum, in this process. Every case is first
run once on each engine and must give go-ethereum's status, output and gas;
a disagreement is an error (exit status 1) and nothing is timed.

Prints a table of ns/op per engine, hyvm's allocs/op and the geth/hyvm
speed ratio (above 1 hyvm is faster), then the geometric mean per suite.
Progress goes to stderr. --out also writes the table as bench.md and a
bar chart of the ratios as bench.svg.

Flags:
`

// benchCommand implements "hyvmc bench".
func benchCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc bench"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var (
		runExpr   = fs.String("run", "", "time only the cases whose suite/benchmark/input matches `REGEX`")
		perCase   = fs.Duration("time", time.Second, "time each case on each engine for at least `DURATION`")
		count     = fs.Int("count", 1, "time each case `N` times and report the median")
		suite     = fs.String("suite", "", "evm-benchmarks `DIR` (default: ../shared/benchmarks/evm-benchmarks beside a parent of the working directory)")
		contracts = fs.String("contracts", "", "contract build `DIR` (default: testdata/contracts in the working directory or a parent)")
		out       = fs.String("out", "", "also write bench.md and bench.svg to `DIR`")
		engines   = fs.String("engines", bench.EngineHyvm+","+bench.EngineGeth, "comma-separated `LIST` of engines to time (of "+strings.Join(bench.Engines(), ", ")+")")
	)
	positional, err := parseFlags(fs, args, benchUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	if len(positional) > 0 {
		return usageError(stderr, cmd, fmt.Errorf("unexpected argument %q (see '%s -h')", positional[0], cmd))
	}
	cfg := bench.Config{Time: *perCase, Count: *count}
	cases, err := benchSetup(&cfg, *runExpr, *engines, *suite, *contracts, *out)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	progress := bench.NewProgress(stderr, isTerminal(stderr))
	cfg.Progress = progress.Step
	report, err := bench.Compare(cases, cfg)
	progress.Done()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", cmd, oneLine(err.Error()))
		return exitFailed
	}
	report.Note = fmt.Sprintf("%s %s/%s, %d CPUs, %s, --time %v --count %d",
		goruntime.Version(), goruntime.GOOS, goruntime.GOARCH, goruntime.NumCPU(), time.Now().Format("2006-01-02"), *perCase, *count)
	if err := report.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", cmd, oneLine(err.Error()))
		return exitFailed
	}
	if *out != "" {
		if err := writeBenchFiles(report, *out); err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", cmd, oneLine(err.Error()))
			return exitFailed
		}
	}
	return exitOK
}

// benchSetup validates the flags, fills cfg.Engines, creates the output
// directory and returns the selected cases.
func benchSetup(cfg *bench.Config, runExpr, engines, suite, contracts, out string) ([]bench.Case, error) {
	if cfg.Time <= 0 {
		return nil, fmt.Errorf("--time: must be positive, got %v", cfg.Time)
	}
	if cfg.Count < 1 {
		return nil, fmt.Errorf("--count: must be at least 1, got %d", cfg.Count)
	}
	for _, e := range strings.Split(engines, ",") {
		e = strings.TrimSpace(e)
		switch {
		case !slices.Contains(bench.Engines(), e):
			return nil, fmt.Errorf("--engines: unknown engine %q (want some of %s)", e, strings.Join(bench.Engines(), ", "))
		case slices.Contains(cfg.Engines, e):
			return nil, fmt.Errorf("--engines: %q given twice", e)
		}
		cfg.Engines = append(cfg.Engines, e)
	}
	if slices.Contains(cfg.Engines, bench.EngineHyvmAOT) {
		var err error
		if cfg.AOT, err = suiteAOT(); err != nil {
			return nil, fmt.Errorf("--engines: %w", err)
		}
	}
	var re *regexp.Regexp
	if runExpr != "" {
		var err error
		if re, err = regexp.Compile(runExpr); err != nil {
			return nil, fmt.Errorf("--run: %w", err)
		}
	}
	var err error
	if suite == "" {
		if suite, err = bench.SuiteDir(); err != nil {
			return nil, fmt.Errorf("%w; give --suite", err)
		}
	}
	if contracts == "" {
		if contracts, err = bench.ContractsDir(); err != nil {
			return nil, fmt.Errorf("%w; give --contracts", err)
		}
	}
	cases, err := bench.LoadCases(suite, contracts)
	if err != nil {
		return nil, err
	}
	if cases = bench.Filter(cases, re); len(cases) == 0 {
		return nil, fmt.Errorf("--run: no case matches %q", runExpr)
	}
	if out != "" {
		// Before timing, so that an unusable directory costs no run.
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
	}
	return cases, nil
}

// writeBenchFiles writes bench.md and bench.svg to dir.
func writeBenchFiles(report *bench.Report, dir string) error {
	for name, write := range map[string]func(io.Writer) error{
		"bench.md":  report.WriteMarkdown,
		"bench.svg": report.WriteSVG,
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal, where progress redraws a line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
