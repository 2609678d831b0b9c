package sim

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// CallBundleArgs is eth_callBundle's parameter (Flashbots, mev-geth):
// signed transactions simulated in order, with validation, at the top of
// block BlockNumber on the state the caller gives (the parent's, whose
// header completes the block: unless given, the coinbase and gas limit are
// the parent's, the time 12 seconds later per block, the base fee the one
// EIP-1559 sets after the parent).
type CallBundleArgs struct {
	Txs              []hexutil.Bytes `json:"txs"`
	BlockNumber      hexutil.Uint64  `json:"blockNumber"`
	StateBlockNumber string          `json:"stateBlockNumber,omitempty"` // the caller opens the state: not read here
	Timestamp        *uint64         `json:"timestamp,omitempty"`
	Coinbase         *common.Address `json:"coinbase,omitempty"`
	GasLimit         *uint64         `json:"gasLimit,omitempty"`
	Difficulty       *hexutil.Big    `json:"difficulty,omitempty"`
	BaseFee          *hexutil.Big    `json:"baseFee,omitempty"`
}

// CallBundleResult is eth_callBundle's answer: per transaction and for the
// bundle, the gas, the fees paid to the coinbase (tips) and the ether sent
// to it otherwise (its balance change minus the fees). Wei amounts are
// decimal strings, as mev-geth prints them.
type CallBundleResult struct {
	BundleGasPrice    *Wei           `json:"bundleGasPrice"` // coinbase gain per gas
	BundleHash        common.Hash    `json:"bundleHash"`     // keccak256 of the transactions' hashes
	CoinbaseDiff      *Wei           `json:"coinbaseDiff"`
	EthSentToCoinbase *Wei           `json:"ethSentToCoinbase"`
	GasFees           *Wei           `json:"gasFees"`
	Results           []CallBundleTx `json:"results"`
	StateBlockNumber  uint64         `json:"stateBlockNumber"`
	TotalGasUsed      uint64         `json:"totalGasUsed"`
}

// CallBundleTx is one transaction's part of a CallBundleResult.
type CallBundleTx struct {
	TxHash            common.Hash     `json:"txHash"`
	FromAddress       common.Address  `json:"fromAddress"`
	ToAddress         *common.Address `json:"toAddress"`
	GasUsed           uint64          `json:"gasUsed"`
	GasPrice          *Wei            `json:"gasPrice"` // the tip per gas the coinbase earns
	GasFees           *Wei            `json:"gasFees"`
	CoinbaseDiff      *Wei            `json:"coinbaseDiff"`
	EthSentToCoinbase *Wei            `json:"ethSentToCoinbase"`
	Value             hexutil.Bytes   `json:"value,omitempty"`  // the return data, on success
	Error             string          `json:"error,omitempty"`  // the failure
	Revert            hexutil.Bytes   `json:"revert,omitempty"` // a revert's data
}

// Wei is an amount printed as a decimal string.
type Wei big.Int

// MarshalText prints w in decimal.
func (w *Wei) MarshalText() ([]byte, error) { return []byte((*big.Int)(w).String()), nil }

// UnmarshalText reads a decimal amount, as a client reads mev-geth's.
func (w *Wei) UnmarshalText(text []byte) error {
	if _, ok := (*big.Int)(w).SetString(string(text), 10); !ok {
		return fmt.Errorf("sim: %q is not a decimal amount of wei", text)
	}
	return nil
}

