package statetest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers"
	_ "github.com/ethereum/go-ethereum/eth/tracers/native"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/statetest"
)

// TestPrestateTracerOnStateTests runs go-ethereum's prestateTracer (plain
// and in diff mode) over hyvm and over go-ethereum's EVM on every
// outcome at index 0 of every 20th state-test file: the same JSON each time.
func TestPrestateTracerOnStateTests(t *testing.T) {
	var files []string
	filepath.WalkDir(corpusDir(t), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	sort.Strings(files)
	var sample []string
	step := 20
	if testing.Short() {
		step = 100
	}
	for i := 0; i < len(files); i += step {
		sample = append(sample, files[i])
	}
	zero := 0
	for _, config := range []string{`{}`, `{"diffMode": true}`} {
		traces := func(geth bool) map[string]string {
			out := map[string]string{}
			var current *tracers.Tracer
			// NewMachine and OnCase run on the runner's worker: a failure
			// there is kept and reported here (t.Fatal would end only the
			// worker and leave RunPaths waiting).
			var failure error
			r := &statetest.Runner{Jobs: 1, Index: &zero,
				NewMachine: func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork) runtime.Machine {
					var err error
					current, err = tracers.DefaultDirectory.New("prestateTracer", &tracers.Context{BlockNumber: block.BlockNumber}, json.RawMessage(config), runtime.ChainConfig(fork))
					if err != nil {
						failure = errors.Join(failure, err)
						current = nil
					}
					var hooks *tracing.Hooks
					if current != nil {
						hooks = current.Hooks
					}
					if geth {
						return reference.New(block, statedb, runtime.ChainConfig(fork), vm.Config{Tracer: hooks})
					}
					return runtime.NewEVM(block, statedb, fork, runtime.Config{Tracer: hooks, MemoryLimits: statetest.MemoryLimits})
				},
				OnCase: func(res statetest.Result) {
					key := fmt.Sprintf("%s %s [%s]", res.File, res.Name, res.Fork)
					if current == nil {
						out[key] = "" // no run: a rejected transaction, a skipped fork
						return
					}
					result, err := current.GetResult()
					if err != nil {
						failure = errors.Join(failure, fmt.Errorf("%s: %w", key, err))
					}
					out[key] = string(result)
					current = nil
				},
			}
			if _, failed, err := r.RunPaths(sample, nil); err != nil || failed > 0 || failure != nil {
				t.Fatalf("geth %v: %d failed, %v", geth, failed, errors.Join(err, failure))
			}
			return out
		}
		ours, theirs := traces(false), traces(true)
		if len(ours) != len(theirs) || len(ours) == 0 {
			t.Fatalf("%s: %d outcomes traced on hyvm, %d on go-ethereum", config, len(ours), len(theirs))
		}
		bad, traced := 0, 0
		for k, want := range theirs {
			if ours[k] == "" || want == "" {
				// Neither engine ran it (the same outcomes pass on both).
				if ours[k] != want {
					t.Errorf("%s %s: traced on one engine only:\nhyvm %q\ngeth %q", config, k, ours[k], want)
				}
				continue
			}
			traced++
			var a, b any
			if err := errors.Join(json.Unmarshal([]byte(ours[k]), &a), json.Unmarshal([]byte(want), &b)); err != nil || a == nil {
				t.Fatalf("%s %s: not a trace (%v):\nhyvm %s\ngeth %s", config, k, err, ours[k], want)
			}
			if !reflect.DeepEqual(a, b) && bad < 5 {
				bad++
				t.Errorf("%s %s:\nhyvm %s\ngeth %s", config, k, ours[k], want)
			}
		}
		t.Logf("%s: %d outcomes of %d files traced alike, %d not run", config, traced, len(sample), len(ours)-traced)
		if traced == 0 {
			t.Fatalf("%s: nothing traced", config)
		}
	}
}
