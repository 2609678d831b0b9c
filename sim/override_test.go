package sim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// TestStateOverride calls the token under state overrides (a stranger
// given ether, a nonce and tokens by a storage diff; a second token's code
// at a fresh address with its own storage diff) through hyvm on a fork and
// through the node's eth_call with the same overrides, requiring the same
// output, and the same output and gas from go-ethereum's EVM on the fork.
func TestStateOverride(t *testing.T) {
	c := devchain.New(t)
	ctx := context.Background()
	cache := openFork(t, c, c.Head.Number.Uint64())
	client := c.Client.Client()
	stranger := common.HexToAddress("0x5742a9e4")
	recipient := common.HexToAddress("0xbeef")
	clone := common.HexToAddress("0xc10e")
	code := cache.State(ctx).GetCode(c.Token)
	ether := hexutil.Big(*new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))
	nonce := hexutil.Uint64(7)
	overrides := sim.StateOverride{
		stranger: {Balance: &ether, Nonce: &nonce},
		c.Token:  {StateDiff: map[common.Hash]common.Hash{devchain.BalanceSlot(stranger): common.BigToHash(big.NewInt(777))}},
		clone: {Code: (*hexutil.Bytes)(&code), StateDiff: map[common.Hash]common.Hash{
			common.BigToHash(big.NewInt(2)): common.BigToHash(big.NewInt(31337)), // totalSupply
			devchain.BalanceSlot(stranger):  common.BigToHash(big.NewInt(5)),
		}},
	}
	// The token's whole storage replaced by one slot: the sender's tokens
	// are gone, the stranger has 9.
	replaced := sim.StateOverride{c.Token: {State: map[common.Hash]common.Hash{devchain.BalanceSlot(stranger): common.BigToHash(big.NewInt(9))}}}
	for _, tt := range []struct {
		name  string
		to    common.Address
		input []byte
		so    sim.StateOverride // nil: overrides
	}{
		{"overridden balance", c.Token, c.Pack(t, "balanceOf", stranger), nil},
		{"transfer of overridden tokens", c.Token, c.Pack(t, "transfer", recipient, big.NewInt(700)), nil},
		{"transfer above them", c.Token, c.Pack(t, "transfer", recipient, big.NewInt(778)), nil},
		{"cloned code and storage", clone, c.Pack(t, "totalSupply"), nil},
		{"transfer on the clone", clone, c.Pack(t, "transfer", recipient, big.NewInt(5)), nil},
		{"whole storage replaced: a slot not given", c.Token, c.Pack(t, "balanceOf", c.Sender), replaced},
		{"whole storage replaced: the slot given", c.Token, c.Pack(t, "balanceOf", stranger), replaced},
		{"whole storage replaced: a transfer", c.Token, c.Pack(t, "transfer", recipient, big.NewInt(9)), replaced},
		{"whole storage replaced: above the slot", c.Token, c.Pack(t, "transfer", recipient, big.NewInt(10)), replaced},
	} {
		t.Run(tt.name, func(t *testing.T) {
			overrides := overrides
			if tt.so != nil {
				overrides = tt.so
			}
			var node hexutil.Bytes
			call := map[string]any{"from": stranger, "to": tt.to, "data": hexutil.Bytes(tt.input), "gas": hexutil.Uint64(1_000_000)}
			nodeErr := client.CallContext(ctx, &node, "eth_call", call, hexutil.EncodeBig(c.Head.Number), overrides)
			var outs [2][]byte
			var gas [2]uint64
			var errs [2]error
			for i, geth := range []bool{false, true} {
				st := hyvmstate.New(cache.State(ctx))
				if _, err := overrides.Apply(st, blocks.Latest); err != nil {
					t.Fatal(err)
				}
				block, err := cache.BlockContext(ctx, runtime.ChainConfig(blocks.Latest))
				if err != nil {
					t.Fatal(err)
				}
				block.BaseFee = new(big.Int) // eth_call with a zero gas price
				rules := runtime.Rules(blocks.Latest)
				st.Prepare(rules, stranger, block.Coinbase, &tt.to, vm.ActivePrecompiles(rules), nil)
				var left uint64
				if geth {
					m := reference.New(block, st, runtime.ChainConfig(blocks.Latest), vm.Config{})
					outs[i], left, errs[i] = m.Call(ctx, stranger, tt.to, tt.input, 1_000_000, new(uint256.Int))
				} else {
					outs[i], left, errs[i] = runtime.NewEVM(block, st, blocks.Latest, runtime.Config{}).Call(ctx, stranger, tt.to, tt.input, 1_000_000, new(uint256.Int))
				}
				gas[i] = 1_000_000 - left
			}
			if string(outs[0]) != string(outs[1]) || gas[0] != gas[1] || (errs[0] == nil) != (errs[1] == nil) {
				t.Fatalf("hyvm %x gas %d %v; go-ethereum %x gas %d %v", outs[0], gas[0], errs[0], outs[1], gas[1], errs[1])
			}
			if (nodeErr == nil) != (errs[0] == nil) || (nodeErr == nil && string(node) != string(outs[0])) {
				t.Fatalf("hyvm %x, %v; the node's eth_call %x, %v", outs[0], errs[0], node, nodeErr)
			}
		})
	}
}

