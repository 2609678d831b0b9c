package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// SetTxContext sets the hash and index of the transaction that logs added
// from now on belong to.
func (o *Overlay) SetTxContext(thash common.Hash, ti int, _ uint32) {
	o.thash, o.txIndex = thash, ti
}

// TxIndex returns the transaction index set by SetTxContext.
func (o *Overlay) TxIndex() int { return o.txIndex }

// AddLog records l, stamping it with the transaction hash and index and its
// index among the overlay's logs.
func (o *Overlay) AddLog(l *types.Log) {
	o.journal = append(o.journal, change{kind: kLog})
	l.TxHash = o.thash
	l.TxIndex = uint(o.txIndex)
	l.Index = uint(len(o.logs))
	o.logs = append(o.logs, l)
}

// Logs returns every log recorded since New, Reset or Join (or the last
// Merge or Release), in order. Flush does not pass logs on: they belong to
// receipts, not to the state. A joined overlay's logs are stamped by the
// backing state when Merge adds them there, not before.
func (o *Overlay) Logs() []*types.Log {
	return append([]*types.Log(nil), o.logs...)
}

// GetLogs returns the logs of transaction hash, stamped with the block's
// number, hash and time as receipts have them.
func (o *Overlay) GetLogs(hash common.Hash, blockNumber uint64, blockHash common.Hash, blockTime uint64) []*types.Log {
	var logs []*types.Log
	for _, l := range o.logs {
		if l.TxHash == hash {
			l.BlockNumber, l.BlockHash, l.BlockTimestamp = blockNumber, blockHash, blockTime
			logs = append(logs, l)
		}
	}
	return logs
}
