package sim

import (
	"errors"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
)

// BlockOverrides replaces fields of the block a simulation runs in, in the
// JSON shape of eth_call's fourth parameter (and eth_simulateV1's blocks).
type BlockOverrides struct {
	Number        *hexutil.Big    `json:"number,omitempty"`
	Difficulty    *hexutil.Big    `json:"difficulty,omitempty"`
	Time          *hexutil.Uint64 `json:"time,omitempty"`
	GasLimit      *hexutil.Uint64 `json:"gasLimit,omitempty"`
	FeeRecipient  *common.Address `json:"feeRecipient,omitempty"`
	PrevRandao    *common.Hash    `json:"prevRandao,omitempty"`
	BaseFeePerGas *hexutil.Big    `json:"baseFeePerGas,omitempty"`
	BlobBaseFee   *hexutil.Big    `json:"blobBaseFee,omitempty"`
	// BeaconRoot and Withdrawals belong to eth_simulateV1's blocks; eth_call
	// refuses them, and so does Apply.
	BeaconRoot  *common.Hash       `json:"beaconRoot,omitempty"`
	Withdrawals *types.Withdrawals `json:"withdrawals,omitempty"`
}

// Apply writes the overrides into b, as eth_call applies them to the block
// context (before it lowers the base fee to 0 for a call with no gas
// price, which the caller does after Apply).
func (o *BlockOverrides) Apply(b *vm.BlockContext) error {
	if o == nil {
		return nil
	}
	switch {
	case o.BeaconRoot != nil:
		return errors.New(`sim: block override "beaconRoot" is not supported for a call`)
	case o.Withdrawals != nil:
		return errors.New(`sim: block override "withdrawals" is not supported for a call`)
	}
	if o.Number != nil {
		b.BlockNumber = o.Number.ToInt()
	}
	if o.Difficulty != nil {
		b.Difficulty = o.Difficulty.ToInt()
	}
	if o.Time != nil {
		b.Time = uint64(*o.Time)
	}
	if o.GasLimit != nil {
		b.GasLimit = uint64(*o.GasLimit)
	}
	if o.FeeRecipient != nil {
		b.Coinbase = *o.FeeRecipient
	}
	if o.PrevRandao != nil {
		random := *o.PrevRandao
		b.Random = &random
	}
	if o.BaseFeePerGas != nil {
		b.BaseFee = o.BaseFeePerGas.ToInt()
	}
	if o.BlobBaseFee != nil {
		b.BlobBaseFee = o.BlobBaseFee.ToInt()
	}
	return nil
}
