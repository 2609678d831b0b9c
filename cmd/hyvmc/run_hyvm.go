package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/core/tracing"

	"github.com/hyvm/hyvm/hyvm"
)

// Modes of the run command: what CODE is.
const (
	modeHyVM = "hyvm" // a HyVM guest, run through a wallet's DELEGATECALL
	modeEVM  = "evm"  // contract code, run as go-ethereum's "evm run" does
)

// checkMode rejects a mode the run command does not know and the flag
// HyVM mode cannot honour: a guest's calldata is always empty.
func checkMode(mode, inputHex string) error {
	switch mode {
	case modeEVM:
		return nil
	case modeHyVM:
		if inputHex != "" {
			return errors.New("--input: a HyVM guest's calldata is empty; use --mode evm to pass call data")
		}
		return nil
	}
	return fmt.Errorf("--mode: unknown mode %q (want %s or %s)", mode, modeHyVM, modeEVM)
}

// executeGuest runs opts.code as a HyVM guest: the sender calls the
// receiver, a wallet without code of its own, sending the value; the wallet
// delegatecalls the Reference HyVM deployment with the guest as calldata and
// all the gas. The result is that HyVM frame's (depth 1): the guest sees
// ADDRESS = receiver, CALLER = ORIGIN = sender, CALLVALUE = value.
func executeGuest(opts *runOptions, traceOut io.Writer) *runResult {
	defer opts.close()
	block := runBlock(opts.gas)
	wallet := *opts
	wallet.code = nil
	st, err := newRunState(&wallet, &block)
	defer wallet.close()
	if err != nil {
		return &runResult{err: fmt.Errorf("creating the state: %w", err)}
	}
	if st.GetBalance(opts.sender).Lt(opts.value) { // a forked sender's own funds
		return &runResult{err: fmt.Errorf("the sender %v holds less than --value", opts.sender)}
	}
	st.SubBalance(opts.sender, opts.value, tracing.BalanceChangeTransfer)
	st.AddBalance(opts.receiver, opts.value, tracing.BalanceChangeTransfer)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)
	tracer := opts.tracer(traceOut)
	traceTxStart(tracer, &block, st, opts, opts.code)
	res, err := hyvm.Run(opts.context(), st, hyvm.Context{
		Fork:   opts.fork,
		Block:  block,
		Origin: opts.sender, Host: opts.receiver, Caller: opts.sender,
		Value: opts.value, Gas: opts.gas, Depth: 1, Tracer: tracer, Backend: opts.backend, GasPrice: opts.gasPrice(),
	}, opts.code)
	out := &runResult{err: err}
	if err == nil {
		out = &runResult{output: res.ReturnData, gasUsed: res.GasUsed, err: res.Err}
	}
	traceTxEnd(tracer, out)
	if opts.dump && err == nil {
		out.dump, out.err = dumpState(st, opts.fork, &block, out.err)
	}
	return out
}
