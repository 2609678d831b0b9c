package main

import (
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// newForkState returns the state of a run with --fork-url: an overlay over
// the chain's state at the fork's block, read as the run needs it, with
// CODE (if given) installed at the receiver and the access list warmed as
// for a transaction from sender to receiver; block becomes the fork's
// block, with the call's gas limit as eth_call caps it.
func newForkState(opts *runOptions, block *vm.BlockContext) (vm.StateDB, error) {
	ctx := opts.context()
	cache, err := fork.Dial(ctx, opts.forked.url, opts.forked.options)
	if err != nil {
		return nil, err
	}
	opts.closers = append(opts.closers, cache.Close)
	b, err := cache.BlockContext(ctx, runtime.ChainConfig(opts.fork))
	if err != nil {
		return nil, err
	}
	b.GasLimit = max(b.GasLimit, opts.gas)
	*block = b
	st := hyvmstate.New(cache.State(ctx))
	if len(opts.code) > 0 {
		st.SetCode(opts.receiver, opts.code, tracing.CodeChangeUnspecified)
	}
	for addr, code := range opts.accounts {
		st.SetCode(addr, code, tracing.CodeChangeUnspecified)
	}
	st.Prepare(runtime.Rules(opts.fork), opts.sender, block.Coinbase, &opts.receiver, runtime.Precompiles(opts.fork), nil)
	return st, nil
}
