package sim_test

import (
	"context"
	"encoding/json"
	"math/big"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// TestBundleCallTrace traces a bundle (a two-hop router swap, one that
// reverts on its bound, a token transfer, and a token creation) with
// go-ethereum's callTracer (logs included) and prestateTracer (diff mode)
// through Bundle.Tracer, and requires the traces go-ethereum's own EVM
// gives running the same bundle on the same fork with the same tracers;
// with geth --dev, each call traced alone also equals the node's
// debug_traceCall (planted: a callee's gas at entry off by one, or logs
// not told to the tracer, fail it).
func TestBundleCallTrace(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	ctx := context.Background()
	cache := openFork(t, c, 0)
	head, err := cache.Header(ctx, cache.Block())
	if err != nil {
		t.Fatal(err)
	}
	block, err := cache.BlockContext(ctx, devchain.Config())
	if err != nil {
		t.Fatal(err)
	}
	amount, path := devchain.Ether(1000), []common.Address{d.TokenA, d.TokenB, d.TokenC}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	huge := new(big.Int).Lsh(big.NewInt(1), 200)
	calls := []sim.Call{
		{From: c.Sender, To: &d.Router, Data: devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", amount, big.NewInt(1), path, c.Sender, deadline), Gas: 1_000_000},
		{From: c.Sender, To: &d.Router, Data: devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", amount, huge, path, c.Sender, deadline), Gas: 1_000_000},
		{From: c.Sender, To: &d.TokenB, Data: devchain.Pack(t, d.TokenABI, "transfer", common.HexToAddress("0xbeef"), devchain.Ether(3)), Gas: 100_000},
		{From: c.Sender, Data: common.FromHex("6020600c60003960206000f3"), Gas: 100_000},
	}
	for _, tr := range []struct{ name, config string }{
		{"callTracer", `{"withLog": true}`},
		{"prestateTracer", `{"diffMode": true}`},
	} {
		t.Run(tr.name, func(t *testing.T) {
			b := sim.Bundle{Calls: calls, Tracer: tr.name, TracerConfig: json.RawMessage(tr.config)}
			got, _, err := b.Run(ctx, cache.State(ctx), block, blocks.Latest, runtime.Config{})
			if err != nil {
				t.Fatal(err)
			}
			// go-ethereum's tracers see logs through its hooked StateDB:
			// its EVM runs on a StateDB holding what the fork read.
			want := gethTraces(t, &b, memoryState(t, cache.Alloc()), block)
			for i := range calls {
				sameJSON(t, "call "+itoa(i)+" vs go-ethereum", got[i].Trace, want[i])
			}
			if !c.Geth() {
				return // the in-process node serves no tracers
			}
			for i, call := range calls {
				alone := sim.Bundle{Calls: []sim.Call{call}, Tracer: tr.name, TracerConfig: json.RawMessage(tr.config)}
				res, _, err := alone.Run(ctx, cache.State(ctx), block, blocks.Latest, runtime.Config{})
				if err != nil {
					t.Fatal(err)
				}
				var node json.RawMessage
				arg := map[string]any{"from": call.From, "to": call.To, "input": hexutil.Bytes(call.Data), "gas": hexutil.Uint64(call.Gas)}
				opts := map[string]any{"tracer": tr.name, "tracerConfig": json.RawMessage(tr.config)}
				if err := c.Client.Client().CallContext(ctx, &node, "debug_traceCall", arg, hexutil.EncodeUint64(cache.Block()), opts); err != nil {
					t.Fatal(err)
				}
				sameJSON(t, "call "+itoa(i)+" alone vs the node", res[0].Trace, node)
			}
		})
	}
}

// gethTraces runs b on go-ethereum's EVM over st, as a block's calls
// without validation, tracing each with b's tracer through a hooked state.
func gethTraces(t *testing.T, b *sim.Bundle, st *state.StateDB, block vm.BlockContext) []json.RawMessage {
	t.Helper()
	block.BaseFee = new(big.Int)
	config := runtime.ChainConfig(blocks.Latest)
	gp := core.NewGasPool(block.GasLimit)
	var out []json.RawMessage
	for i, c := range b.Calls {
		tr, err := tracers.DefaultDirectory.New(b.Tracer, &tracers.Context{BlockNumber: block.BlockNumber, TxIndex: i}, b.TracerConfig, config)
		if err != nil {
			t.Fatal(err)
		}
		msg := &core.Message{From: c.From, To: c.To, Nonce: st.GetNonce(c.From), Value: new(uint256.Int), GasLimit: c.Gas,
			GasPrice: new(uint256.Int), GasFeeCap: new(uint256.Int), GasTipCap: new(uint256.Int), Data: c.Data}
		tx := types.NewTx(&types.LegacyTx{Nonce: msg.Nonce, To: c.To, Value: new(big.Int), Gas: c.Gas, GasPrice: new(big.Int), Data: c.Data})
		tr.OnTxStart(&tracing.VMContext{Coinbase: block.Coinbase, BlockNumber: block.BlockNumber, Time: block.Time,
			Random: block.Random, BaseFee: block.BaseFee, StateDB: st}, tx, c.From)
		st.SetTxContext(common.Hash{}, i, 0)
		evm := vm.NewEVM(block, state.NewHookedState(st, tr.Hooks), config, vm.Config{Tracer: tr.Hooks, NoBaseFee: true})
		res, err := core.ApplyMessage(evm, msg, gp)
		if err != nil {
			t.Fatalf("go-ethereum, call %d: %v", i, err)
		}
		if tr.OnTxEnd != nil {
			tr.OnTxEnd(&types.Receipt{GasUsed: res.UsedGas}, nil)
		}
		result, err := tr.GetResult()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, result)
		st.Finalise(config.Rules(block.BlockNumber, true, block.Time))
	}
	return out
}

// sameJSON requires two JSON documents to hold the same values.
func sameJSON(t *testing.T, what string, got, want json.RawMessage) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v: %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v: %s", what, err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\nhyvm %s\nwant %s", what, got, want)
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }
