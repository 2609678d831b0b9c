package sim

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// Call is one call of a bundle.
type Call struct {
	From  common.Address
	To    *common.Address // nil: a creation
	Data  []byte
	Value *uint256.Int // nil: 0
	Gas   uint64
}

// CallResult is what a call of a bundle did.
type CallResult struct {
	ReturnData []byte
	GasUsed    uint64 // as its receipt would say: intrinsic gas, refund and calldata floor included
	Logs       []*types.Log
	Err        error // the execution's error (vm.ErrExecutionReverted, ...); nil on success
	Contract   common.Address
}

// Bundle is an ordered list of calls run one after the other on one state
// in one block, each seeing what the earlier ones did, as eth_simulateV1
// runs a block's calls without validation: no fees (the base fee is 0
// unless overridden), each sender's nonce taken from the state.
type Bundle struct {
	Calls          []Call
	StateOverrides StateOverride
	BlockOverrides *BlockOverrides
}

// Run runs the bundle on an overlay over base (a fork.State, a StateDB),
// in block (the context of the block the state is at; Run applies the
// bundle's block overrides to a copy) under fork's rules, with cfg's
// engine settings. It returns a result per call and the overlay with the
// bundle's effects (finalised after each call, as a block's transactions
// are). An error means the bundle could not run: an invalid override or
// call, a cancelled ctx, a failing state.
func (b *Bundle) Run(ctx context.Context, base vm.StateDB, block vm.BlockContext, fork blocks.Fork, cfg runtime.Config) ([]CallResult, *hyvmstate.Overlay, error) {
	st := hyvmstate.New(base)
	if err := b.StateOverrides.Apply(st); err != nil {
		return nil, nil, err
	}
	block.BaseFee = new(big.Int) // no fees without validation
	if err := b.BlockOverrides.Apply(&block); err != nil {
		return nil, nil, err
	}
	rules := runtime.Rules(fork)
	evm := runtime.NewEVM(block, st, fork, cfg)
	results := make([]CallResult, len(b.Calls))
	for i, c := range b.Calls {
		msg := &core.Message{From: c.From, To: c.To, Nonce: st.GetNonce(c.From), Value: c.Value, GasLimit: c.Gas,
			GasPrice: new(uint256.Int), GasFeeCap: new(uint256.Int), GasTipCap: new(uint256.Int), Data: c.Data}
		st.SetTxContext(common.Hash{}, i, 0)
		logs := len(st.Logs())
		res, err := runtime.ApplyMessage(ctx, evm, st, &block, fork, msg)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: call %d: %w", i, err)
		}
		results[i] = CallResult{ReturnData: res.ReturnData, GasUsed: res.UsedGas, Err: res.Err, Contract: res.ContractAddress,
			Logs: append([]*types.Log(nil), st.Logs()[logs:]...)}
		st.Finalise(rules)
	}
	return results, st, nil
}
