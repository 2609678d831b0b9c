package runtime

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto/kzg4844"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/blocks"
)

// txCost is what a valid transaction is charged before execution.
type txCost struct {
	intrinsic uint64       // gas consumed before the first frame runs
	floor     uint64       // EIP-7623 calldata floor (Prague+), 0 before
	upfront   *uint256.Int // wei taken from the sender: gas × price + blob fee
	tip       *uint256.Int // wei per gas unit the coinbase earns
}

// relaxed names the rules a simulation does not apply (ApplyCall,
// ApplySimulated): the zero value applies them all.
type relaxed struct {
	nonce    bool // the message's nonce need not be the sender's
	gasCap   bool // no EIP-7825 cap on the gas limit
	blockGas bool // the gas limit may exceed the block's
	eoa      bool // the sender may have code (EIP-3607)
}

// validate applies every rule that makes a transaction invalid, i.e. not
// includable in the block at all, but those relax names. It only reads
// state, so a rejected transaction leaves no trace.
func validate(statedb vm.StateDB, block *vm.BlockContext, fork blocks.Fork, rules *params.Rules, msg *core.Message, relax relaxed) (txCost, error) {
	if msg.GasPrice == nil || msg.GasFeeCap == nil || msg.GasTipCap == nil {
		return txCost{}, errors.New("message lacks gasPrice, gasFeeCap or gasTipCap")
	}
	if block.BaseFee == nil {
		return txCost{}, errors.New("block context has no base fee")
	}
	type check = func(vm.StateDB, *vm.BlockContext, blocks.Fork, *params.Rules, *core.Message) error
	var buf [8]check // in go-ethereum's order: the first failing check names the error
	checks := buf[:0]
	for _, c := range []struct {
		skip bool
		f    check
	}{{relax.nonce, checkNonce}, {relax.gasCap, checkGasCap}, {relax.blockGas, checkBlockGas}, {relax.eoa, checkSenderIsEOA}} {
		if !c.skip {
			checks = append(checks, c.f)
		}
	}
	checks = append(checks, checkFeeCaps, checkBlobs, checkSetCode, checkInitCode)
	for _, check := range checks {
		if err := check(statedb, block, fork, rules, msg); err != nil {
			return txCost{}, err
		}
	}
	cost, err := checkBalance(statedb, block, msg)
	if err != nil {
		return txCost{}, err
	}
	if cost.intrinsic, cost.floor, err = checkIntrinsicGas(rules, msg); err != nil {
		return txCost{}, err
	}
	if cost.tip, err = effectiveTip(block, msg); err != nil {
		return txCost{}, err
	}
	return cost, nil
}

// checkNonce requires the sender's current nonce, and one that can still be
// incremented (EIP-2681).
func checkNonce(statedb vm.StateDB, _ *vm.BlockContext, _ blocks.Fork, _ *params.Rules, msg *core.Message) error {
	have := statedb.GetNonce(msg.From)
	switch {
	case have < msg.Nonce:
		return fmt.Errorf("%w: address %v, tx: %d state: %d", core.ErrNonceTooHigh, msg.From, msg.Nonce, have)
	case have > msg.Nonce:
		return fmt.Errorf("%w: address %v, tx: %d state: %d", core.ErrNonceTooLow, msg.From, msg.Nonce, have)
	case have+1 < have:
		return fmt.Errorf("%w: address %v, nonce: %d", core.ErrNonceMax, msg.From, have)
	}
	return nil
}

// checkGasCap bounds the gas limit, since Osaka, by the EIP-7825
// per-transaction cap.
func checkGasCap(_ vm.StateDB, _ *vm.BlockContext, _ blocks.Fork, rules *params.Rules, msg *core.Message) error {
	if rules.IsOsaka && msg.GasLimit > params.MaxTxGas {
		return fmt.Errorf("%w (cap: %d, tx: %d)", core.ErrGasLimitTooHigh, params.MaxTxGas, msg.GasLimit)
	}
	return nil
}

// checkBlockGas bounds the gas limit by the block's.
func checkBlockGas(_ vm.StateDB, block *vm.BlockContext, _ blocks.Fork, _ *params.Rules, msg *core.Message) error {
	if msg.GasLimit > block.GasLimit {
		return fmt.Errorf("%w: block gas limit %d, tx %d", core.ErrGasLimitReached, block.GasLimit, msg.GasLimit)
	}
	return nil
}

// checkSenderIsEOA rejects senders with code (EIP-3607), except code that is
// only an EIP-7702 delegation designator.
func checkSenderIsEOA(statedb vm.StateDB, _ *vm.BlockContext, _ blocks.Fork, _ *params.Rules, msg *core.Message) error {
	code := statedb.GetCode(msg.From)
	if _, delegated := types.ParseDelegation(code); len(code) > 0 && !delegated {
		return fmt.Errorf("%w: address %v, len(code): %d", core.ErrSenderNoEOA, msg.From, len(code))
	}
	return nil
}

