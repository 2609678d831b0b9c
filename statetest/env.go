package statetest

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// defaultBaseFee is used when env has no currentBaseFee, as go-ethereum's
// runner does (retesteth's genesis base fee 0x10, two blocks on).
const defaultBaseFee = 0x0a

// blockContext builds the block the transaction runs in from env.
func blockContext(e *env, fork blocks.Fork) (vm.BlockContext, error) {
	number, ok1 := e.Number.uint64()
	timestamp, ok2 := e.Timestamp.uint64()
	gasLimit, ok3 := e.GasLimit.uint64()
	if !ok1 || !ok2 || !ok3 {
		return vm.BlockContext{}, fmt.Errorf("env: number, timestamp or gas limit exceeds 2^64-1")
	}
	ctx := vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash:     blockHashes(number),
		Coinbase:    common.Address(e.Coinbase),
		GasLimit:    gasLimit,
		BlockNumber: new(big.Int).SetUint64(number),
		Time:        timestamp,
		Difficulty:  new(big.Int),
		BaseFee:     big.NewInt(defaultBaseFee),
	}
	if e.Difficulty != nil {
		ctx.Difficulty.Set(e.Difficulty.big())
	}
	if e.BaseFee != nil {
		ctx.BaseFee.Set(e.BaseFee.big())
	}
	if e.Random != nil {
		// Post-merge: DIFFICULTY is gone and PREVRANDAO reads the mix.
		if e.Random.big().BitLen() > 256 {
			return vm.BlockContext{}, fmt.Errorf("env: currentRandom exceeds 256 bits")
		}
		random := common.BigToHash(e.Random.big())
		ctx.Random = &random
		ctx.Difficulty = new(big.Int)
	}
	// A missing excess blob gas reads as zero, so BLOBBASEFEE always works.
	excess, ok := e.ExcessBlobGas.uint64()
	if !ok {
		return vm.BlockContext{}, fmt.Errorf("env: currentExcessBlobGas exceeds 2^64-1")
	}
	header := &types.Header{Number: ctx.BlockNumber, Time: timestamp, ExcessBlobGas: &excess}
	ctx.BlobBaseFee = eip4844.CalcBlobFee(runtime.ChainConfig(fork), header)
	return ctx, nil
}

// blockHashes answers BLOCKHASH like go-ethereum's state-test runner, which
// the fixtures were checked with: keccak256 of the decimal block number for
// the 256 blocks below current, zero otherwise.
func blockHashes(current uint64) vm.GetHashFunc {
	return func(n uint64) common.Hash {
		if n >= current || current-n > 256 {
			return common.Hash{}
		}
		return crypto.Keccak256Hash([]byte(strconv.FormatUint(n, 10)))
	}
}
