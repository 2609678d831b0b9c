package sim

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// CallArgs is a call in the JSON shape eth_call and eth_simulateV1 take.
type CallArgs struct {
	From                 common.Address    `json:"from"`
	To                   *common.Address   `json:"to"`
	Input                *hexutil.Bytes    `json:"input,omitempty"`
	Data                 *hexutil.Bytes    `json:"data,omitempty"` // the older name of input
	Value                *hexutil.Big      `json:"value,omitempty"`
	Gas                  *hexutil.Uint64   `json:"gas,omitempty"`
	Nonce                *hexutil.Uint64   `json:"nonce,omitempty"`
	GasPrice             *hexutil.Big      `json:"gasPrice,omitempty"`
	MaxFeePerGas         *hexutil.Big      `json:"maxFeePerGas,omitempty"`
	MaxPriorityFeePerGas *hexutil.Big      `json:"maxPriorityFeePerGas,omitempty"`
	AccessList           *types.AccessList `json:"accessList,omitempty"`
	// EIP-7702 authorizations: the call is a set-code transaction's.
	AuthorizationList []types.SetCodeAuthorization `json:"authorizationList,omitempty"`
	// A blob transaction's hashes, which hyvm's calls do not take yet: a
	// call giving them is refused rather than run without.
	BlobVersionedHashes []common.Hash `json:"blobVersionedHashes,omitempty"`
}

// Call is a as a Call; defaultGas is its gas when a gives none.
func (a *CallArgs) Call(defaultGas uint64) (Call, error) {
	c := Call{From: a.From, To: a.To, Gas: defaultGas}
	if a.BlobVersionedHashes != nil {
		return c, errors.New("blobVersionedHashes are not supported by hyvm's calls yet")
	}
	if a.AuthorizationList != nil {
		if a.To == nil {
			return c, core.ErrSetCodeTxCreate
		}
		c.AuthList = a.AuthorizationList
	}
	switch {
	case a.Input != nil:
		c.Data = *a.Input
	case a.Data != nil:
		c.Data = *a.Data
	}
	if a.Gas != nil {
		c.Gas = uint64(*a.Gas)
	}
	if a.Nonce != nil {
		n := uint64(*a.Nonce)
		c.Nonce = &n
	}
	if a.AccessList != nil {
		c.AccessList = *a.AccessList
	}
	var err error
	for _, q := range []struct {
		name string
		from *hexutil.Big
		to   **uint256.Int
	}{{"value", a.Value, &c.Value}, {"gasPrice", a.GasPrice, &c.GasPrice},
		{"maxFeePerGas", a.MaxFeePerGas, &c.GasFeeCap}, {"maxPriorityFeePerGas", a.MaxPriorityFeePerGas, &c.GasTipCap}} {
		if q.from == nil {
			continue
		}
		v, overflow := uint256.FromBig((*big.Int)(q.from))
		if overflow {
			err = errors.Join(err, fmt.Errorf("%s %v above 2^256-1", q.name, q.from))
		}
		*q.to = v
	}
	return c, err
}

// ArgsOf is c in CallArgs' shape.
func ArgsOf(c Call) CallArgs {
	data := hexutil.Bytes(c.Data)
	gas := hexutil.Uint64(c.Gas)
	a := CallArgs{From: c.From, To: c.To, Input: &data, Gas: &gas}
	if c.Nonce != nil {
		n := hexutil.Uint64(*c.Nonce)
		a.Nonce = &n
	}
	quantity := func(v *uint256.Int) *hexutil.Big {
		if v == nil {
			return nil
		}
		return (*hexutil.Big)(v.ToBig())
	}
	a.Value, a.GasPrice, a.MaxFeePerGas, a.MaxPriorityFeePerGas = quantity(c.Value), quantity(c.GasPrice), quantity(c.GasFeeCap), quantity(c.GasTipCap)
	if c.AccessList != nil {
		al := c.AccessList
		a.AccessList = &al
	}
	a.AuthorizationList = c.AuthList
	return a
}

