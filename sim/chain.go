package sim

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// ChainBlock is a block eth_simulateV1 built: the block as a node
// assembles it (header, transactions, withdrawals; its state root from
// StateRoots) and its calls' results.
type ChainBlock struct {
	Block   *types.Block
	Calls   []CallResult
	senders []common.Address // the transactions'
}

// SimulateBlocks runs bundles as the blocks eth_simulateV1 builds after
// parent, on an overlay over base (the state after parent), as
// go-ethereum's node builds them: each block's header made as the node
// makes it (number and time one and 12 seconds on unless overridden, no
// prevrandao unless overridden, the parent's gas limit and fee
// recipient, the base fee EIP-1559 sets with validation, else 0, the
// excess blob gas EIP-4844 sets), its state overrides, the system calls
// before its calls (EIP-4788 with the beaconRoot override or zero,
// EIP-2935 with the parent's hash), its calls as transactions of the
// default type (their hashes those the node gives them), its withdrawals
// and the system calls after, then the block assembled with its state
// root from roots, so that each block's hash, and the next block's
// parent hash and BLOCKHASH, are the node's.
// gasCap (0: none) bounds the gas of all calls of all blocks together,
// as a node's RPC gas cap does.
func SimulateBlocks(ctx context.Context, base vm.StateDB, parent *types.Header, getHash vm.GetHashFunc, chain *params.ChainConfig, fork blocks.Fork, cfg runtime.Config, bundles []Bundle, roots StateRoots, gasCap uint64) ([]ChainBlock, *hyvmstate.Overlay, error) {
	budget := gasCap
	if budget == 0 {
		budget = math.MaxUint64
	}
	if cfg.Cache == nil {
		cfg.Cache = runtime.NewCache(0)
	}
	bundles, err := fillGaps(parent.Number.Uint64(), bundles)
	if err != nil {
		return nil, nil, err
	}
	st := hyvmstate.New(base)
	out := make([]ChainBlock, len(bundles))
	hashes := map[uint64]common.Hash{parent.Number.Uint64(): parent.Hash()}
	chainHash := func(n uint64) common.Hash {
		if h, ok := hashes[n]; ok {
			return h
		}
		return getHash(n)
	}
	prev := parent
	for k := range bundles {
		b := bundles[k]
		withdrawals := types.Withdrawals{}
		if o := b.BlockOverrides; o != nil && o.Withdrawals != nil {
			withdrawals = *o.Withdrawals
		}
		header, block, err := startBlock(prev, &b, chainHash, chain)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		b.roots, b.budget = roots, &budget
		var steps *blockSteps
		res, _, err := b.runOn(ctx, st, block, fork, cfg, func(s *blockSteps) error {
			steps = s
			return s.preExecution(chain, header, header.ParentHash)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		txs, receipts := transactionsOf(&b, res, header, chain)
		var logs []*types.Log
		for _, r := range receipts {
			logs = append(logs, r.Logs...)
		}
		requests, err := steps.postExecution(chain, header, logs, withdrawals)
		if err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		if requests != nil {
			h := types.CalcRequestsHash(requests)
			header.RequestsHash = &h
		}
		for _, r := range receipts {
			header.GasUsed += r.GasUsed
		}
		if header.Root, err = roots.Root(ctx, steps.rules); err != nil {
			return nil, nil, fmt.Errorf("sim: block %d: %w", k, err)
		}
		body := &types.Body{Transactions: txs}
		if chain.IsShanghai(header.Number, header.Time) {
			body.Withdrawals = withdrawals
		}
		assembled := types.NewBlock(header, body, receipts, trie.NewStackTrie(nil))
		hash := assembled.Hash()
		index := uint(0)
		for i := range res {
			txHash := txs[i].Hash()
			for _, l := range res[i].Logs {
				l.BlockHash, l.BlockNumber, l.BlockTimestamp = hash, header.Number.Uint64(), header.Time
				l.TxHash, l.TxIndex, l.Index = txHash, uint(i), index
				index++
			}
		}
		hashes[header.Number.Uint64()] = hash
		out[k] = ChainBlock{Block: assembled, Calls: res, senders: make([]common.Address, len(b.Calls))}
		for i := range b.Calls {
			out[k].senders[i] = b.Calls[i].From
		}
		prev = assembled.Header()
	}
	return out, st, nil
}

// maxSimulatedBlocks bounds how far past the parent simulated blocks may
// go, as go-ethereum's node bounds them.
const maxSimulatedBlocks = 256

// fillGaps puts an empty block wherever a block's number override skips
// numbers after the block before it (parent's number for the first), as
// the node does, and refuses numbers out of order or too far ahead.
func fillGaps(parent uint64, bundles []Bundle) ([]Bundle, error) {
	out := make([]Bundle, 0, len(bundles))
	prev := parent
	for _, b := range bundles {
		n := prev + 1
		if o := b.BlockOverrides; o != nil && o.Number != nil {
			want := o.Number.ToInt()
			if !want.IsUint64() || want.Uint64() <= prev {
				return nil, simError(codeBlockNumberInvalid, fmt.Sprintf("block numbers must be in order: %v <= %d", want, prev))
			}
			n = want.Uint64()
		}
		if n-parent > maxSimulatedBlocks {
			return nil, simError(codeClientLimitExceeded, "too many blocks")
		}
		for prev+1 < n {
			out = append(out, Bundle{Validation: b.Validation})
			prev++
		}
		out = append(out, b)
		prev = n
	}
	return out, nil
}

// startBlock is the start of b's block after prev, as eth_simulateV1
// starts it: its header before the calls run and the context they run in
// (its blob base fee overridden if b says so). It takes b's block
// overrides into them: b's calls run with none left to apply.
func startBlock(prev *types.Header, b *Bundle, getHash vm.GetHashFunc, chain *params.ChainConfig) (*types.Header, vm.BlockContext, error) {
	header, err := nextHeader(prev, b.BlockOverrides, b.Validation, chain)
	if err != nil {
		return nil, vm.BlockContext{}, err
	}
	block := runtime.HeaderContext(header, getHash, chain)
	if o := b.BlockOverrides; o != nil && o.BlobBaseFee != nil {
		block.BlobBaseFee = o.BlobBaseFee.ToInt()
	}
	b.BlockOverrides = nil
	return header, block, nil
}

// nextHeader is the header eth_simulateV1 starts a block after parent
// with, before its transactions run; its number is parent's next
// (fillGaps put any number override in order).
func nextHeader(parent *types.Header, o *BlockOverrides, validation bool, chain *params.ChainConfig) (*types.Header, error) {
	h := &types.Header{ParentHash: parent.Hash(), UncleHash: types.EmptyUncleHash, Coinbase: parent.Coinbase,
		Difficulty: new(big.Int), GasLimit: parent.GasLimit, Number: new(big.Int).Add(parent.Number, common.Big1),
		Time: parent.Time + blockInterval, TxHash: types.EmptyTxsHash, ReceiptHash: types.EmptyReceiptsHash}
	if parent.SlotNumber != nil {
		slot := *parent.SlotNumber + 1
		h.SlotNumber = &slot
	}
	if o != nil {
		if o.Time != nil {
			h.Time = uint64(*o.Time)
		}
		if o.GasLimit != nil {
			h.GasLimit = uint64(*o.GasLimit)
		}
		if o.FeeRecipient != nil {
			h.Coinbase = *o.FeeRecipient
		}
		if o.PrevRandao != nil {
			h.MixDigest = *o.PrevRandao
		}
		if o.Difficulty != nil {
			return nil, fmt.Errorf("a difficulty override after the merge")
		}
	}
	if h.Time <= parent.Time {
		return nil, simError(codeBlockTimeInvalid, fmt.Sprintf("block timestamps must be in order: %d <= %d", h.Time, parent.Time))
	}
	if chain.IsShanghai(h.Number, h.Time) {
		h.WithdrawalsHash = &types.EmptyWithdrawalsHash
	}
	if chain.IsCancun(h.Number, h.Time) {
		root := common.Hash{}
		if o != nil && o.BeaconRoot != nil {
			root = *o.BeaconRoot
		}
		h.ParentBeaconRoot = &root
		excess := uint64(0)
		if chain.IsCancun(parent.Number, parent.Time) {
			excess = eip4844.CalcExcessBlobGas(chain, parent, h.Time)
		}
		h.ExcessBlobGas = &excess
		h.BlobGasUsed = new(uint64) // and so it stays: calls carry no blobs
	}
	if chain.IsLondon(h.Number) {
		switch {
		case o != nil && o.BaseFeePerGas != nil:
			h.BaseFee = o.BaseFeePerGas.ToInt()
		case validation:
			h.BaseFee = eip1559.CalcBaseFee(chain, parent)
		default:
			h.BaseFee = new(big.Int)
		}
	}
	return h, nil
}

// transactionsOf makes the transactions and receipts of a simulated
// block's calls as eth_simulateV1 makes them: the call's fields, its
// nonce and gas as it ran, zero fees unless given, of the default type
// (EIP-1559; legacy with a gas price), unsigned.
func transactionsOf(b *Bundle, res []CallResult, h *types.Header, chain *params.ChainConfig) ([]*types.Transaction, []*types.Receipt) {
	txs := make([]*types.Transaction, len(res))
	receipts := make([]*types.Receipt, len(res))
	cumulative := uint64(0)
	orZero := func(v *uint256.Int) *uint256.Int {
		if v == nil {
			return new(uint256.Int)
		}
		return v
	}
	for i := range res {
		c, r := &b.Calls[i], &res[i]
		value := orZero(c.Value)
		al := c.AccessList
		if al == nil {
			al = types.AccessList{}
		}
		var data types.TxData
		switch {
		case c.AuthList != nil && c.To != nil:
			data = &types.SetCodeTx{ChainID: uint256.MustFromBig(chain.ChainID), Nonce: r.nonce, GasTipCap: orZero(c.GasTipCap),
				GasFeeCap: orZero(c.GasFeeCap), Gas: r.gas, To: *c.To, Value: value, Data: c.Data, AccessList: al, AuthList: c.AuthList}
		case c.GasPrice != nil && c.AccessList != nil:
			data = &types.AccessListTx{ChainID: chain.ChainID, Nonce: r.nonce, GasPrice: c.GasPrice.ToBig(), Gas: r.gas, To: c.To, Value: value.ToBig(), Data: c.Data, AccessList: al}
		case c.GasPrice != nil:
			data = &types.LegacyTx{Nonce: r.nonce, GasPrice: c.GasPrice.ToBig(), Gas: r.gas, To: c.To, Value: value.ToBig(), Data: c.Data}
		default:
			data = &types.DynamicFeeTx{ChainID: chain.ChainID, Nonce: r.nonce, GasTipCap: orZero(c.GasTipCap).ToBig(), GasFeeCap: orZero(c.GasFeeCap).ToBig(),
				Gas: r.gas, To: c.To, Value: value.ToBig(), Data: c.Data, AccessList: al}
		}
		txs[i] = types.NewTx(data)
		cumulative += r.GasUsed
		receipt := &types.Receipt{Type: txs[i].Type(), CumulativeGasUsed: cumulative, Logs: r.stateLogs, TxHash: txs[i].Hash(),
			GasUsed: r.GasUsed, BlockNumber: h.Number, TransactionIndex: uint(i), Status: types.ReceiptStatusSuccessful}
		if r.Err != nil {
			receipt.Status = types.ReceiptStatusFailed
		}
		if receipt.Logs == nil {
			receipt.Logs = []*types.Log{}
		}
		receipt.Bloom = types.CreateBloom(receipt)
		receipts[i] = receipt
	}
	return txs, receipts
}

// rpcTransaction is a simulated transaction in full, in the shape (and
// field order) of the node's RPC transactions.
type rpcTransaction struct {
	BlockHash        *common.Hash      `json:"blockHash"`
	BlockNumber      *hexutil.Big      `json:"blockNumber"`
	BlockTimestamp   *hexutil.Uint64   `json:"blockTimestamp"`
	From             common.Address    `json:"from"`
	Gas              hexutil.Uint64    `json:"gas"`
	GasPrice         *hexutil.Big      `json:"gasPrice"`
	GasFeeCap        *hexutil.Big      `json:"maxFeePerGas,omitempty"`
	GasTipCap        *hexutil.Big      `json:"maxPriorityFeePerGas,omitempty"`
	Hash             common.Hash       `json:"hash"`
	Input            hexutil.Bytes     `json:"input"`
	Nonce            hexutil.Uint64    `json:"nonce"`
	To               *common.Address   `json:"to"`
	TransactionIndex *hexutil.Uint64   `json:"transactionIndex"`
	Value            *hexutil.Big      `json:"value"`
	Type             hexutil.Uint64    `json:"type"`
	Accesses         *types.AccessList `json:"accessList,omitempty"`
	ChainID          *hexutil.Big      `json:"chainId,omitempty"`
	// AuthorizationList: a set-code transaction's.
	AuthorizationList []types.SetCodeAuthorization `json:"authorizationList,omitempty"`
	V                 *hexutil.Big                 `json:"v"`
	R                 *hexutil.Big                 `json:"r"`
	S                 *hexutil.Big                 `json:"s"`
	YParity           *hexutil.Uint64              `json:"yParity,omitempty"`
}

// fullTransaction is tx, the index-th of b, sent by from, in full.
func (b *ChainBlock) fullTransaction(index int, tx *types.Transaction, from common.Address) *rpcTransaction {
	h := b.Block.Header()
	hash, number, i := b.Block.Hash(), h.Number.Uint64(), hexutil.Uint64(index)
	v, r, s := tx.RawSignatureValues()
	out := &rpcTransaction{BlockHash: &hash, BlockNumber: (*hexutil.Big)(new(big.Int).SetUint64(number)), BlockTimestamp: (*hexutil.Uint64)(&h.Time),
		From: from, Gas: hexutil.Uint64(tx.Gas()), GasPrice: (*hexutil.Big)(tx.GasPrice()), Hash: tx.Hash(), Input: tx.Data(),
		Nonce: hexutil.Uint64(tx.Nonce()), To: tx.To(), TransactionIndex: &i, Value: (*hexutil.Big)(tx.Value()), Type: hexutil.Uint64(tx.Type()),
		V: (*hexutil.Big)(v), R: (*hexutil.Big)(r), S: (*hexutil.Big)(s)}
	if tx.Type() == types.LegacyTxType {
		if id := tx.ChainId(); id.Sign() != 0 {
			out.ChainID = (*hexutil.Big)(id)
		}
		return out
	}
	al := tx.AccessList()
	parity := hexutil.Uint64(v.Sign())
	out.Accesses, out.ChainID, out.YParity = &al, (*hexutil.Big)(tx.ChainId()), &parity
	out.AuthorizationList = tx.SetCodeAuthorizations()
	if tx.Type() == types.DynamicFeeTxType || tx.Type() == types.SetCodeTxType {
		out.GasFeeCap, out.GasTipCap = (*hexutil.Big)(tx.GasFeeCap()), (*hexutil.Big)(tx.GasTipCap())
		price := new(big.Int).Add(tx.GasTipCap(), h.BaseFee) // paid: the tip above the base fee, up to the cap
		if price.Cmp(tx.GasFeeCap()) > 0 {
			price.Set(tx.GasFeeCap())
		}
		out.GasPrice = (*hexutil.Big)(price)
	}
	return out
}

// Simulated is b as eth_simulateV1 returns it (the node's RPC block with
// transaction hashes, or with full transactions, and "calls").
func (b *ChainBlock) Simulated(fullTx bool) map[string]any {
	h := b.Block.Header()
	fields := map[string]any{
		"number": (*hexutil.Big)(h.Number), "hash": b.Block.Hash(), "parentHash": h.ParentHash, "nonce": h.Nonce,
		"mixHash": h.MixDigest, "sha3Uncles": h.UncleHash, "logsBloom": h.Bloom, "stateRoot": h.Root, "miner": h.Coinbase,
		"difficulty": (*hexutil.Big)(h.Difficulty), "extraData": hexutil.Bytes(h.Extra), "gasLimit": hexutil.Uint64(h.GasLimit),
		"gasUsed": hexutil.Uint64(h.GasUsed), "timestamp": hexutil.Uint64(h.Time), "transactionsRoot": h.TxHash,
		"receiptsRoot": h.ReceiptHash, "size": hexutil.Uint64(b.Block.Size()), "uncles": []common.Hash{},
	}
	if h.BaseFee != nil {
		fields["baseFeePerGas"] = (*hexutil.Big)(h.BaseFee)
	}
	if h.WithdrawalsHash != nil {
		fields["withdrawalsRoot"] = h.WithdrawalsHash
	}
	if h.BlobGasUsed != nil {
		fields["blobGasUsed"] = hexutil.Uint64(*h.BlobGasUsed)
	}
	if h.ExcessBlobGas != nil {
		fields["excessBlobGas"] = hexutil.Uint64(*h.ExcessBlobGas)
	}
	if h.ParentBeaconRoot != nil {
		fields["parentBeaconBlockRoot"] = h.ParentBeaconRoot
	}
	if h.RequestsHash != nil {
		fields["requestsHash"] = h.RequestsHash
	}
	if h.SlotNumber != nil {
		fields["slotNumber"] = hexutil.Uint64(*h.SlotNumber)
	}
	if w := b.Block.Withdrawals(); w != nil {
		fields["withdrawals"] = w
	}
	txs := make([]any, len(b.Block.Transactions()))
	for i, tx := range b.Block.Transactions() {
		txs[i] = tx.Hash()
		if fullTx {
			txs[i] = b.fullTransaction(i, tx, b.senders[i])
		}
	}
	fields["transactions"] = txs
	calls := make([]SimulatedCall, len(b.Calls))
	for i := range b.Calls {
		calls[i] = b.Calls[i].Simulated()
	}
	fields["calls"] = calls
	return fields
}
