package hyvmtest

import (
	"fmt"
	"io"
	"strings"

	"github.com/ethereum/go-ethereum/core/tracing"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// Run runs every case of the vector files at paths, writes a line per
// failing case naming the fields that differ and a closing
// "N passed, M failed" line to w. err reports a file that cannot be read or
// set up, or an engine error; failing cases are counted, not errors.
func Run(paths []string, w io.Writer) (passed, failed int, err error) {
	return runAll(paths, w, tier{})
}

// RunBackend is Run with code run by backend.
func RunBackend(paths []string, w io.Writer, backend runtime.Backend) (passed, failed int, err error) {
	return runAll(paths, w, tier{backend: backend})
}

// traceCheck, given a case, returns the tracer to run it with and a check
// of what the tracer saw once it ran: the traced tier's conformance run
// also checks its trace.
type traceCheck func(c *Case) (*tracing.Hooks, func(*hyvm.Result) error)

// tier is how runAll runs the cases: a backend, or with a trace check.
type tier struct {
	backend runtime.Backend
	check   traceCheck
	aot     *runtime.AOTRegistry // code and guests compiled ahead of time
	only    func(*Case) bool     // the cases to run (nil: all)
	// inTx runs each guest inside a transaction opened on the state
	// (runInTransaction), as a wallet back end would.
	inTx bool
}

func runAll(paths []string, w io.Writer, t tier) (passed, failed int, err error) {
	cache := runtime.NewCache(0)
	for _, path := range paths {
		p, f, err := runFile(path, cache, w, t)
		passed, failed = passed+p, failed+f
		if err != nil {
			fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
			return passed, failed, err
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	return passed, failed, nil
}

func runFile(path string, cache *runtime.Cache, w io.Writer, t tier) (passed, failed int, err error) {
	file, err := Load(path)
	if err != nil {
		return 0, 0, err
	}
	world, err := newWorld(&file.Environment, cache)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	for i := range file.Cases {
		c := &file.Cases[i]
		if t.only != nil && !t.only(c) {
			continue
		}
		var tracer *tracing.Hooks
		var verify func(*hyvm.Result) error
		if t.check != nil {
			tracer, verify = t.check(c)
		}
		run := world.run
		if t.inTx {
			run = world.runInTransaction
		}
		res, err := run(c, tracer, t)
		if err != nil {
			fmt.Fprintf(w, "FAIL %s: engine error: %v\n", c.Name, err)
			failed++
			continue
		}
		diffs := Compare(c, res)
		if verify != nil {
			if err := verify(res); err != nil {
				diffs = append(diffs, "trace: "+err.Error())
			}
		}
		if len(diffs) > 0 {
			fmt.Fprintf(w, "FAIL %s: %s\n", c.Name, strings.Join(diffs, "; "))
			failed++
			continue
		}
		passed++
	}
	return passed, failed, nil
}
