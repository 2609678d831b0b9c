package runtime

import (
	"fmt"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// checkBalance requires the sender to afford the worst case,
// gasLimit × maxFeePerGas + value + blobGas × maxFeePerBlobGas, and returns
// what is actually taken up front: gasLimit × effective gas price plus
// blobGas × blob base fee. Any 256-bit overflow counts as unaffordable.
func checkBalance(statedb vm.StateDB, block *vm.BlockContext, msg *core.Message) (txCost, error) {
	overflow := func() (txCost, error) {
		return txCost{}, fmt.Errorf("%w: address %v required balance exceeds 256 bits", core.ErrInsufficientFunds, msg.From)
	}
	gasLimit := uint256.NewInt(msg.GasLimit)
	need, o1 := new(uint256.Int).MulOverflow(gasLimit, msg.GasFeeCap)
	upfront, o2 := new(uint256.Int).MulOverflow(gasLimit, msg.GasPrice)
	if o1 || o2 {
		return overflow()
	}
	if msg.Value != nil {
		if _, o := need.AddOverflow(need, msg.Value); o {
			return overflow()
		}
	}
	if blobGas := uint64(len(msg.BlobHashes)) * params.BlobTxBlobGasPerBlob; blobGas > 0 {
		// checkBlobs has already ensured BlobGasFeeCap ≥ BlobBaseFee, so the
		// blob base fee fits in 256 bits.
		maxBlobFee, o1 := new(uint256.Int).MulOverflow(uint256.NewInt(blobGas), msg.BlobGasFeeCap)
		blobFee, o2 := new(uint256.Int).MulOverflow(uint256.NewInt(blobGas), uint256.MustFromBig(block.BlobBaseFee))
		if o1 || o2 {
			return overflow()
		}
		if _, o := need.AddOverflow(need, maxBlobFee); o {
			return overflow()
		}
		if _, o := upfront.AddOverflow(upfront, blobFee); o {
			return overflow()
		}
	}
	if have := statedb.GetBalance(msg.From); have.Lt(need) {
		return txCost{}, fmt.Errorf("%w: address %v have %v want %v", core.ErrInsufficientFunds, msg.From, have, need)
	}
	return txCost{upfront: upfront}, nil
}

// effectiveTip is what the coinbase earns per unit of gas: the effective gas
// price minus the burnt base fee (EIP-1559).
func effectiveTip(block *vm.BlockContext, msg *core.Message) (*uint256.Int, error) {
	baseFee, overflow := uint256.FromBig(block.BaseFee)
	if overflow || msg.GasPrice.Lt(baseFee) {
		return nil, fmt.Errorf("effective gas price %v below base fee %v", msg.GasPrice, block.BaseFee)
	}
	return new(uint256.Int).Sub(msg.GasPrice, baseFee), nil
}
