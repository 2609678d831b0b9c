package sim_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// TestReplayMatchesReceipts mines an ERC-20 transfer, a direct pair swap
// (tokens paid in, then the pair's swap), a router swap through two pairs
// and a router swap that reverts on its slippage bound, one transaction
// per block, then replays each on a fork at its parent block in its own
// block's context through Bundle.Run with validation (nonce and fees
// checked and paid). The receipt's status, gas used and logs must be
// hyvm's, and the call's StateDiff the node's state: every balance, nonce
// and slot it names is what eth_getBalance, eth_getTransactionCount and
// eth_getStorageAt give at the parent block (before) and at the block
// (after), the sender's fee and the coinbase's tip included.
func TestReplayMatchesReceipts(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	ctx := context.Background()
	pack := func(a abi.ABI, method string, args ...any) []byte { return devchain.Pack(t, a, method, args...) }
	quote := func(amount *big.Int, path ...common.Address) []*big.Int {
		out, err := c.Client.CallContract(ctx, ethereum.CallMsg{To: &d.Router, Data: pack(d.RouterABI, "getAmountsOut", amount, path)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.RouterABI.Unpack("getAmountsOut", out)
		if err != nil {
			t.Fatal(err)
		}
		return v[0].([]*big.Int)
	}
	head, err := c.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	amountIn, path := devchain.Ether(1000), []common.Address{d.TokenA, d.TokenB, d.TokenC}
	steps := []struct {
		name string
		to   common.Address
		data func() []byte // made once the steps before are mined
		gas  uint64
		ok   bool
	}{
		{"transfer", d.TokenA, func() []byte {
			return pack(d.TokenABI, "transfer", common.HexToAddress("0x5742a9e4"), devchain.Ether(5))
		}, 100_000, true},
		{"pay into the pair", d.TokenA, func() []byte { return pack(d.TokenABI, "transfer", d.PairAB, amountIn) }, 100_000, true},
		{"pair swap", d.PairAB, func() []byte {
			// The pair was paid amountIn of A above its reserve: quote it.
			out := quote(amountIn, d.TokenA, d.TokenB)[1]
			out0, out1 := new(big.Int), out
			if d.TokenB.Cmp(d.TokenA) < 0 { // B is token0
				out0, out1 = out1, out0
			}
			return pack(d.PairABI, "swap", out0, out1, c.Sender, []byte{})
		}, 300_000, true},
		{"router swap", d.Router, func() []byte {
			minOut := new(big.Int).Mul(quote(amountIn, path...)[2], big.NewInt(995))
			return pack(d.RouterABI, "swapExactTokensForTokens", amountIn, minOut.Div(minOut, big.NewInt(1000)), path, c.Sender, deadline)
		}, 500_000, true},
		{"router swap under its bound", d.Router, func() []byte {
			minOut := new(big.Int).Mul(quote(amountIn, path...)[2], big.NewInt(2))
			return pack(d.RouterABI, "swapExactTokensForTokens", amountIn, minOut, path, c.Sender, deadline)
		}, 500_000, false},
	}
	signer := c.Signer(t)
	for _, step := range steps {
		tx, receipt := c.Transact(t, &step.to, step.data(), step.gas)
		if (receipt.Status == types.ReceiptStatusSuccessful) != step.ok {
			t.Fatalf("%s: mined with status %d", step.name, receipt.Status)
		}
		n := receipt.BlockNumber.Uint64()
		t.Run(step.name, func(t *testing.T) {
			cache := openFork(t, c, n-1)
			block, err := cache.BlockContextAt(ctx, devchain.Config(), n)
			if err != nil {
				t.Fatal(err)
			}
			call, err := sim.CallOf(tx, signer)
			if err != nil {
				t.Fatal(err)
			}
			b := sim.Bundle{Calls: []sim.Call{call}, Validation: true, StateDiff: true}
			res, _, err := b.Run(ctx, cache.State(ctx), block, blocks.Latest, runtime.Config{})
			if err != nil {
				t.Fatal(err)
			}
			got := res[0]
			if (got.Err == nil) != step.ok || got.GasUsed != receipt.GasUsed || fmt.Sprint(logFields(got.Logs)) != fmt.Sprint(logFields(receipt.Logs)) {
				t.Errorf("hyvm: error %v, gas %d, logs %v; receipt: status %d, gas %d, logs %v",
					got.Err, got.GasUsed, logFields(got.Logs), receipt.Status, receipt.GasUsed, logFields(receipt.Logs))
			}
			checkDiffAgainstNode(t, c, got.StateDiff, n, block.Coinbase)
			checkDiffComplete(t, c, got.StateDiff, tx.Hash())
		})
	}
}

// checkDiffAgainstNode requires every value diff names to be the node's
// at the parent of block n (before) and at n (after), and diff to name the
// sender's nonce and the coinbase's tip at least.
func checkDiffAgainstNode(t *testing.T, c *devchain.Chain, diff hyvmstate.StateDiff, n uint64, coinbase common.Address) {
	t.Helper()
	ctx := context.Background()
	at := func(k uint64) *big.Int { return new(big.Int).SetUint64(k) }
	if s := diff[c.Sender]; s == nil || s.Nonce == nil || s.Balance == nil {
		t.Errorf("the diff does not name the sender's nonce and fee: %+v", s)
	}
	if cb := diff[coinbase]; cb == nil || cb.Balance == nil {
		t.Errorf("the diff does not name the coinbase's tip")
	}
	slots := 0
	for _, addr := range diff.Addresses() {
		a := diff[addr]
		if a.Balance != nil {
			for k, want := range map[uint64]*big.Int{n - 1: a.Balance.Pre.ToBig(), n: a.Balance.Post.ToBig()} {
				if have, err := c.Client.BalanceAt(ctx, addr, at(k)); err != nil || have.Cmp(want) != 0 {
					t.Errorf("%v's balance at %d: node %v (%v), hyvm %v", addr, k, have, err, want)
				}
			}
		}
		if a.Nonce != nil {
			for k, want := range map[uint64]uint64{n - 1: a.Nonce.Pre, n: a.Nonce.Post} {
				if have, err := c.Client.NonceAt(ctx, addr, at(k)); err != nil || have != want {
					t.Errorf("%v's nonce at %d: node %d (%v), hyvm %d", addr, k, have, err, want)
				}
			}
		}
		for key, ch := range a.Storage {
			slots++
			for k, want := range map[uint64]common.Hash{n - 1: ch.Pre, n: ch.Post} {
				if have, err := c.Client.StorageAt(ctx, addr, key, at(k)); err != nil || common.BytesToHash(have) != want {
					t.Errorf("%v's slot %v at %d: node %x (%v), hyvm %v", addr, key, k, have, err, want)
				}
			}
		}
	}
	t.Logf("%d accounts, %d slots changed, all as the node has them", len(diff), slots)
}

// checkDiffComplete requires diff to name every account and slot the
// transaction changed, as the node's prestateTracer in diff mode lists
// them. Only geth --dev serves debug_traceTransaction (go-ethereum's
// in-process node registers no tracers); CI runs the tests against it.
func checkDiffComplete(t *testing.T, c *devchain.Chain, diff hyvmstate.StateDiff, hash common.Hash) {
	t.Helper()
	type account struct {
		Storage map[common.Hash]common.Hash `json:"storage"`
	}
	var trace struct{ Pre, Post map[common.Address]account }
	cfg := map[string]any{"tracer": "prestateTracer", "tracerConfig": map[string]any{"diffMode": true}}
	if err := c.Client.Client().CallContext(context.Background(), &trace, "debug_traceTransaction", hash, cfg); err != nil {
		if !c.Geth() {
			t.Logf("completeness not checked: the in-process node has no tracers (%v)", err)
			return
		}
		t.Fatal(err)
	}
	node := map[string]bool{}
	for _, side := range []map[common.Address]account{trace.Pre, trace.Post} {
		for addr, a := range side {
			node[addr.Hex()] = true
			for k := range a.Storage {
				node[addr.Hex()+" "+k.Hex()] = true
			}
		}
	}
	ours := map[string]bool{}
	for addr, a := range diff {
		ours[addr.Hex()] = true
		for k := range a.Storage {
			ours[addr.Hex()+" "+k.Hex()] = true
		}
	}
	for k := range node {
		if !ours[k] {
			t.Errorf("the node changed %s; hyvm's diff does not name it", k)
		}
	}
	for k := range ours {
		if !node[k] {
			t.Errorf("hyvm's diff names %s; the node did not change it", k)
		}
	}
}
