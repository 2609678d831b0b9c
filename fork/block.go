package fork

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hyvm/hyvm/runtime"
)

// BlockContext returns the block a call on the fork runs in, as eth_call
// at the fork's block runs it: that block's number, time, coinbase, gas
// limit, base fee, blob base fee (under config's blob schedule) and
// prevrandao. BLOCKHASH reads earlier headers from the endpoint once each
// (panicking with an *Error, as State does, if it cannot).
func (c *Cache) BlockContext(ctx context.Context, config *params.ChainConfig) (vm.BlockContext, error) {
	return c.BlockContextAt(ctx, config, c.Block())
}

// BlockContextAt is BlockContext for the endpoint's block number: with
// the fork at its parent, the context its transactions ran in, to replay
// them.
func (c *Cache) BlockContextAt(ctx context.Context, config *params.ChainConfig, number uint64) (vm.BlockContext, error) {
	h, err := c.Header(ctx, number)
	if err != nil {
		return vm.BlockContext{}, err
	}
	getHash := func(n uint64) common.Hash {
		prev, err := c.Header(ctx, n)
		if err != nil {
			panic(err)
		}
		return prev.Hash()
	}
	return runtime.HeaderContext(h, getHash, config), nil
}
