package server

import (
	"context"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// SimulateV1 is eth_simulateV1: the request's blocks run one after the
// other on the forked state, after the forked block (sim.Simulate).
func (api *ethAPI) SimulateV1(ctx context.Context, req sim.SimulateRequest, block *rpc.BlockNumberOrHash) (out []sim.SimulatedBlock, err error) {
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
	results, _, err := sim.Simulate(ctx, s.fork.State(ctx), sim.Parent{Block: parent, GasUsed: s.header.GasUsed}, s.cfg.Fork,
		runtime.Config{ChainID: s.chain.ChainID, Cache: s.cache, Backend: s.cfg.Backend, AOT: s.cfg.AOT}, bundles)
	if err != nil {
		return nil, err
	}
	for k := range results {
		out = append(out, results[k].Simulated())
		for _, c := range results[k].Calls {
			gas += c.GasUsed
		}
	}
	return out, nil
}
