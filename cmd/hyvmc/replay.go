package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/prof"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// replayCommand implements "hyvmc profile --tx HASH": the transaction is
// replayed as its block ran it (the block's context, the transactions
// before it first, fees and nonces checked) on a fork of the block before,
// with the profiler on it alone; its gas used must be its receipt's.
// replayFlags are the flags a replay takes: where the chain is, how code
// runs, and the profile's own.
var replayFlags = map[string]bool{"fork-url": true, "fork-cache": true, "fork": true, "backend": true, "timeout": true,
	"tx": true, "o": true, "srcmap": true, "sources": true, "by": true, "time": true, "time-every": true, "top": true}

func replayCommand(cmd string, pf *profileFlags, positional []string, url, cacheDir, forkName, backendName string, timeout time.Duration, stdout, stderr io.Writer) int {
	switch {
	case url == "":
		return usageError(stderr, cmd, errors.New("--tx needs --fork-url"))
	case len(positional) > 0:
		return usageError(stderr, cmd, errors.New("--tx replays a transaction: no CODE"))
	}
	b, err := parseHex(pf.tx)
	if err != nil || len(b) != common.HashLength {
		return usageError(stderr, cmd, fmt.Errorf("--tx: %q is not a transaction hash (32 bytes of hex)", pf.tx))
	}
	hash := common.BytesToHash(b)
	rules, err := blocks.ParseFork(forkName)
	if err != nil {
		return usageError(stderr, cmd, fmt.Errorf("--fork: %w", err))
	}
	backend, err := parseBackend(backendName, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	opts, err := pf.options(defaultProfOptions())
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	p := prof.New(opts)
	r, err := replay(ctx, url, cacheDir, hash, rules, backend, p)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", cmd, oneLine(err.Error()))
		return exitFailed
	}
	fmt.Fprintf(stdout, "transaction: %s (block %d, index %d)\nstatus: %s\ngas used: %d (receipt: %d)\n",
		hash.Hex(), r.receipt.BlockNumber, r.receipt.TransactionIndex, statusText(r.result.Err), r.result.GasUsed, r.receipt.GasUsed)
	pp := p.Profile()
	if err := writeProfile(pf.out, pp); err != nil {
		fmt.Fprintf(stderr, "%s: writing the profile: %v\n", cmd, err)
		return exitFailed
	}
	printTop(stdout, pp, pf.top, pf.out)
	if ok := r.result.Err == nil; r.result.GasUsed != r.receipt.GasUsed || ok != (r.receipt.Status == types.ReceiptStatusSuccessful) {
		fmt.Fprintf(stderr, "%s: the replay differs from the receipt (status %d, gas %d)\n", cmd, r.receipt.Status, r.receipt.GasUsed)
		return exitFailed
	}
	return exitOK
}

// replayed is a transaction replayed and its receipt.
type replayed struct {
	result  sim.CallResult
	receipt *types.Receipt
}

// replay runs the transaction hash at url as its block did, tracing it
// (and nothing before it) with p.
func replay(ctx context.Context, url, cacheDir string, hash common.Hash, rules blocks.Fork, backend runtime.Backend, p *prof.Profiler) (r *replayed, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, runtime.InternalError(x, "replaying the transaction")
		}
	}()
	client, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("the endpoint %s: %w", url, err)
	}
	defer client.Close()
	ec := ethclient.NewClient(client)
	receipt, err := ec.TransactionReceipt(ctx, hash)
	if err != nil {
		return nil, fmt.Errorf("the receipt of %s: %w", hash.Hex(), err)
	}
	block, err := ec.BlockByHash(ctx, receipt.BlockHash)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w", receipt.BlockNumber, err)
	}
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("the chain id: %w", err)
	}
	n, index := block.NumberU64(), int(receipt.TransactionIndex)
	if n == 0 || index >= len(block.Transactions()) || block.Transactions()[index].Hash() != hash {
		return nil, fmt.Errorf("block %d does not hold %s at index %d", n, hash.Hex(), index)
	}
	cache, err := fork.New(ctx, client, fork.Options{Block: n - 1, CacheDir: cacheDir, Endpoint: url})
	if err != nil {
		return nil, err
	}
	defer cache.Close()
	bctx, err := cache.BlockContextAt(ctx, runtime.ChainConfig(rules), n)
	if err != nil {
		return nil, err
	}
	signer := types.LatestSignerForChainID(chainID)
	calls := make([]sim.Call, index+1)
	for i, tx := range block.Transactions()[:index+1] {
		if calls[i], err = sim.CallOf(tx, signer); err != nil {
			return nil, err
		}
	}
	cfg := runtime.Config{Backend: backend, ChainID: chainID}
	var base vm.StateDB = cache.State(ctx)
	if index > 0 {
		before := sim.Bundle{Calls: calls[:index], Validation: true}
		if _, base, err = before.Run(ctx, base, bctx, rules, cfg); err != nil {
			return nil, fmt.Errorf("the block's transactions before it: %w", err)
		}
	}
	cfg.Tracer = p.Hooks()
	it := sim.Bundle{Calls: calls[index:], Validation: true}
	res, _, err := it.Run(ctx, base, bctx, rules, cfg)
	if err != nil {
		return nil, err
	}
	return &replayed{result: res[0], receipt: receipt}, nil
}
