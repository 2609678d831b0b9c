package sim

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
)

// eth_simulateV1's traceTransfers: each transfer of ether by a call or
// creation (not DELEGATECALL or CALLCODE, which move none) is reported as
// an ERC-20 Transfer log from ERC-7528's ether address, in order among the
// logs the code emits, and dropped with them when its frame reverts.

var (
	// EtherAddress is ERC-7528's address for ether in token events.
	EtherAddress = common.HexToAddress("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE")
	// transferTopic is keccak256("Transfer(address,address,uint256)").
	transferTopic = common.HexToHash("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
)

// transferLogs collects one call's logs, ether transfers included, frame
// by frame.
type transferLogs struct {
	frames [][]*types.Log // the open frames' logs, outermost first
	logs   []*types.Log   // the call's, once its outermost frame exits
}

func (t *transferLogs) hooks() *tracing.Hooks {
	return &tracing.Hooks{OnEnter: t.onEnter, OnExit: t.onExit, OnLog: t.onLog}
}

func (t *transferLogs) onEnter(_ int, typ byte, from, to common.Address, _ []byte, _ uint64, value *big.Int) {
	t.frames = append(t.frames, nil)
	if op := vm.OpCode(typ); op != vm.DELEGATECALL && op != vm.CALLCODE && value != nil && value.Sign() > 0 {
		t.add(&types.Log{Address: EtherAddress, Topics: []common.Hash{transferTopic, common.BytesToHash(from[:]), common.BytesToHash(to[:])},
			Data: common.BigToHash(value).Bytes()})
	}
}

func (t *transferLogs) onExit(_ int, _ []byte, _ uint64, _ error, reverted bool) {
	n := len(t.frames)
	if n == 0 {
		return
	}
	top := t.frames[n-1]
	t.frames = t.frames[:n-1]
	switch {
	case reverted:
	case n == 1:
		t.logs = top
	default:
		t.frames[n-2] = append(t.frames[n-2], top...)
	}
}

func (t *transferLogs) onLog(l *types.Log) {
	t.add(&types.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
}

func (t *transferLogs) add(l *types.Log) {
	if n := len(t.frames); n > 0 {
		t.frames[n-1] = append(t.frames[n-1], l)
	}
}
