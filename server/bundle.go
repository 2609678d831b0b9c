package server

import (
	"context"
	"fmt"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// CallBundle is eth_callBundle in Flashbots' shape (sim.CallBundle): signed
// transactions run in order in the block after the forked one, each
// checked as a block's transaction is; per transaction and for the bundle,
// gas, fees and what the coinbase gained. stateBlockNumber must name the
// forked block ("latest" or its number), if given.
func (api *ethAPI) CallBundle(ctx context.Context, args sim.CallBundleArgs) (res *sim.CallBundleResult, err error) {
	s := api.s
	var gas uint64
	defer s.track("eth_callBundle", &gas, &err)()
	switch args.StateBlockNumber {
	case "", "latest", "pending":
	default:
		if n, err := parseQuantity(args.StateBlockNumber); err != nil || n != s.header.Number.Uint64() {
			return nil, fmt.Errorf("hyvm serves the state of block %d only, not %q", s.header.Number, args.StateBlockNumber)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, runtime.InternalError(r, "running a bundle")
		}
	}()
	ctx, cancel := s.request(ctx)
	defer cancel()
	res, _, err = sim.CallBundle(ctx, s.fork.State(ctx), s.header, s.block.GetHash, s.chain, s.cfg.Fork,
		runtime.Config{ChainID: s.chain.ChainID, Cache: s.cache, Backend: s.cfg.Backend, AOT: s.cfg.AOT}, &args)
	if res != nil {
		gas = res.TotalGasUsed
	}
	return res, err
}
