package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/blocks"
)

// ExecutionResult is the outcome of a valid transaction, whether or not its
// execution succeeded.
type ExecutionResult struct {
	UsedGas         uint64         // gas charged: after the refund, at least the calldata floor
	MaxUsedGas      uint64         // peak gas consumed, before the refund
	RefundedGas     uint64         // refund counter credit actually granted (≤ used/5)
	Err             error          // execution error (vm.ErrOutOfGas, vm.ErrExecutionReverted, ...)
	ReturnData      []byte         // returned or reverted data of the top frame
	ContractAddress common.Address // the created address, for a creation
}

// Failed reports whether execution ended in an error.
func (r *ExecutionResult) Failed() bool { return r.Err != nil }

// ApplyMessage validates msg and, if it is valid, executes it on m and
// settles its fees (Cancun, Prague and Osaka rules).
//
// An error means no transaction was applied and statedb is as it was: the
// transaction is invalid (it could not be included in a block), or its
// execution could not be completed — ctx was cancelled, a memory cap was
// hit, or the engine or the state failed (HaltsExecution holds for those).
// Otherwise the sender has paid for its gas and the coinbase has been
// credited (and touched) even if execution failed, which
// ExecutionResult.Err reports.
//
// msg.GasPrice must be the effective gas price, min(tip + base fee, fee cap),
// as core.TransactionToMessage computes it. A non-nil BlobHashes marks a blob
// transaction and a non-nil SetCodeAuthorizations a set-code transaction,
// even when empty (which makes them invalid).
//
// m and statedb must share state. m.Create must bump the sender's nonce, as
// go-ethereum's EVM.Create does; for a call ApplyMessage bumps it itself.
// ApplyMessage does not finalise statedb: the caller does that after the
// transaction (or the block), as go-ethereum's state processor does.
func ApplyMessage(ctx context.Context, m Machine, statedb vm.StateDB, block *vm.BlockContext, fork blocks.Fork, msg *core.Message) (*ExecutionResult, error) {
	return applyMessage(ctx, m, statedb, block, fork, msg, relaxed{})
}

// ApplyCall is ApplyMessage as go-ethereum's eth_call, eth_estimateGas
// and eth_createAccessList apply a message (core.Message's SkipNonceCheck,
// SkipEOACheck and SkipGasLimitCapCheck, and no gas pool): the sender's
// nonce need not match the message's, the sender may have code, and the
// gas limit is bounded neither by EIP-7825's cap nor by the block's (the
// caller bounds it, as a node's RPC gas cap does). Fees are checked and
// paid as the message states them; for a call without fees the caller
// lowers the block's base fee to 0, as a node does.
func ApplyCall(ctx context.Context, m Machine, statedb vm.StateDB, block *vm.BlockContext, fork blocks.Fork, msg *core.Message) (*ExecutionResult, error) {
	return applyMessage(ctx, m, statedb, block, fork, msg, relaxed{nonce: true, gasCap: true, blockGas: true, eoa: true})
}

// ApplySimulated is ApplyMessage as go-ethereum's eth_simulateV1 applies a
// call of a simulated block: the sender may have code and the gas limit
// is not bounded by EIP-7825's cap (only by the block's); the nonce is
// checked only if checkNonce (the request's validation).
func ApplySimulated(ctx context.Context, m Machine, statedb vm.StateDB, block *vm.BlockContext, fork blocks.Fork, msg *core.Message, checkNonce bool) (*ExecutionResult, error) {
	return applyMessage(ctx, m, statedb, block, fork, msg, relaxed{nonce: !checkNonce, gasCap: true, eoa: true})
}

