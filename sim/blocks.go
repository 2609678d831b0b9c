package sim

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// blockInterval is the time eth_simulateV1 puts between simulated blocks
// whose time is not overridden.
const blockInterval = 12

// Simulate runs bundles as consecutive blocks on one overlay over base, as
// eth_simulateV1 runs its blockStateCalls after parent, the block the
// state is at: each block sees what the blocks before it did, starts with
// its own state overrides, and starts as SimulateBlocks starts it (one
// number higher and 12 seconds later unless overridden, no prevrandao,
// the base fee EIP-1559 sets after the block before with validation, else
// none; skipped numbers filled with empty blocks). Unlike SimulateBlocks
// it builds no blocks: no system calls, roots or hashes, so it needs no
// witness of the state (an empty state, a fork whose endpoint has no
// eth_getProof), and it refuses beacon-root and withdrawals overrides. It
// returns each block (the context it ran in and its calls' results) and
// the overlay with every block's effects.
func Simulate(ctx context.Context, base vm.StateDB, parent *types.Header, getHash vm.GetHashFunc, fork blocks.Fork, cfg runtime.Config, bundles []Bundle) ([]BlockResult, *hyvmstate.Overlay, error) {
	bundles, err := fillGaps(parent.Number.Uint64(), bundles)
	if err != nil {
		return nil, nil, err
	}
	chain := runtime.ChainConfig(fork)
	st := hyvmstate.New(base)
	out := make([]BlockResult, len(bundles))
	prev := parent
	for k := range bundles {
		b := bundles[k]
		if o := b.BlockOverrides; o != nil && (o.BeaconRoot != nil || o.Withdrawals != nil) {
			return nil, nil, fmt.Errorf("sim: block %d: beaconRoot and withdrawals need the blocks built (SimulateBlocks)", k)
		}
		header, block, err := startBlock(prev, &b, getHash, chain)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		res, _, err := b.runOn(ctx, st, block, fork, cfg, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		for _, r := range res {
			header.GasUsed += r.GasUsed
		}
		out[k], prev = BlockResult{Block: block, Calls: res}, header
	}
	return out, st, nil
}

// BlockResult is a simulated block: the context it ran in, its block
// overrides applied, and its calls' results.
type BlockResult struct {
	Block vm.BlockContext
	Calls []CallResult
}

// SimulatedBlock is a block of eth_simulateV1's result: its number and
// time and its calls. (A node's also carries the header it built, whose
// hashes and roots need the whole state's trie, which a fork does not
// have.)
type SimulatedBlock struct {
	Number    hexutil.Uint64  `json:"number"`
	Timestamp hexutil.Uint64  `json:"timestamp"`
	Calls     []SimulatedCall `json:"calls"`
}

// Simulated is r as eth_simulateV1 returns it.
func (r *BlockResult) Simulated() SimulatedBlock {
	b := SimulatedBlock{Number: hexutil.Uint64(r.Block.BlockNumber.Uint64()), Timestamp: hexutil.Uint64(r.Block.Time),
		Calls: make([]SimulatedCall, len(r.Calls))}
	for i := range r.Calls {
		b.Calls[i] = r.Calls[i].Simulated()
	}
	return b
}
