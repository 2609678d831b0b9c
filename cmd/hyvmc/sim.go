package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

const simUsage = `Usage: hyvmc sim [flags] FILE.json

Runs an eth_simulateV1 request (its first parameter: blockStateCalls with
stateOverrides, blockOverrides and calls; validation) and prints the
result as eth_simulateV1 does: per block, per call, status, returnData,
gasUsed, logs and error. With --fork-url the blocks follow --fork-block
(default: the latest) on that chain's state, each one number higher and 12
seconds later than the one before unless its block overrides say
otherwise; without it, they follow the block "hyvmc run" uses on an empty
state. FILE may be - for standard input.

Flags:
`

// simCommand implements "hyvmc sim".
func simCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc sim"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var (
		forkURL   = fs.String("fork-url", "", "run on the state of the chain at JSON-RPC endpoint `URL`")
		forkBlock = fs.Uint64("fork-block", 0, "with --fork-url, the block whose state is read (0: the latest)")
		forkCache = fs.String("fork-cache", "", "with --fork-url, keep what is read in `DIR` for later runs")
		forkName  = fs.String("fork", blocks.Latest.String(), "fork whose rules apply (Cancun, Prague, Osaka)")
		backend   = fs.String("backend", runtime.BackendAuto.String(), "how code runs: auto, interp, closure or amd64")
	)
	positional, err := parseFlags(fs, args, simUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	if len(positional) != 1 {
		return usageError(stderr, cmd, errors.New("want one request FILE (see 'hyvmc sim -h')"))
	}
	req, err := readSimRequest(positional[0])
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	f, err := blocks.ParseFork(*forkName)
	if err != nil {
		return usageError(stderr, cmd, fmt.Errorf("--fork: %w", err))
	}
	b, err := parseBackend(*backend, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var base vm.StateDB = runtime.NewMemoryState()
	block, parentGas := runBlock(defaultGas), uint64(0)
	if *forkURL != "" {
		cache, err := fork.Dial(ctx, *forkURL, fork.Options{Block: *forkBlock, CacheDir: *forkCache})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return exitFailed
		}
		defer cache.Close()
		if block, err = cache.BlockContext(ctx, runtime.ChainConfig(f)); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return exitFailed
		}
		h, err := cache.Header(ctx, cache.Block())
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return exitFailed
		}
		parentGas = h.GasUsed
		base = cache.State(ctx)
	}
	// A call without gas gets the block's gas limit.
	bundles, err := req.Bundles(block.GasLimit)
	if err != nil {
		return usageError(stderr, cmd, fmt.Errorf("%s: %w", positional[0], err))
	}
	results, _, err := sim.Simulate(ctx, base, sim.Parent{Block: block, GasUsed: parentGas}, f, runtime.Config{Backend: b}, bundles)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	}
	printed := make([]sim.SimulatedBlock, len(results))
	for k := range results {
		printed[k] = results[k].Simulated()
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(printed); err != nil {
		fmt.Fprintf(stderr, "%s: writing the result: %v\n", cmd, err)
		return exitFailed
	}
	return exitOK
}

// readSimRequest reads a request file (- for standard input) and checks
// that it converts to bundles.
func readSimRequest(path string) (*sim.SimulateRequest, error) {
	data, err := readFileOrStdin(path)
	if err != nil {
		return nil, fmt.Errorf("reading the request: %w", err)
	}
	req := new(sim.SimulateRequest)
	if err := json.Unmarshal(data, req); err != nil {
		return nil, fmt.Errorf("%s: not an eth_simulateV1 request: %w", path, err)
	}
	if _, err := req.Bundles(0); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return req, nil
}
