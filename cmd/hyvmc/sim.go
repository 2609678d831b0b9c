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

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

const simUsage = `Usage: hyvmc sim [flags] FILE.json

Runs an eth_simulateV1 request (its first parameter: blockStateCalls with
stateOverrides, blockOverrides and calls; validation, traceTransfers,
returnFullTransactions) and prints the result. With --fork-url the blocks
follow --fork-block (default: the latest) on that chain's state, each one
number higher and 12 seconds later than the one before unless its block
overrides say otherwise, and print as the node's eth_simulateV1 returns
them: whole blocks (headers, state roots from eth_getProof witnesses,
transactions) with, per call, status, returnData, gasUsed, logs and error.
Without it, they follow the block "hyvmc run" uses on an empty state and
print per block its number, time and calls. FILE may be - for standard
input.

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
		gasCap    = fs.Uint64("gas-cap", 50_000_000, "with --fork-url, the gas all calls may use together (0: no cap), as a node's RPC gas cap")
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
	if *forkURL != "" {
		return simFork(ctx, cmd, req, positional[0], *forkURL, fork.Options{Block: *forkBlock, CacheDir: *forkCache}, f, b, *gasCap, stdout, stderr)
	}
	// Without a fork: an empty state, and per block its number, time and
	// calls (a block's header needs the state's trie). A call without gas
	// gets the block's gas limit.
	var base vm.StateDB = runtime.NewMemoryState()
	block := runBlock(defaultGas)
	bundles, err := req.Bundles(block.GasLimit)
	if err != nil {
		return usageError(stderr, cmd, fmt.Errorf("%s: %w", positional[0], err))
	}
	parent := &types.Header{Number: block.BlockNumber, Time: block.Time, GasLimit: block.GasLimit, Coinbase: block.Coinbase,
		BaseFee: block.BaseFee, Difficulty: block.Difficulty}
	results, _, err := sim.Simulate(ctx, base, parent, block.GetHash, f, runtime.Config{Backend: b}, bundles)
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

// simFork runs req on a fork of the chain at url and prints the blocks as
// the node's eth_simulateV1 returns them, headers and state roots
// included (sim.SimulateBlocks, fork.Roots).
func simFork(ctx context.Context, cmd string, req *sim.SimulateRequest, file, url string, opt fork.Options, f blocks.Fork, b runtime.Backend, gasCap uint64, stdout, stderr io.Writer) int {
	failed := func(err error) int {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	}
	cache, err := fork.Dial(ctx, url, opt)
	if err != nil {
		return failed(err)
	}
	defer cache.Close()
	chain := runtime.ChainConfig(f)
	if chain.ChainID, err = cache.ChainID(ctx); err != nil {
		return failed(err)
	}
	block, err := cache.BlockContext(ctx, chain)
	if err != nil {
		return failed(err)
	}
	parent, err := cache.Header(ctx, cache.Block())
	if err != nil {
		return failed(err)
	}
	bundles, err := req.Bundles(block.GasLimit)
	if err != nil {
		return usageError(stderr, cmd, fmt.Errorf("%s: %w", file, err))
	}
	roots, err := cache.Roots(ctx)
	if err != nil {
		return failed(err)
	}
	results, _, err := sim.SimulateBlocks(ctx, cache.State(ctx), parent, block.GetHash, chain, f, runtime.Config{Backend: b, ChainID: chain.ChainID}, bundles, roots, gasCap)
	if err != nil {
		return failed(err)
	}
	printed := make([]map[string]any, len(results))
	for k := range results {
		printed[k] = results[k].Simulated(req.ReturnFullTransactions)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(printed); err != nil {
		return failed(fmt.Errorf("writing the result: %w", err))
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
