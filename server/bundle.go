package server

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ethereum/go-ethereum/rpc"

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
	if args.StateBlockNumber != "" {
		var n rpc.BlockNumber // "latest", a tag or a number, as the node reads it
		if err := n.UnmarshalJSON([]byte(strconv.Quote(args.StateBlockNumber))); err != nil {
			return nil, fmt.Errorf("stateBlockNumber %q: %w", args.StateBlockNumber, err)
		}
		if _, err := s.blockAt(&rpc.BlockNumberOrHash{BlockNumber: &n}); err != nil {
			return nil, err
		}
	}
	defer contain(&err, "running a bundle")
	ctx, cancel := s.request(ctx)
	defer cancel()
	res, _, err = sim.CallBundle(ctx, s.fork.State(ctx), s.header, s.block.GetHash, s.chain, s.cfg.Fork,
		runtime.Config{ChainID: s.chain.ChainID, Cache: s.cache, Backend: s.cfg.Backend, AOT: s.cfg.AOT}, &args)
	if res != nil {
		gas = res.TotalGasUsed
	}
	return res, err
}