// SimulateRequest is eth_simulateV1's first parameter.
type SimulateRequest struct {
	BlockStateCalls []BlockStateCalls `json:"blockStateCalls"`
	Validation      bool              `json:"validation"`
	TraceTransfers  bool              `json:"traceTransfers"`
	// ReturnFullTransactions asks for transactions in full rather than
	// their hashes.
	ReturnFullTransactions bool `json:"returnFullTransactions,omitempty"`
}

// BlockStateCalls is one block of a SimulateRequest.
type BlockStateCalls struct {
	BlockOverrides *BlockOverrides `json:"blockOverrides,omitempty"`
	StateOverrides StateOverride   `json:"stateOverrides,omitempty"`
	Calls          []CallArgs      `json:"calls"`
}

// RequestOf is bundles, one a block, as an eth_simulateV1 request.
func RequestOf(bundles []Bundle, validation bool) SimulateRequest {
	r := SimulateRequest{Validation: validation}
	for _, b := range bundles {
		block := BlockStateCalls{BlockOverrides: b.BlockOverrides, StateOverrides: b.StateOverrides, Calls: []CallArgs{}}
		for _, c := range b.Calls {
			block.Calls = append(block.Calls, ArgsOf(c))
		}
		r.BlockStateCalls = append(r.BlockStateCalls, block)
	}
	return r
}

// Bundles is r as Simulate runs it; defaultGas is a call's gas when it
// gives none.
func (r *SimulateRequest) Bundles(defaultGas uint64) ([]Bundle, error) {
	if len(r.BlockStateCalls) == 0 {
		return nil, errors.New("no blockStateCalls")
	}
	out := make([]Bundle, len(r.BlockStateCalls))
	for k, block := range r.BlockStateCalls {
		out[k] = Bundle{StateOverrides: block.StateOverrides, BlockOverrides: block.BlockOverrides, Validation: r.Validation, TraceTransfers: r.TraceTransfers}
		for i := range block.Calls {
			c, err := block.Calls[i].Call(defaultGas)
			if err != nil {
				return nil, fmt.Errorf("block %d, call %d: %w", k, i, err)
			}
			c.gasUnset = block.Calls[i].Gas == nil
			out[k].Calls = append(out[k].Calls, c)
		}
	}
	return out, nil
}

// SimulatedCall is a call's result as eth_simulateV1 returns it: a failed
// call's revert data is in its error.
type SimulatedCall struct {
	ReturnData hexutil.Bytes  `json:"returnData"`
	Logs       []*types.Log   `json:"logs"`
	GasUsed    hexutil.Uint64 `json:"gasUsed"`
	MaxUsedGas hexutil.Uint64 `json:"maxUsedGas"`
	Status     hexutil.Uint64 `json:"status"`
	Error      *SimulateError `json:"error,omitempty"`
}

// SimulateError is a failed call's error in a SimulatedCall.
type SimulateError struct {
	Message string         `json:"message"` // in the node's order
	Code    int            `json:"code"`
	Data    *hexutil.Bytes `json:"data,omitempty"` // a revert's, "0x" if empty
}

// Simulated is r as eth_simulateV1 returns it.
func (r *CallResult) Simulated() SimulatedCall {
	s := SimulatedCall{ReturnData: r.ReturnData, Logs: r.Logs, GasUsed: hexutil.Uint64(r.GasUsed), MaxUsedGas: hexutil.Uint64(r.MaxUsedGas),
		Status: hexutil.Uint64(types.ReceiptStatusSuccessful)}
	if s.Logs == nil {
		s.Logs = []*types.Log{}
	}
	if r.Err != nil {
		s.ReturnData, s.Logs, s.Status = hexutil.Bytes{}, []*types.Log{}, hexutil.Uint64(types.ReceiptStatusFailed)
		s.Error = &SimulateError{Code: -32015, Message: r.Err.Error()}
		if errors.Is(r.Err, vm.ErrExecutionReverted) {
			data := hexutil.Bytes(r.ReturnData)
			if data == nil {
				data = hexutil.Bytes{}
			}
			s.Error = &SimulateError{Code: 3, Message: r.Err.Error(), Data: &data}
			if reason, err := abi.UnpackRevert(r.ReturnData); err == nil {
				s.Error.Message += ": " + reason // as go-ethereum's node decodes Error(string)
			}
		}
	}
	return s
}
