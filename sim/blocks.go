package sim

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// blockInterval is the time eth_simulateV1 puts between simulated blocks
// whose time is not overridden.
const blockInterval = 12

// Simulate runs bundles as consecutive blocks on one overlay over base, as
// eth_simulateV1 runs its blockStateCalls after the block the state is at
// (parent): each block sees what the blocks before it did and starts with
// its own state overrides, and unless its block overrides say otherwise it
// follows the block before it, one number higher and 12 seconds later. It
// returns the results by block and by call, and the overlay with every
// block's effects.
func Simulate(ctx context.Context, base vm.StateDB, parent vm.BlockContext, fork blocks.Fork, cfg runtime.Config, bundles []Bundle) ([][]CallResult, *hyvmstate.Overlay, error) {
	st := hyvmstate.New(base)
	prev := parent
	out := make([][]CallResult, len(bundles))
	for k := range bundles {
		block := prev
		block.BlockNumber = new(big.Int).Add(prev.BlockNumber, big.NewInt(1))
		block.Time = prev.Time + blockInterval
		res, ran, err := bundles[k].runOn(ctx, st, block, fork, cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		if ran.BlockNumber.Cmp(prev.BlockNumber) <= 0 || ran.Time <= prev.Time {
			return nil, nil, fmt.Errorf("sim: block %d: number %v and time %d must follow the block before (%v, %d)",
				k, ran.BlockNumber, ran.Time, prev.BlockNumber, prev.Time)
		}
		out[k], prev = res, ran
	}
	return out, st, nil
}
