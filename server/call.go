package server

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// How the server runs one call, as go-ethereum's node runs it for
// eth_call (internal/ethapi's doCall): on a fresh overlay over the forked
// state with the request's state overrides, in the forked block with its
// block overrides, the message as TransactionArgs.ToMessage makes it and
// runtime.ApplyCall applies it (no nonce, sender-code or gas-cap checks),
// the base fee lowered to 0 for a call without fees.

// callSpec is a call request: the call and where it runs.
type callSpec struct {
	args           *sim.CallArgs
	block          *rpc.BlockNumberOrHash
	overrides      *sim.StateOverride
	blockOverrides *sim.BlockOverrides
	accessList     *types.AccessList // eth_createAccessList's, replacing none
	gas            *uint64           // eth_estimateGas's trial gas
}

// prepared is a call ready to run: its state, block and message.
type prepared struct {
	st          *hyvmstate.Overlay
	block       vm.BlockContext
	msg         *core.Message
	precompiles vm.PrecompiledContracts // the overrides', if they move any
}

// prepare builds what c runs on: a new overlay and block each time.
func (s *Server) prepare(ctx context.Context, c *callSpec) (*prepared, error) {
	block, err := s.blockAt(c.block)
	if err != nil {
		return nil, err
	}
	if err := c.blockOverrides.Apply(&block); err != nil {
		return nil, err
	}
	st := s.overlay(ctx)
	var precompiles vm.PrecompiledContracts
	if c.overrides != nil {
		if precompiles, err = c.overrides.Apply(st, s.cfg.Fork); err != nil {
			s.release(st)
			return nil, err
		}
	}
	msg, err := s.message(c, block.BaseFee)
	if err != nil {
		s.release(st)
		return nil, err
	}
	if msg.GasPrice.IsZero() {
		block.BaseFee = new(big.Int)
	}
	return &prepared{st: st, block: block, msg: msg, precompiles: precompiles}, nil
}

// overlay returns an empty overlay over the forked state: from the pool
// (its pages of account and slot records kept), or new.
func (s *Server) overlay(ctx context.Context) *hyvmstate.Overlay {
	if o, _ := s.overlays.Get().(*hyvmstate.Overlay); o != nil {
		o.Reset(s.fork.State(ctx))
		return o
	}
	return hyvmstate.New(s.fork.State(ctx))
}

// release returns an overlay to the pool once nothing refers to it.
func (s *Server) release(o *hyvmstate.Overlay) {
	o.Reset(nil)
	s.overlays.Put(o)
}

// message is c's call as go-ethereum's eth_call makes its message
// (TransactionArgs.CallDefaults, then ToMessage): gas capped by the
// server's cap (all of it if none is given), the nonce given or 0, the
// price paid from the fee fields under baseFee (0 without them).
func (s *Server) message(c *callSpec, baseFee *big.Int) (*core.Message, error) {
	a := c.args
	if a.GasPrice != nil && (a.MaxFeePerGas != nil || a.MaxPriorityFeePerGas != nil) {
		return nil, errors.New("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
	}
	call, err := a.Call(s.cfg.GasCap)
	if err != nil {
		return nil, err
	}
	call.Gas = min(call.Gas, s.cfg.GasCap)
	if c.gas != nil {
		call.Gas = *c.gas
	}
	if c.accessList != nil {
		call.AccessList = *c.accessList
	}
	return call.Message(0, baseFee), nil
}

// run runs p's message (traced by tracer, if set) within the server's
// time limit.
func (s *Server) run(ctx context.Context, p *prepared, tracer *tracing.Hooks) (res *runtime.ExecutionResult, err error) {
	defer contain(&err, "running a call")
	ctx, cancel := s.request(ctx)
	defer cancel()
	cfg := runtime.Config{ChainID: s.chain.ChainID, Cache: s.cache, Backend: s.cfg.Backend, AOT: s.cfg.AOT, Tracer: tracer, Precompiles: p.precompiles}
	// An EVM keeps its call frames (33 KB each) across Reset: a request
	// takes one from the pool rather than allocating them again.
	evm, _ := s.evms.Get().(*runtime.EVM)
	if evm == nil {
		evm = runtime.NewEVM(p.block, p.st, s.cfg.Fork, cfg)
	} else {
		evm.Reset(p.block, p.st, s.cfg.Fork, cfg)
	}
	res, err = runtime.ApplyCall(ctx, evm, p.st, &p.block, s.cfg.Fork, p.msg)
	evm.Reset(vm.BlockContext{}, nil, s.cfg.Fork, runtime.Config{Cache: s.cache}) // holds no request's state in the pool
	s.evms.Put(evm)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, runtime.ErrAborted) && ctx.Err() != nil:
		return nil, fmt.Errorf("execution aborted (timeout = %v)", s.cfg.Timeout)
	case errors.Is(err, runtime.ErrAborted) || errors.Is(err, runtime.ErrInternal):
		return nil, err
	}
	return nil, fmt.Errorf("err: %w (supplied gas %d)", err, p.msg.GasLimit)
}

// revertError is a call's revert as go-ethereum's node reports it: code 3,
// "execution reverted" with the decoded reason, the revert data as the
// error's data.
type revertError struct {
	msg  string
	data string
}

func newRevertError(data []byte) *revertError {
	msg := vm.ErrExecutionReverted.Error()
	if reason, err := abi.UnpackRevert(data); err == nil {
		msg += ": " + reason
	}
	return &revertError{msg: msg, data: hexutil.Encode(data)}
}

func (e *revertError) Error() string  { return e.msg }
func (e *revertError) ErrorCode() int { return 3 }
func (e *revertError) ErrorData() any { return e.data }
