package sim_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// TestReplayBlockRoots replays every block of a node's chain on a fork of
// the block before it — the system calls, the transactions (deployments,
// token transfers, router swaps, an approval set to zero, a storage trie collapsing), the system
// calls after — and requires the state root fork.Roots computes from
// eth_getProof witnesses to be the root in the node's own header, and each
// transaction's gas to be its receipt's.
func TestReplayBlockRoots(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	ctx := context.Background()
	head, err := c.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh := common.HexToAddress("0xf2e5")
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	c.TransactAll(t,
		devchain.TxArgs{To: &d.TokenA, Data: devchain.Pack(t, d.TokenABI, "transfer", fresh, devchain.Ether(5)), Gas: 200_000},
		devchain.TxArgs{To: &d.Router, Data: devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, deadline), Gas: 1_000_000},
		devchain.TxArgs{To: &d.TokenA, Data: devchain.Pack(t, d.TokenABI, "approve", d.Router, big.NewInt(0)), Gas: 200_000},
	)
	// A contract with two storage slots, then a call clearing one: the
	// storage trie's branch collapses onto the other slot's leaf, which
	// no proof of a touched slot holds (fork.Roots searches for it).
	_, created := c.TransactAll(t, devchain.TxArgs{Data: common.FromHex("0x600160005560016001556006601660003960066000f3600060005500"), Gas: 200_000})
	twoSlots := created[0].ContractAddress
	c.TransactAll(t, devchain.TxArgs{To: &twoSlots, Gas: 100_000})
	last, err := c.Client.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	chain := devchain.Config()
	txs, searches := 0, 0
	for n := uint64(2); n <= last; n++ { // a fork names the latest block by 0, not the genesis
		block, err := c.Client.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		cache := openFork(t, c, n-1)
		bctx, err := cache.BlockContextAt(ctx, chain, n)
		if err != nil {
			t.Fatal(err)
		}
		roots, err := cache.Roots(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r, err := sim.ReplayBlock(ctx, cache.State(ctx), bctx, block, chain, blocks.Latest, runtime.Config{ChainID: chain.ChainID}, roots)
		if err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
		searches += roots.Searches()
		if r.Root != block.Root() {
			t.Errorf("block %d (%d transactions): state root %x, the node's %x", n, len(block.Transactions()), r.Root, block.Root())
		}
		for i, tx := range block.Transactions() {
			receipt, err := c.Client.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				t.Fatal(err)
			}
			if r.Calls[i].GasUsed != receipt.GasUsed {
				t.Errorf("block %d transaction %d: gas %d, the receipt's %d", n, i, r.Calls[i].GasUsed, receipt.GasUsed)
			}
			txs++
		}
	}
	if txs < 10 || searches == 0 {
		t.Fatalf("only %d transactions replayed, %d trie nodes searched for", txs, searches)
	}
	t.Logf("%d blocks, %d transactions: every state root the node's (%d trie nodes found by search)", last, txs, searches)
}
