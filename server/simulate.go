package server

import (
	"context"
	"errors"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// SimulateV1 is eth_simulateV1: the request's blocks run one after the
// other on the forked state, after the forked block, and come back as the
// node builds them (sim.SimulateBlocks): headers, state roots (from
// eth_getProof witnesses, fork.Roots), transaction hashes and calls.
func (api *ethAPI) SimulateV1(ctx context.Context, req sim.SimulateRequest, block *rpc.BlockNumberOrHash) (out []map[string]any, err error) {
	s := api.s
	var gas uint64
	defer s.track("eth_simulateV1", &gas, &err)()
	parent, err := s.blockAt(block)
	if err != nil {
		return nil, err
	}
	bundles, err := req.Bundles(parent.GasLimit)
	if err != nil {
		return nil, err
	}
	defer contain(&err, "simulating")
	ctx, cancel := s.request(ctx)
	defer cancel()
	roots, err := s.fork.Roots(ctx)
	if err != nil {
		return nil, err
	}
	results, _, err := sim.SimulateBlocks(ctx, s.fork.State(ctx), s.header, parent.GetHash, s.chain, s.cfg.Fork,
		runtime.Config{ChainID: s.chain.ChainID, Cache: s.cache, Backend: s.cfg.Backend, AOT: s.cfg.AOT}, bundles, roots, s.cfg.GasCap)
	var refused *sim.Error
	if errors.As(err, &refused) {
		return nil, refused // the node's code and message, without the context
	}
	if err != nil {
		return nil, err
	}
	for k := range results {
		out = append(out, results[k].Simulated(req.ReturnFullTransactions))
		for _, c := range results[k].Calls {
			gas += c.GasUsed
		}
	}
	return out, nil
}
