// Package fork reads Ethereum state as of one block from a JSON-RPC
// endpoint, on first use: the accounts, code and storage a simulation
// touches, never the whole state.
//
// A Cache holds what was fetched and is shared by every goroutine and
// simulation over the same endpoint and block: each account and slot is
// fetched once however many ask for it at once (the others wait for the
// first request), accounts with their code in one batched request
// (eth_getProof and eth_getCode). A State is a read-only vm.StateDB over a
// Cache, the backing of a hyvmstate.Overlay that keeps each simulation's
// writes to itself:
//
//	cache, err := fork.Dial(ctx, url, fork.Options{Block: 19_000_000})
//	st := hyvmstate.New(cache.State(ctx))
//	evm := runtime.NewEVM(block, st, blocks.Latest, runtime.Config{})
//
// vm.StateDB has no errors, so a State that cannot read (the endpoint
// fails after its retries, the context ends) panics with an *Error; hyvm's
// runtime and hyvm.Run turn that into an internal error and roll the run
// back, so nothing is half-applied.
package fork
