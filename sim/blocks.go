package sim

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// blockInterval is the time eth_simulateV1 puts between simulated blocks
// whose time is not overridden.
const blockInterval = 12

// Parent is the block simulated blocks follow: its context and the gas it
// used, from which validation sets the next base fee (EIP-1559).
type Parent struct {
	Block   vm.BlockContext
	GasUsed uint64
}

// Simulate runs bundles as consecutive blocks on one overlay over base, as
// eth_simulateV1 runs its blockStateCalls after the block the state is at
// (parent): each block sees what the blocks before it did and starts with
// its own state overrides, and unless its block overrides say otherwise it
// follows the block before it, one number higher and 12 seconds later,
// with the base fee EIP-1559 sets after it (validation) or none. It
// returns each block (the context it ran in and its calls' results) and
// the overlay with every block's effects.
func Simulate(ctx context.Context, base vm.StateDB, parent Parent, fork blocks.Fork, cfg runtime.Config, bundles []Bundle) ([]BlockResult, *hyvmstate.Overlay, error) {
	st := hyvmstate.New(base)
	prev := parent
	out := make([]BlockResult, len(bundles))
	for k := range bundles {
		block := prev.Block
		block.BlockNumber = new(big.Int).Add(prev.Block.BlockNumber, big.NewInt(1))
		block.Time = prev.Block.Time + blockInterval
		if block.Random != nil {
			block.Random = new(common.Hash) // the node's simulated blocks have no prevrandao unless overridden
		}
		if bundles[k].Validation && prev.Block.BaseFee != nil {
			block.BaseFee = eip1559.CalcBaseFee(runtime.ChainConfig(fork), &types.Header{Number: prev.Block.BlockNumber,
				GasLimit: prev.Block.GasLimit, GasUsed: prev.GasUsed, BaseFee: prev.Block.BaseFee})
		}
		res, ran, err := bundles[k].runOn(ctx, st, block, fork, cfg, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		if ran.BlockNumber.Cmp(prev.Block.BlockNumber) <= 0 || ran.Time <= prev.Block.Time {
			return nil, nil, fmt.Errorf("sim: block %d: number %v and time %d must follow the block before (%v, %d)",
				k, ran.BlockNumber, ran.Time, prev.Block.BlockNumber, prev.Block.Time)
		}
		used := uint64(0)
		for _, r := range res {
			used += r.GasUsed
		}
		out[k], prev = BlockResult{Block: ran, Calls: res}, Parent{Block: ran, GasUsed: used}
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
