package statetest

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	goruntime "runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// Runner runs state-test fixtures through runtime.ApplyMessage on the
// machines NewMachine builds.
type Runner struct {
	// NewMachine returns the EVM to run one test on, over statedb, in
	// block, under fork. It is called once per test, concurrently.
	NewMachine func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork) runtime.Machine
	// Fork, when set, runs only the outcomes of that fork (case-insensitive).
	Fork string
	// Run, when set, runs only the tests whose name it matches.
	Run *regexp.Regexp
	// Jobs is the number of tests run in parallel; GOMAXPROCS when < 1.
	Jobs int
	// Index, if set, runs only that index of each fork's outcomes.
	Index *int
	// OnCase, if set, is called with each result as soon as its outcome has
	// run, on the goroutine that ran it (in order when Jobs is 1): a tracer's
	// output can be closed per outcome.
	OnCase func(Result)
	// Overlay runs each transaction on a hyvmstate.Overlay over go-ethereum's
	// StateDB, flushed into it before the state root is computed.
	Overlay bool
}

// Result is the verdict on one outcome: one test, one fork, one index.
type Result struct {
	File   string
	Name   string
	Fork   string
	Index  int
	Passed bool
	// Skipped is set for an outcome of a fork hyvm does not run (Detail
	// says which): neither passed nor failed.
	Skipped bool
	Detail  string      // what differed, when failed
	Root    common.Hash // the state root after the outcome (zero if none was computed)
}

// testCase is one outcome to run.
type testCase struct {
	test  *fixture
	post  *postState
	proto Result // File, Name, Fork and Index filled in
}

// fileRun collects a file's results until they can be reported in order.
type fileRun struct {
	results []Result
	pending int
	err     error
}

// RunPaths runs every test in the given files and directories (walked for
// *.json) and calls report with each result, in file order, then test name,
// fork and index, whatever the parallelism; report calls never overlap.
// Outcomes of forks hyvm does not run are reported Skipped and counted in
// neither total. A file that cannot be read or decoded is skipped and named in the
// returned error; the other files still run.
func (r *Runner) RunPaths(paths []string, report func(Result)) (passed, failed int, err error) {
	if r.NewMachine == nil {
		return 0, 0, errors.New("statetest: Runner.NewMachine is nil")
	}
	files, err := collectFiles(paths)
	if err != nil {
		return 0, 0, err
	}
	jobs := r.Jobs
	if jobs < 1 {
		jobs = goruntime.GOMAXPROCS(0)
	}
	var (
		mu   sync.Mutex
		runs = make([]*fileRun, len(files))
		next int // first file not yet reported
	)
	// flush reports every complete file at the head of the order; mu held.
	flush := func() {
		for ; next < len(runs) && runs[next] != nil && runs[next].pending == 0; next++ {
			for _, res := range runs[next].results {
				switch {
				case res.Skipped:
				case res.Passed:
					passed++
				default:
					failed++
				}
				if report != nil {
					report(res)
				}
			}
			runs[next].results = nil
		}
	}

	type task struct {
		file, index int
		tc          testCase
	}
	fileIndexes := make(chan int)
	tasks := make(chan task, 4*jobs)
	var loaders, workers sync.WaitGroup
	for range jobs {
		loaders.Go(func() {
			for i := range fileIndexes {
				tests, err := loadFile(files[i])
				cases := r.cases(files[i], tests)
				mu.Lock()
				runs[i] = &fileRun{results: make([]Result, len(cases)), pending: len(cases), err: err}
				flush()
				mu.Unlock()
				for j, tc := range cases {
					tasks <- task{i, j, tc}
				}
			}
		})
		workers.Go(func() {
			for t := range tasks {
				res := r.runCase(t.tc)
				if r.OnCase != nil {
					r.OnCase(res)
				}
				mu.Lock()
				runs[t.file].results[t.index] = res
				runs[t.file].pending--
				flush()
				mu.Unlock()
			}
		})
	}
	for i := range files {
		fileIndexes <- i
	}
	close(fileIndexes)
	loaders.Wait()
	close(tasks)
	workers.Wait()

	var loadErrs []error
	for _, run := range runs {
		if run.err != nil {
			loadErrs = append(loadErrs, run.err)
		}
	}
	return passed, failed, errors.Join(loadErrs...)
}

// cases lists the selected outcomes of a file's tests, sorted by test name,
// fork (oldest first) and index.
func (r *Runner) cases(file string, tests map[string]*fixture) []testCase {
	var cases []testCase
	for name, t := range tests {
		if r.Run != nil && !r.Run.MatchString(name) {
			continue
		}
		for fork, posts := range t.Post {
			if r.Fork != "" && !strings.EqualFold(fork, r.Fork) {
				continue
			}
			for i := range posts {
				if r.Index != nil && i != *r.Index {
					continue
				}
				cases = append(cases, testCase{
					test:  t,
					post:  &posts[i],
					proto: Result{File: file, Name: name, Fork: fork, Index: i},
				})
			}
		}
	}
	slices.SortFunc(cases, func(a, b testCase) int {
		return cmp.Or(
			strings.Compare(a.proto.Name, b.proto.Name),
			cmp.Compare(forkOrder(a.proto.Fork), forkOrder(b.proto.Fork)),
			strings.Compare(a.proto.Fork, b.proto.Fork),
			cmp.Compare(a.proto.Index, b.proto.Index),
		)
	})
	return cases
}

// forkOrder sorts known forks chronologically, unknown ones after them.
func forkOrder(name string) int {
	if f, err := blocks.ParseFork(name); err == nil {
		return int(f)
	}
	return 1 << 16
}

// MemoryLimits are the memory caps to run state tests under. The fixtures
// give transactions gas no block holds, and some spend it on memory:
// static_Call1MB1024Calldepth grows 1 MB in each of up to 1024 frames.
// go-ethereum runs them uncapped; these caps pass them and still end a
// runaway fixture with an error instead of the process.
var MemoryLimits = runtime.MemoryLimits{Frame: 1 << 30, Total: 4 << 30}

// runCase runs one outcome; a panic fails that outcome only.
func (r *Runner) runCase(tc testCase) (res Result) {
	res = tc.proto
	if _, err := blocks.ParseFork(tc.proto.Fork); err != nil {
		res.Skipped, res.Detail = true, err.Error()
		return res
	}
	defer func() {
		if p := recover(); p != nil {
			res.Passed = false
			res.Detail = fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	if err := r.check(tc.test, tc.proto.Fork, tc.post, &res.Root); err != nil {
		res.Detail = err.Error()
		return res
	}
	res.Passed = true
	return res
}