// TestStateOverrideRefused checks that overrides that contradict
// themselves, or move what is not a precompile or onto an overridden
// account, are errors that change nothing.
func TestStateOverrideRefused(t *testing.T) {
	a, b := common.HexToAddress("0xa0"), common.HexToAddress("0xb0") // not precompiles
	one := hexutil.Big(*big.NewInt(1))
	for _, so := range []sim.StateOverride{
		{a: {State: map[common.Hash]common.Hash{}, StateDiff: map[common.Hash]common.Hash{}}},
		{a: {MovePrecompileTo: &b}},
		{b: {Balance: &one}, a: {MovePrecompileTo: &b}},
		{b: {Balance: &one}, common.BytesToAddress([]byte{1}): {MovePrecompileTo: &b}},
	} {
		st := hyvmstate.New(runtime.NewMemoryState())
		_, err := so.Apply(st, blocks.Latest)
		if err == nil || st.GetBalance(b).Sign() != 0 {
			t.Fatalf("%v: error %v, balance of b %v", so, err, st.GetBalance(b))
		}
		t.Log(err)
	}
}

// TestBlockOverrides runs code that returns the block's number, time,
// coinbase, prevrandao, base fee, gas limit and blob base fee (installed by
// a code override) under block overrides, through hyvm on a fork and the
// node's eth_call with the same overrides, which must return the same.
func TestBlockOverrides(t *testing.T) {
	c := devchain.New(t)
	ctx := context.Background()
	cache := openFork(t, c, c.Head.Number.Uint64())
	client := c.Client.Client()
	// NUMBER, TIMESTAMP, COINBASE, PREVRANDAO, BASEFEE, GASLIMIT and
	// BLOBBASEFEE stored at 0, 32, ..., 192; RETURN(0, 224).
	code, _ := hexutil.Decode("0x435f52426020524160405244606052486080524560a0524a60c05260e05ff3")
	probe := common.HexToAddress("0x9809e")
	state := sim.StateOverride{probe: {Code: (*hexutil.Bytes)(&code)}}
	number, ts, limit := hexutil.Big(*big.NewInt(12345)), hexutil.Uint64(1_900_000_000), hexutil.Uint64(30_000_000)
	coinbase, randao := common.HexToAddress("0xc0ffee"), common.HexToHash("0x1234")
	baseFee, blobFee := hexutil.Big(*big.NewInt(7)), hexutil.Big(*big.NewInt(3))
	for _, tt := range []struct {
		name string
		o    *sim.BlockOverrides
	}{
		{"none", nil},
		{"every field", &sim.BlockOverrides{Number: &number, Time: &ts, GasLimit: &limit, FeeRecipient: &coinbase,
			PrevRandao: &randao, BaseFeePerGas: &baseFee, BlobBaseFee: &blobFee}},
		{"number and time", &sim.BlockOverrides{Number: &number, Time: &ts}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var node hexutil.Bytes
			call := map[string]any{"to": probe, "gas": hexutil.Uint64(1_000_000)}
			if err := client.CallContext(ctx, &node, "eth_call", call, hexutil.EncodeBig(c.Head.Number), state, tt.o); err != nil {
				t.Fatal(err)
			}
			st := hyvmstate.New(cache.State(ctx))
			if _, err := state.Apply(st, blocks.Latest); err != nil {
				t.Fatal(err)
			}
			block, err := cache.BlockContext(ctx, runtime.ChainConfig(blocks.Latest))
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.o.Apply(&block); err != nil {
				t.Fatal(err)
			}
			block.BaseFee = new(big.Int) // eth_call with no gas price
			out, _, err := runtime.NewEVM(block, st, blocks.Latest, runtime.Config{}).Call(ctx, common.Address{}, probe, nil, 1_000_000, new(uint256.Int))
			if err != nil || string(out) != string(node) {
				t.Fatalf("hyvm %x, %v\nnode %x", out, err, []byte(node))
			}
		})
	}
}

