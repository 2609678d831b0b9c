package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvm/guest"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
)

// TestHyVMPayloadOnFork runs DeFi payloads through HyVM in the sender's
// account (a wallet) on a fork of the node, then again on an in-memory
// state holding a copy of exactly the accounts and slots the fork read
// (fork.Cache.Alloc): status, output, gas, logs and state diff must be
// the same. The payloads approve the router and swap A for C through two
// pairs, then check the C received; and pay tokens to 8 payees.
func TestHyVMPayloadOnFork(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	ctx := context.Background()
	head, err := c.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pack := devchain.Pack
	amount, path := devchain.Ether(1000), []common.Address{d.TokenA, d.TokenB, d.TokenC}
	swap := new(guest.Builder).
		Call(d.TokenA, nil, pack(t, d.TokenABI, "approve", d.Router, amount)).
		Call(d.Router, nil, pack(t, d.RouterABI, "swapExactTokensForTokens", amount, big.NewInt(1), path, c.Sender, new(big.Int).SetUint64(head.Time+3600))).
		StaticCall(d.TokenC, pack(t, d.TokenABI, "balanceOf", c.Sender)).
		RequireOutputAtLeast(uint256.NewInt(1)).
		ReturnOutput().Bytes()
	batch := new(guest.Builder)
	for i := range 8 {
		batch.Call(d.TokenB, nil, pack(t, d.TokenABI, "transfer", common.BigToAddress(big.NewInt(0x1000+int64(i))), devchain.Ether(int64(i+1))))
	}
	batch.StaticCall(d.TokenB, pack(t, d.TokenABI, "balanceOf", c.Sender)).ReturnOutput()
	for _, p := range []struct {
		name  string
		guest []byte
	}{{"approve, swap, check", swap}, {"batch of transfers", batch.Bytes()}} {
		t.Run(p.name, func(t *testing.T) {
			cache := openFork(t, c, head.Number.Uint64())
			block, err := cache.BlockContext(ctx, devchain.Config())
			if err != nil {
				t.Fatal(err)
			}
			hc := hyvm.Context{Fork: blocks.Latest, ChainID: devchain.Config().ChainID, Block: block, Origin: c.Sender,
				GasPrice: new(uint256.Int), Host: c.Sender, Caller: c.Sender, Gas: 5_000_000, StateDiff: true}
			hc.Block.BaseFee = new(big.Int)
			onFork, err := hyvm.Run(ctx, hyvmstate.New(cache.State(ctx)), hc, p.guest)
			if err != nil {
				t.Fatal(err)
			}
			if !onFork.Success {
				t.Fatalf("the payload failed on the fork: %v %x", onFork.Err, onFork.ReturnData)
			}
			alloc := cache.Alloc()
			mem := memoryState(t, alloc)
			inMemory, err := hyvm.Run(ctx, mem, hc, p.guest)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := describeRun(onFork), describeRun(inMemory); a != b {
				t.Errorf("on the fork:\n%s\nin memory:\n%s", a, b)
			}
			t.Logf("%d accounts copied; gas %d, %d logs, %d accounts changed", len(alloc), onFork.GasUsed, len(onFork.Logs), len(onFork.StateDiff))
		})
	}
}

// memoryState is runtime.NewPreState, failing t on error.
func memoryState(t testing.TB, alloc types.GenesisAlloc) *state.StateDB {
	t.Helper()
	st, err := runtime.NewPreState(alloc)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// describeRun prints what a run did, in a fixed order.
func describeRun(r *hyvm.Result) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "success %v, err %v, gas %d, output %x\n", r.Success, r.Err, r.GasUsed, r.ReturnData)
	for _, l := range logFields(r.Logs) {
		fmt.Fprintln(&b, "log", l)
	}
	for _, addr := range r.StateDiff.Addresses() {
		a := r.StateDiff[addr]
		fmt.Fprintf(&b, "%v created %v deleted %v", addr, a.Created, a.Deleted)
		if a.Balance != nil {
			fmt.Fprintf(&b, " balance %v->%v", &a.Balance.Pre, &a.Balance.Post)
		}
		if a.Nonce != nil {
			fmt.Fprintf(&b, " nonce %d->%d", a.Nonce.Pre, a.Nonce.Post)
		}
		keys := make([]common.Hash, 0, len(a.Storage))
		for k := range a.Storage {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, common.Hash.Cmp)
		for _, k := range keys {
			fmt.Fprintf(&b, " %x: %x->%x", k, a.Storage[k].Pre, a.Storage[k].Post)
		}
		b.WriteString("\n")
	}
	return b.String()
}
