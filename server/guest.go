package server

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// hyvmAPI is the hyvm namespace: what only hyvm serves.
type hyvmAPI struct{ s *Server }

// guestArgs is hyvm_runGuest's parameter: a guest and the DELEGATECALL
// into HyVM that runs it.
type guestArgs struct {
	Guest  hexutil.Bytes   `json:"guest"`
	Host   common.Address  `json:"host"`   // ADDRESS of the guest: its storage, balance and logs
	Caller common.Address  `json:"caller"` // CALLER of the guest, and the transaction's origin
	Value  *hexutil.Big    `json:"value,omitempty"`
	Gas    *hexutil.Uint64 `json:"gas,omitempty"`   // the HyVM frame's (default: the gas cap)
	Trace  bool            `json:"trace,omitempty"` // return the guest's opcode trace (the struct logger's)
}

// guestResult is hyvm_runGuest's answer.
type guestResult struct {
	Success    bool            `json:"success"`
	ReturnData hexutil.Bytes   `json:"returnData"`
	GasUsed    hexutil.Uint64  `json:"gasUsed"`
	Error      string          `json:"error,omitempty"`
	Logs       []*types.Log    `json:"logs"`
	StateDiff  hyvm.StateDiff  `json:"stateDiff"`
	Trace      json.RawMessage `json:"trace,omitempty"`
}

// RunGuest is hyvm_runGuest: the guest run through HyVM (hyvm.Run, as the
// host's DELEGATECALL into HyVM runs it, in a transaction from caller to
// host) on the forked state, with its result, logs, the state it changed
// and, with trace, the struct logger's trace of the guest and what it
// called (guest pcs, HyVM's gas).
func (api *hyvmAPI) RunGuest(ctx context.Context, args guestArgs) (out *guestResult, err error) {
	s := api.s
	var used uint64
	defer s.track("hyvm_runGuest", &used, &err)()
	gas := s.cfg.GasCap
	if args.Gas != nil {
		gas = min(uint64(*args.Gas), s.cfg.GasCap)
	}
	var value *uint256.Int
	if args.Value != nil {
		v, overflow := uint256.FromBig(args.Value.ToInt())
		if overflow {
			return nil, fmt.Errorf("value %v above 2^256-1", args.Value)
		}
		value = v
	}
	var tracer *tracing.Hooks
	var trace func() (json.RawMessage, error)
	if args.Trace {
		l := logger.NewStructLogger(&logger.Config{})
		tracer, trace = l.Hooks(), l.GetResult
	}
	defer contain(&err, "running a guest")
	ctx, cancel := s.request(ctx)
	defer cancel()
	st := hyvmstate.New(s.fork.State(ctx))
	if tracer != nil {
		// The struct logger reads the transaction's context from its
		// start, and its gas from its end, as debug_traceCall tells it.
		tracer.OnTxStart(runtime.VMContext(&s.block, st), types.NewTx(&types.LegacyTx{To: &args.Host, Gas: gas, Data: args.Guest}), args.Caller)
	}
	res, err := hyvm.Run(ctx, st, hyvm.Context{Fork: s.cfg.Fork, ChainID: s.chain.ChainID, Block: s.block, Origin: args.Caller,
		Host: args.Host, Caller: args.Caller, Value: value, Gas: gas, Depth: 1, Cache: s.cache, Backend: s.cfg.Backend,
		AOT: s.cfg.AOT, StateDiff: true, Tracer: tracer}, args.Guest)
	if err != nil {
		return nil, err
	}
	used = res.GasUsed
	out = &guestResult{Success: res.Success, ReturnData: res.ReturnData, GasUsed: hexutil.Uint64(res.GasUsed), Logs: res.Logs, StateDiff: res.StateDiff}
	if out.Logs == nil {
		out.Logs = []*types.Log{}
	}
	if res.Err != nil {
		out.Error = res.Err.Error()
	}
	if trace != nil {
		tracer.OnTxEnd(&types.Receipt{GasUsed: res.GasUsed}, nil)
		if out.Trace, err = trace(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