// checkFeeCaps enforces EIP-1559: tip ≤ fee cap and fee cap ≥ base fee.
func checkFeeCaps(_ vm.StateDB, block *vm.BlockContext, _ blocks.Fork, _ *params.Rules, msg *core.Message) error {
	if msg.GasFeeCap.Lt(msg.GasTipCap) {
		return fmt.Errorf("%w: address %v, maxPriorityFeePerGas: %s, maxFeePerGas: %s", core.ErrTipAboveFeeCap, msg.From.Hex(), msg.GasTipCap, msg.GasFeeCap)
	}
	if msg.GasFeeCap.CmpBig(block.BaseFee) < 0 {
		return fmt.Errorf("%w: address %v, maxFeePerGas: %s, baseFee: %s", core.ErrFeeCapTooLow, msg.From.Hex(), msg.GasFeeCap, block.BaseFee)
	}
	return nil
}

// checkBlobs enforces the EIP-4844 shape of a blob transaction (a non-nil
// BlobHashes marks one): a call, 1..max blobs per block, at most 6 since
// Osaka (EIP-7594), version-0x01 hashes, and a blob fee cap covering the
// blob base fee.
func checkBlobs(_ vm.StateDB, block *vm.BlockContext, fork blocks.Fork, rules *params.Rules, msg *core.Message) error {
	if msg.BlobHashes == nil {
		return nil
	}
	n := len(msg.BlobHashes)
	switch {
	case msg.To == nil:
		return core.ErrBlobTxCreate
	case n == 0:
		return core.ErrMissingBlobHashes
	case rules.IsOsaka && n > params.BlobTxMaxBlobs:
		return fmt.Errorf("%w: %d > %d", core.ErrTooManyBlobs, n, params.BlobTxMaxBlobs)
	case n > BlobConfig(fork).Max:
		return fmt.Errorf("%w: %d exceed the block maximum %d", core.ErrTooManyBlobs, n, BlobConfig(fork).Max)
	}
	for i, h := range msg.BlobHashes {
		if !kzg4844.IsValidVersionedHash(h[:]) {
			return fmt.Errorf("blob %d has invalid hash version %#x", i, h[0])
		}
	}
	if block.BlobBaseFee == nil {
		return errors.New("blob transaction in a block without blob base fee")
	}
	if msg.BlobGasFeeCap == nil || msg.BlobGasFeeCap.CmpBig(block.BlobBaseFee) < 0 {
		return fmt.Errorf("%w: blobGasFeeCap: %v, blobBaseFee: %v", core.ErrBlobFeeCapTooLow, msg.BlobGasFeeCap, block.BlobBaseFee)
	}
	return nil
}

// checkSetCode enforces the EIP-7702 shape of a set-code transaction (a
// non-nil SetCodeAuthorizations marks one): Prague or later, a call, and a
// non-empty authorization list.
func checkSetCode(_ vm.StateDB, _ *vm.BlockContext, _ blocks.Fork, rules *params.Rules, msg *core.Message) error {
	switch {
	case msg.SetCodeAuthorizations == nil:
		return nil
	case !rules.IsPrague:
		return fmt.Errorf("%w: set-code transaction before Prague", types.ErrTxTypeNotSupported)
	case msg.To == nil:
		return core.ErrSetCodeTxCreate
	case len(msg.SetCodeAuthorizations) == 0:
		return core.ErrEmptyAuthList
	}
	return nil
}

// checkInitCode caps a creating transaction's initcode (EIP-3860).
func checkInitCode(_ vm.StateDB, _ *vm.BlockContext, _ blocks.Fork, _ *params.Rules, msg *core.Message) error {
	if msg.To == nil && len(msg.Data) > params.MaxInitCodeSize {
		return fmt.Errorf("%w: code size %d limit %d", vm.ErrMaxInitCodeSizeExceeded, len(msg.Data), params.MaxInitCodeSize)
	}
	return nil
}

// checkIntrinsicGas requires the gas limit to cover the intrinsic gas and,
// since Prague, the EIP-7623 calldata floor, which it returns.
func checkIntrinsicGas(rules *params.Rules, msg *core.Message) (intrinsic, floor uint64, err error) {
	intrinsic, err = IntrinsicGas(msg.Data, msg.AccessList, len(msg.SetCodeAuthorizations), msg.To == nil)
	if err != nil {
		return 0, 0, err
	}
	if msg.GasLimit < intrinsic {
		return 0, 0, fmt.Errorf("%w: have %d, want %d", core.ErrIntrinsicGas, msg.GasLimit, intrinsic)
	}
	if rules.IsPrague {
		if floor, err = FloorDataGas(msg.Data); err != nil {
			return 0, 0, err
		}
		if msg.GasLimit < floor {
			return 0, 0, fmt.Errorf("%w: have %d, want %d", core.ErrFloorDataGas, msg.GasLimit, floor)
		}
	}
	return intrinsic, floor, nil
}
