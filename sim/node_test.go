package sim_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// openFork opens a fork of c at block number (0: the latest), closed when
// t ends.
func openFork(t testing.TB, c *devchain.Chain, number uint64) *fork.Cache {
	t.Helper()
	cache, err := fork.Dial(context.Background(), c.URL, fork.Options{Block: number})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	return cache
}

// nodeSimulate sends bundles, one a block, to the node's eth_simulateV1
// after c's head block, and returns its calls' results by block.
func nodeSimulate(t *testing.T, c *devchain.Chain, bundles []sim.Bundle, validation bool) [][]sim.SimulatedCall {
	t.Helper()
	var node []struct{ Calls []sim.SimulatedCall }
	if err := c.Client.Client().CallContext(context.Background(), &node, "eth_simulateV1", sim.RequestOf(bundles, validation), hexutil.EncodeBig(c.Head.Number)); err != nil {
		t.Fatal(err)
	}
	out := make([][]sim.SimulatedCall, len(node))
	for k := range node {
		out[k] = node[k].Calls
	}
	return out
}

// sameAsNode requires every call of got to have the node's status, return
// or revert data, gas used and logs.
func sameAsNode(t *testing.T, got [][]sim.CallResult, node [][]sim.SimulatedCall) {
	t.Helper()
	if len(got) != len(node) {
		t.Fatalf("%d blocks from hyvm, %d from the node", len(got), len(node))
	}
	describe := func(c sim.SimulatedCall) string {
		revert := hexutil.Bytes(nil)
		if c.Error != nil && c.Error.Data != nil {
			revert = *c.Error.Data
		}
		return fmt.Sprintf("status %d, return %x, revert %x, gas %d, logs %v", c.Status, []byte(c.ReturnData), []byte(revert), c.GasUsed, logFields(c.Logs))
	}
	for k := range node {
		if len(got[k]) != len(node[k]) {
			t.Fatalf("block %d: %d calls from hyvm, %d from the node", k, len(got[k]), len(node[k]))
		}
		for i := range node[k] {
			if a, b := describe(got[k][i].Simulated()), describe(node[k][i]); a != b {
				t.Errorf("block %d call %d:\nhyvm %s (%v)\nnode %s", k, i, a, got[k][i].Err, b)
			}
		}
	}
}

// simulateLikeNode runs bundles through sim.Simulate on cache, the fork at
// c's head, and requires the node's eth_simulateV1 results; it returns
// hyvm's.
func simulateLikeNode(t *testing.T, c *devchain.Chain, cache *fork.Cache, bundles []sim.Bundle, validation bool) [][]sim.CallResult {
	t.Helper()
	ctx := context.Background()
	parent, err := cache.BlockContext(ctx, devchain.Config())
	if err != nil {
		t.Fatal(err)
	}
	for i := range bundles {
		bundles[i].Validation = validation
	}
	ran, _, err := sim.Simulate(ctx, cache.State(ctx), c.Head, parent.GetHash, blocks.Latest, runtime.Config{}, bundles)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]sim.CallResult, len(ran))
	for k := range ran {
		got[k] = ran[k].Calls
	}
	sameAsNode(t, got, nodeSimulate(t, c, bundles, validation))
	return got
}