// CallBundle runs args' transactions on an overlay over base, the state
// after parent (whose header completes the block), under fork's rules and
// chain's config (its ID signs the transactions), as mev-geth's
// eth_callBundle does. A transaction that is invalid (nonce, fees,
// balance) fails the whole bundle; one that reverts is a result.
func CallBundle(ctx context.Context, base vm.StateDB, parent *types.Header, getHash vm.GetHashFunc, chain *params.ChainConfig, fork blocks.Fork, cfg runtime.Config, args *CallBundleArgs) (*CallBundleResult, *hyvmstate.Overlay, error) {
	if len(args.Txs) == 0 {
		return nil, nil, errors.New("sim: eth_callBundle: no transactions")
	}
	number := uint64(args.BlockNumber)
	if number <= parent.Number.Uint64() {
		return nil, nil, fmt.Errorf("sim: eth_callBundle: block %d does not follow the state's block %v", number, parent.Number)
	}
	block := blockAfter(parent, getHash, chain, number, args)
	signer := types.LatestSignerForChainID(chain.ChainID)
	st := hyvmstate.New(base)
	res := &CallBundleResult{StateBlockNumber: parent.Number.Uint64()}
	var hashes []byte
	txs := make([]*types.Transaction, len(args.Txs))
	bundle := Bundle{Validation: true, StateDiff: true, transactions: true} // the diffs give the coinbase's gain per transaction
	for i, raw := range args.Txs {
		txs[i] = new(types.Transaction)
		if err := txs[i].UnmarshalBinary(raw); err != nil {
			return nil, nil, fmt.Errorf("sim: eth_callBundle: transaction %d: %w", i, err)
		}
		call, err := CallOf(txs[i], signer)
		if err != nil {
			return nil, nil, err
		}
		bundle.Calls = append(bundle.Calls, call)
	}
	if cfg.ChainID == nil {
		cfg.ChainID = chain.ChainID // CHAINID is the chain the transactions are signed for
	}
	results, _, err := bundle.runOn(ctx, st, block, fork, cfg, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("sim: eth_callBundle: %w", err)
	}
	coinbaseDiff, gasFees := new(big.Int), new(big.Int)
	for i, r := range results {
		tx := txs[i]
		tip, err := tx.EffectiveGasTip(block.BaseFee)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: eth_callBundle: transaction %d: %w", i, err)
		}
		diff := new(big.Int)
		if d := r.StateDiff[block.Coinbase]; d != nil && d.Balance != nil {
			diff.Sub(d.Balance.Post.ToBig(), d.Balance.Pre.ToBig())
		}
		fees := new(big.Int).Mul(tip, new(big.Int).SetUint64(r.GasUsed))
		out := CallBundleTx{TxHash: tx.Hash(), FromAddress: bundle.Calls[i].From, ToAddress: tx.To(), GasUsed: r.GasUsed,
			GasPrice: (*Wei)(tip), GasFees: (*Wei)(fees), CoinbaseDiff: (*Wei)(diff), EthSentToCoinbase: (*Wei)(new(big.Int).Sub(diff, fees))}
		if r.Err == nil {
			out.Value = r.ReturnData
		} else {
			out.Error = r.Err.Error()
			if errors.Is(r.Err, vm.ErrExecutionReverted) {
				out.Revert = r.ReturnData
			}
		}
		res.Results = append(res.Results, out)
		res.TotalGasUsed += r.GasUsed
		coinbaseDiff.Add(coinbaseDiff, diff)
		gasFees.Add(gasFees, fees)
		hashes = append(hashes, tx.Hash().Bytes()...)
	}
	res.BundleHash = crypto.Keccak256Hash(hashes)
	res.CoinbaseDiff, res.GasFees = (*Wei)(coinbaseDiff), (*Wei)(gasFees)
	res.EthSentToCoinbase = (*Wei)(new(big.Int).Sub(coinbaseDiff, gasFees))
	price := new(big.Int)
	if res.TotalGasUsed > 0 {
		price.Div(coinbaseDiff, new(big.Int).SetUint64(res.TotalGasUsed))
	}
	res.BundleGasPrice = (*Wei)(price)
	return res, st, nil
}

// blockAfter is the block args simulate, completed from parent.
func blockAfter(parent *types.Header, getHash vm.GetHashFunc, chain *params.ChainConfig, number uint64, args *CallBundleArgs) vm.BlockContext {
	b := vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash:     getHash,
		Coinbase:    parent.Coinbase,
		BlockNumber: new(big.Int).SetUint64(number),
		Time:        parent.Time + blockInterval*(number-parent.Number.Uint64()),
		Difficulty:  new(big.Int),
		GasLimit:    parent.GasLimit,
		BaseFee:     eip1559.CalcBaseFee(chain, parent),
		BlobBaseFee: new(big.Int),
	}
	random := parent.MixDigest
	b.Random = &random
	if args.Timestamp != nil {
		b.Time = *args.Timestamp
	}
	if args.Coinbase != nil {
		b.Coinbase = *args.Coinbase
	}
	if args.GasLimit != nil {
		b.GasLimit = *args.GasLimit
	}
	if args.Difficulty != nil {
		b.Difficulty = args.Difficulty.ToInt()
	}
	if args.BaseFee != nil {
		b.BaseFee = args.BaseFee.ToInt()
	}
	if parent.ExcessBlobGas != nil {
		excess := eip4844.CalcExcessBlobGas(chain, parent, b.Time)
		b.BlobBaseFee = eip4844.CalcBlobFee(chain, &types.Header{Number: b.BlockNumber, Time: b.Time, ExcessBlobGas: &excess})
	}
	return b
}
