package sim_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvm/guest"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// BenchmarkForkedSimulation times simulations on a fork of a node on
// loopback: BenchmarkForkedSimulation/<work>/<state> with work an ERC-20
// transfer, a two-hop router swap or a HyVM payload (approve, swap, check)
// and state cold (a new fork for every run: every account and slot
// fetched), warm (one fork whose cache has seen the work) or memory (a
// go-ethereum StateDB holding a copy of what the fork read). Each run is
// a fresh simulation (an overlay over the state, dropped after it) with
// one shared translation cache.
func BenchmarkForkedSimulation(b *testing.B) {
	c := devchain.New(b)
	d := c.DeployDEX(b)
	ctx := context.Background()
	head, err := c.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	client, err := rpc.DialContext(ctx, c.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	open := func() *fork.Cache {
		cache, err := fork.New(ctx, client, fork.Options{Block: head.Number.Uint64()})
		if err != nil {
			b.Fatal(err)
		}
		return cache
	}
	pack := devchain.Pack
	amount, path := devchain.Ether(1000), []common.Address{d.TokenA, d.TokenB, d.TokenC}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	call := func(to common.Address, data []byte) func(context.Context, vm.StateDB, vm.BlockContext, *runtime.Cache) error {
		bundle := sim.Bundle{Calls: []sim.Call{{From: c.Sender, To: &to, Data: data, Gas: 1_000_000}}}
		return func(ctx context.Context, st vm.StateDB, block vm.BlockContext, tc *runtime.Cache) error {
			res, _, err := bundle.Run(ctx, st, block, blocks.Latest, runtime.Config{Cache: tc})
			if err == nil && res[0].Err != nil {
				err = res[0].Err
			}
			return err
		}
	}
	payload := new(guest.Builder).
		Call(d.TokenA, nil, pack(b, d.TokenABI, "approve", d.Router, amount)).
		Call(d.Router, nil, pack(b, d.RouterABI, "swapExactTokensForTokens", amount, big.NewInt(1), path, c.Sender, deadline)).
		StaticCall(d.TokenC, pack(b, d.TokenABI, "balanceOf", c.Sender)).
		RequireOutputAtLeast(uint256.NewInt(1)).
		ReturnOutput().Bytes()
	works := []struct {
		name string
		run  func(context.Context, vm.StateDB, vm.BlockContext, *runtime.Cache) error
	}{
		{"erc20-transfer", call(d.TokenA, pack(b, d.TokenABI, "transfer", common.HexToAddress("0xbeef"), devchain.Ether(1)))},
		{"router-swap", call(d.Router, pack(b, d.RouterABI, "swapExactTokensForTokens", amount, big.NewInt(1), path, c.Sender, deadline))},
		{"hyvm-payload", func(ctx context.Context, st vm.StateDB, block vm.BlockContext, tc *runtime.Cache) error {
			hc := hyvm.Context{Fork: blocks.Latest, ChainID: devchain.Config().ChainID, Block: block, Origin: c.Sender,
				GasPrice: new(uint256.Int), Host: c.Sender, Caller: c.Sender, Gas: 5_000_000, Cache: tc}
			hc.Block.BaseFee = new(big.Int)
			res, err := hyvm.Run(ctx, hyvmstate.New(st), hc, payload)
			if err == nil && res.Err != nil {
				err = res.Err
			}
			return err
		}},
	}
	for _, w := range works {
		warm := open()
		block, err := warm.BlockContext(ctx, devchain.Config())
		if err != nil {
			b.Fatal(err)
		}
		tc := runtime.NewCache(0)
		if err := w.run(ctx, warm.State(ctx), block, tc); err != nil {
			b.Fatalf("%s: %v", w.name, err)
		}
		mem := memoryState(b, warm.Alloc())
		for _, s := range []struct {
			name  string
			state func() vm.StateDB
		}{
			{"cold", func() vm.StateDB { return open().State(ctx) }},
			{"warm", func() vm.StateDB { return warm.State(ctx) }},
			{"memory", func() vm.StateDB { return mem }},
		} {
			b.Run(w.name+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := w.run(ctx, s.state(), block, tc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
