package runtime

import (
	"math/big"

	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
)

// HeaderContext is the context a block with header h runs in under
// config, as go-ethereum's core.NewEVMBlockContext makes it, with
// BLOCKHASH answered by getHash: its number, time, coinbase, gas limit,
// base fee, blob base fee (config's blob schedule) and, after the merge,
// prevrandao.
func HeaderContext(h *types.Header, getHash vm.GetHashFunc, config *params.ChainConfig) vm.BlockContext {
	b := vm.BlockContext{CanTransfer: core.CanTransfer, Transfer: core.Transfer, GetHash: getHash, Coinbase: h.Coinbase,
		BlockNumber: new(big.Int).Set(h.Number), Time: h.Time, Difficulty: new(big.Int).Set(h.Difficulty),
		GasLimit: h.GasLimit, BlobBaseFee: new(big.Int)}
	if h.BaseFee != nil {
		b.BaseFee = new(big.Int).Set(h.BaseFee)
	}
	if h.ExcessBlobGas != nil {
		b.BlobBaseFee = eip4844.CalcBlobFee(config, h)
	}
	if h.Difficulty.Sign() == 0 {
		random := h.MixDigest
		b.Random = &random
	}
	return b
}
