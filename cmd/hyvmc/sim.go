package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/signal"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

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

// simRequest is eth_simulateV1's first parameter, as far as hyvmc runs it.
type simRequest struct {
	BlockStateCalls []struct {
		BlockOverrides *sim.BlockOverrides `json:"blockOverrides"`
		StateOverrides sim.StateOverride   `json:"stateOverrides"`
		Calls          []simCall           `json:"calls"`
	} `json:"blockStateCalls"`
	Validation bool `json:"validation"`
}

type simCall struct {
	From  common.Address  `json:"from"`
	To    *common.Address `json:"to"`
	Input *hexutil.Bytes  `json:"input"`
	Data  *hexutil.Bytes  `json:"data"`
	Value *hexutil.Big    `json:"value"`
	Gas   *hexutil.Uint64 `json:"gas"`
	// With validation: the nonce (default: the sender's) and the fees.
	Nonce                *hexutil.Uint64 `json:"nonce"`
	GasPrice             *hexutil.Big    `json:"gasPrice"`
	MaxFeePerGas         *hexutil.Big    `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexutil.Big    `json:"maxPriorityFeePerGas"`
}

// simCallResult is a call's result as eth_simulateV1 prints it.
type simCallResult struct {
	ReturnData hexutil.Bytes  `json:"returnData"`
	Logs       []*types.Log   `json:"logs"`
	GasUsed    hexutil.Uint64 `json:"gasUsed"`
	Status     hexutil.Uint64 `json:"status"`
	Error      *simError      `json:"error,omitempty"`
}

type simError struct {
	Code    int           `json:"code"`
	Message string        `json:"message"`
	Data    hexutil.Bytes `json:"data,omitempty"`
}

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
	bundles := make([]sim.Bundle, len(req.BlockStateCalls))
	for k, spec := range req.BlockStateCalls {
		bundles[k] = sim.Bundle{StateOverrides: spec.StateOverrides, BlockOverrides: spec.BlockOverrides, Validation: req.Validation}
		for _, c := range spec.Calls {
			call := sim.Call{From: c.From, To: c.To, Gas: block.GasLimit}
			switch {
			case c.Input != nil:
				call.Data = *c.Input
			case c.Data != nil:
				call.Data = *c.Data
			}
			if c.Value != nil {
				call.Value, _ = uint256.FromBig((*big.Int)(c.Value))
			}
			if c.Gas != nil {
				call.Gas = uint64(*c.Gas)
			}
			if c.Nonce != nil {
				n := uint64(*c.Nonce)
				call.Nonce = &n
			}
			var over [3]bool
			call.GasPrice, over[0] = quantity(c.GasPrice)
			call.GasFeeCap, over[1] = quantity(c.MaxFeePerGas)
			call.GasTipCap, over[2] = quantity(c.MaxPriorityFeePerGas)
			if over[0] || over[1] || over[2] {
				return usageError(stderr, cmd, fmt.Errorf("block %d: a fee above 2^256-1", k))
			}
			bundles[k].Calls = append(bundles[k].Calls, call)
		}
	}
	results, _, err := sim.Simulate(ctx, base, sim.Parent{Block: block, GasUsed: parentGas}, f, runtime.Config{Backend: b}, bundles)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	}
	printed := make([]map[string]any, len(results))
	for k, block := range results {
		out := make([]simCallResult, len(block))
		for i, r := range block {
			out[i] = simCallResult{ReturnData: r.ReturnData, Logs: r.Logs, GasUsed: hexutil.Uint64(r.GasUsed), Status: 1}
			if out[i].Logs == nil {
				out[i].Logs = []*types.Log{}
			}
			if r.Err != nil {
				// As eth_simulateV1: the revert data moves to the error.
				out[i] = simCallResult{ReturnData: hexutil.Bytes{}, Logs: []*types.Log{}, GasUsed: out[i].GasUsed,
					Error: &simError{Code: -32015, Message: r.Err.Error()}}
				if errors.Is(r.Err, vm.ErrExecutionReverted) {
					out[i].Error = &simError{Code: 3, Message: r.Err.Error(), Data: r.ReturnData}
				}
			}
		}
		printed[k] = map[string]any{"calls": out}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(printed); err != nil {
		fmt.Fprintf(stderr, "%s: writing the result: %v\n", cmd, err)
		return exitFailed
	}
	return exitOK
}

// readSimRequest reads and checks a request file (- for standard input).
func readSimRequest(path string) (*simRequest, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the request: %w", err)
	}
	req := new(simRequest)
	if err := json.Unmarshal(data, req); err != nil {
		return nil, fmt.Errorf("%s: not an eth_simulateV1 request: %w", path, err)
	}
	switch {
	case len(req.BlockStateCalls) == 0:
		return nil, fmt.Errorf("%s: no blockStateCalls", path)
	}
	return req, nil
}

// quantity converts a JSON quantity to a word (nil stays nil), reporting
// one above 2^256-1.
func quantity(v *hexutil.Big) (*uint256.Int, bool) {
	if v == nil {
		return nil, false
	}
	return uint256.FromBig((*big.Int)(v))
}
