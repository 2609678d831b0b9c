package server

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// simulatedBlock is a block of eth_simulateV1's result: its number and
// time and its calls' results. (A node's also carries the header it
// built, whose hashes and roots need the whole state's trie, which a fork
// does not have.)
type simulatedBlock struct {
	Number    hexutil.Uint64      `json:"number"`
	Timestamp hexutil.Uint64      `json:"timestamp"`
	Calls     []sim.SimulatedCall `json:"calls"`
}

// SimulateV1 is eth_simulateV1: the request's blocks run one after the
// other on the forked state, after the forked block (sim.Simulate).
func (api *ethAPI) SimulateV1(ctx context.Context, req sim.SimulateRequest, block *rpc.BlockNumberOrHash) (out []simulatedBlock, err error) {
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
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, runtime.InternalError(r, "simulating")
		}
	}()
	ctx, cancel := s.request(ctx)
	defer cancel()
	results, _, err := sim.Simulate(ctx, s.fork.State(ctx), sim.Parent{Block: parent, GasUsed: s.header.GasUsed}, s.cfg.Fork,
		runtime.Config{ChainID: s.chain.ChainID, Cache: s.cache, Backend: s.cfg.Backend, AOT: s.cfg.AOT}, bundles)
	if err != nil {
		return nil, err
	}
	number, time := parent.BlockNumber.Uint64(), parent.Time
	for k, calls := range results {
		number, time = number+1, time+12
		if o := bundles[k].BlockOverrides; o != nil {
			if o.Number != nil {
				number = (*big.Int)(o.Number).Uint64()
			}
			if o.Time != nil {
				time = uint64(*o.Time)
			}
		}
		b := simulatedBlock{Number: hexutil.Uint64(number), Timestamp: hexutil.Uint64(time), Calls: make([]sim.SimulatedCall, len(calls))}
		for i := range calls {
			b.Calls[i] = calls[i].Simulated()
			gas += calls[i].GasUsed
		}
		out = append(out, b)
	}
	return out, nil
}
