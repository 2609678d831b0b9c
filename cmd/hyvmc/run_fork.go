package main

import (
	"math/big"

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
// block as eth_call runs in it with a zero gas price (base fee 0). A read
// the endpoint cannot answer is an error, not a panic.
func newForkState(opts *runOptions, block *vm.BlockContext) (st vm.StateDB, err error) {
	defer func() {
		if r := recover(); r != nil {
			st, err = nil, runtime.InternalError(r, "reading the forked state")
		}
	}()
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
	b.BaseFee = new(big.Int)
	*block = b
	overlay := hyvmstate.New(cache.State(ctx))
	if len(opts.code) > 0 && !opts.create { // initcode runs as a creation, installed nowhere
		overlay.SetCode(opts.receiver, opts.code, tracing.CodeChangeUnspecified)
	}
	for addr, code := range opts.accounts {
		overlay.SetCode(addr, code, tracing.CodeChangeUnspecified)
	}
	overlay.Prepare(runtime.Rules(opts.fork), opts.sender, block.Coinbase, &opts.receiver, runtime.Precompiles(opts.fork), nil)
	// Read now what the run's set-up reads (the sender's funds, the
	// receiver), so that a failing endpoint fails here.
	overlay.GetBalance(opts.sender)
	overlay.GetCode(opts.receiver)
	return overlay, nil
}