// applyMessage is ApplyMessage with the rules relax names not applied.
func applyMessage(ctx context.Context, m Machine, statedb vm.StateDB, block *vm.BlockContext, fork blocks.Fork, msg *core.Message, relax relaxed) (res *ExecutionResult, err error) {
	switch {
	case ctx == nil:
		return nil, errors.New("apply message: nil context")
	case m == nil:
		return nil, errors.New("apply message: nil machine")
	case statedb == nil:
		return nil, errors.New("apply message: nil state")
	case block == nil:
		return nil, errors.New("apply message: nil block context")
	case msg == nil:
		return nil, errors.New("apply message: nil message")
	case !fork.Supported():
		return nil, fmt.Errorf("apply message: unsupported fork %v", fork)
	}
	snapshot := -1 // none taken yet
	// A tracer hears of the transaction as go-ethereum's block processing
	// tells it: before validation, and at the end with the receipt's gas
	// or the error that made the message invalid.
	hooks := tracerOf(m)
	if hooks != nil && hooks.OnTxStart != nil {
		hooks.OnTxStart(VMContext(block, statedb), messageTx(msg), msg.From)
	}
	if hooks != nil && hooks.OnTxEnd != nil {
		defer func() {
			var receipt *types.Receipt
			if err == nil {
				receipt = &types.Receipt{GasUsed: res.UsedGas, Status: types.ReceiptStatusSuccessful, ContractAddress: res.ContractAddress}
				if res.Err != nil {
					receipt.Status = types.ReceiptStatusFailed
				}
			}
			hooks.OnTxEnd(receipt, err)
		}()
	}
	defer func() {
		if r := recover(); r != nil {
			err = InternalError(r, "while applying a message")
		}
		if err != nil {
			res = nil
		}
		if err != nil && snapshot >= 0 {
			// Validation changes nothing, but a fault may strike anywhere.
			if rerr := rollBack(statedb, snapshot); rerr != nil {
				err = fmt.Errorf("%w; %w", err, rerr)
			}
		}
	}()
	snapshot = statedb.Snapshot()
	rules := blockRules(fork, block)
	cost, err := validate(statedb, block, fork, &rules, msg, relax)
	if err != nil {
		return nil, err
	}
	// Valid from here on: the transaction is included and pays for its gas.
	statedb.SubBalance(msg.From, cost.upfront, tracing.BalanceDecreaseGasBuy)
	m.SetTxContext(vm.TxContext{Origin: msg.From, GasPrice: msg.GasPrice, BlobHashes: msg.BlobHashes})
	statedb.Prepare(rules, msg.From, block.Coinbase, msg.To, vm.ActivePrecompiles(rules), msg.AccessList)

	value := msg.Value
	if value == nil {
		value = new(uint256.Int)
	}
	res = &ExecutionResult{}
	gasLeft := msg.GasLimit - cost.intrinsic
	if msg.To == nil {
		res.ReturnData, res.ContractAddress, gasLeft, res.Err = m.Create(ctx, msg.From, msg.Data, gasLeft, value)
	} else {
		statedb.SetNonce(msg.From, statedb.GetNonce(msg.From)+1, tracing.NonceChangeEoACall)
		applyAuthorizations(statedb, m.ChainID(), msg.SetCodeAuthorizations)
		// Warm the recipient's delegation target, once the authorizations
		// above have settled what it is.
		if target, ok := types.ParseDelegation(statedb.GetCode(*msg.To)); ok {
			statedb.AddAddressToAccessList(target)
		}
		res.ReturnData, gasLeft, res.Err = m.Call(ctx, msg.From, *msg.To, msg.Data, gasLeft, value)
	}
	if HaltsExecution(res.Err) {
		return nil, fmt.Errorf("execute message: %w", res.Err)
	}
	// The machine's output is only valid until its next call.
	res.ReturnData = bytes.Clone(res.ReturnData)
	settleGas(statedb, block, &rules, msg, cost, gasLeft, res)
	return res, nil
}

// settleGas applies the refund (at most a fifth of the gas used, EIP-3529)
// and the calldata floor (EIP-7623), returns unused gas to the sender and
// pays the coinbase its tip for the gas used. The base fee and blob fee stay
// burnt.
func settleGas(statedb vm.StateDB, block *vm.BlockContext, rules *params.Rules, msg *core.Message, cost txCost, gasLeft uint64, res *ExecutionResult) {
	used := msg.GasLimit - gasLeft
	res.MaxUsedGas = used
	res.RefundedGas = min(used/params.RefundQuotientEIP3529, statedb.GetRefund())
	used -= res.RefundedGas
	if rules.IsPrague && used < cost.floor {
		used = cost.floor
		res.MaxUsedGas = max(res.MaxUsedGas, cost.floor)
	}
	res.UsedGas = used
	if remaining := msg.GasLimit - used; remaining > 0 {
		refund := new(uint256.Int).Mul(uint256.NewInt(remaining), msg.GasPrice)
		statedb.AddBalance(msg.From, refund, tracing.BalanceIncreaseGasReturn)
	}
	// Credited even when zero: the touch matters under EIP-161.
	fee := new(uint256.Int).Mul(uint256.NewInt(used), cost.tip)
	statedb.AddBalance(block.Coinbase, fee, tracing.BalanceIncreaseRewardTransactionFee)
}

// tracerOf returns the tracing hooks m reports to, if any.
func tracerOf(m Machine) *tracing.Hooks {
	if t, ok := m.(interface{ Tracer() *tracing.Hooks }); ok {
		return t.Tracer()
	}
	return nil
}

// VMContext is the block as a tracer sees it (OnTxStart), over statedb.
func VMContext(block *vm.BlockContext, statedb vm.StateDB) *tracing.VMContext {
	return &tracing.VMContext{Coinbase: block.Coinbase, BlockNumber: block.BlockNumber, Time: block.Time,
		Random: block.Random, BaseFee: block.BaseFee, StateDB: statedb}
}

// messageTx is msg as the transaction a tracer is told of: its nonce,
// recipient, value, gas, price and data (a message has no signature).
func messageTx(msg *core.Message) *types.Transaction {
	value := new(big.Int)
	if msg.Value != nil {
		value = msg.Value.ToBig()
	}
	return types.NewTx(&types.LegacyTx{Nonce: msg.Nonce, To: msg.To, Value: value, Gas: msg.GasLimit,
		GasPrice: msg.GasPrice.ToBig(), Data: msg.Data})
}