// TestBundleMatchesSimulateV1 runs a bundle (a stranger given tokens by
// an override transfers some to a recipient, who sends part back, then a
// failing transfer, then a balance check) through Bundle.Run on a fork
// and through the node's eth_simulateV1 (one block, no validation, the
// same overrides), requiring the same status, return data, gas used and
// logs for every call.
func TestBundleMatchesSimulateV1(t *testing.T) {
	c := devchain.New(t)
	ctx := context.Background()
	cache := openFork(t, c, c.Head.Number.Uint64())
	stranger, recipient := common.HexToAddress("0x5742a9e4"), common.HexToAddress("0xbeef")
	number := hexutil.Big(*new(big.Int).Add(c.Head.Number, big.NewInt(1)))
	ts, limit := hexutil.Uint64(c.Head.Time+12), hexutil.Uint64(c.Head.GasLimit)
	randao, zero := common.HexToHash("0x77"), hexutil.Big{}
	b := sim.Bundle{
		StateOverrides: sim.StateOverride{c.Token: {StateDiff: map[common.Hash]common.Hash{devchain.BalanceSlot(stranger): common.BigToHash(big.NewInt(777))}}},
		BlockOverrides: &sim.BlockOverrides{Number: &number, Time: &ts, GasLimit: &limit, FeeRecipient: &c.Head.Coinbase, PrevRandao: &randao, BaseFeePerGas: &zero},
		Calls: []sim.Call{
			{From: stranger, To: &c.Token, Data: c.Pack(t, "transfer", recipient, big.NewInt(700)), Gas: 200_000},
			{From: recipient, To: &c.Token, Data: c.Pack(t, "transfer", stranger, big.NewInt(100)), Gas: 200_000},
			{From: stranger, To: &c.Token, Data: c.Pack(t, "transfer", recipient, big.NewInt(10_000)), Gas: 200_000},
			{From: stranger, To: &c.Token, Data: c.Pack(t, "balanceOf", recipient), Gas: 200_000},
		},
	}
	block, err := cache.BlockContext(ctx, runtime.ChainConfig(blocks.Latest))
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := b.Run(ctx, cache.State(ctx), block, blocks.Latest, runtime.Config{})
	if err != nil {
		t.Fatal(err)
	}
	sameAsNode(t, [][]sim.CallResult{got}, nodeSimulate(t, c, []sim.Bundle{b}, false))
	// And the gas of go-ethereum's own transaction processing.
	for i, w := range gethBundle(t, ctx, &b, cache, block) {
		if g := got[i]; w.UsedGas != g.GasUsed || (w.Err == nil) != (g.Err == nil) || string(w.ReturnData) != string(g.ReturnData) {
			t.Errorf("call %d: hyvm gas %d, %v, %x; go-ethereum gas %d, %v, %x", i, g.GasUsed, g.Err, g.ReturnData, w.UsedGas, w.Err, w.ReturnData)
		}
	}
}

// gethBundle runs b as go-ethereum processes a block's transactions
// (core.ApplyMessage, Finalise after each) on an overlay of the fork.
func gethBundle(t *testing.T, ctx context.Context, b *sim.Bundle, cache *fork.Cache, block vm.BlockContext) []*core.ExecutionResult {
	st := hyvmstate.New(cache.State(ctx))
	if _, err := b.StateOverrides.Apply(st, blocks.Latest); err != nil {
		t.Fatal(err)
	}
	block.BaseFee = new(big.Int)
	if err := b.BlockOverrides.Apply(&block); err != nil {
		t.Fatal(err)
	}
	config := runtime.ChainConfig(blocks.Latest)
	evm := vm.NewEVM(block, st, config, vm.Config{NoBaseFee: true})
	gp := core.NewGasPool(block.GasLimit)
	var out []*core.ExecutionResult
	for i, c := range b.Calls {
		msg := &core.Message{From: c.From, To: c.To, Nonce: st.GetNonce(c.From), Value: new(uint256.Int), GasLimit: c.Gas,
			GasPrice: new(uint256.Int), GasFeeCap: new(uint256.Int), GasTipCap: new(uint256.Int), Data: c.Data}
		st.SetTxContext(common.Hash{}, i, 0)
		res, err := core.ApplyMessage(evm, msg, gp)
		if err != nil {
			t.Fatalf("go-ethereum, call %d: %v", i, err)
		}
		out = append(out, res)
		st.Finalise(config.Rules(block.BlockNumber, true, block.Time))
	}
	return out
}

func logFields(logs []*types.Log) []string {
	var out []string
	for _, l := range logs {
		out = append(out, fmt.Sprintf("%v %v %x", l.Address, l.Topics, l.Data))
	}
	return out
}

// TestCallArgsRefuseUnsupported checks that a call giving a blob
// transaction's fields is refused, not run without them, and so is a
// set-code call that would create.
func TestCallArgsRefuseUnsupported(t *testing.T) {
	for _, raw := range []string{
		`{"from":"0x00000000000000000000000000000000000000aa","blobVersionedHashes":["0x0100000000000000000000000000000000000000000000000000000000000000"]}`,
		`{"from":"0x00000000000000000000000000000000000000aa","authorizationList":[{"chainId":"0x1","address":"0x00000000000000000000000000000000000000bb","nonce":"0x0","yParity":"0x0","r":"0x1","s":"0x1"}]}`,
	} {
		var a sim.CallArgs
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Call(100_000); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
}
