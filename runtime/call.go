package runtime

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// Call implements Machine: a message call from outside any frame.
//
// The returned data is owned by the EVM and valid until its next Call or
// Create (it is never copied, so steady-state calls do not allocate); copy
// it to keep it longer. An error for which HaltsExecution holds (ctx
// cancelled, a memory cap, an engine or state fault) means the call did not
// happen: the state is as it was before it.
func (e *EVM) Call(ctx context.Context, caller, addr common.Address, input []byte, gas uint64, value *uint256.Int) (ret []byte, left uint64, err error) {
	var x execution
	defer e.end(&x, &ret, &left, &err)
	if err = e.begin(ctx, &x); err != nil {
		return nil, 0, err
	}
	if value == nil {
		value = &e.zero
	}
	return e.call(blocks.CALL, caller, addr, input, gas, value, false)
}

// call runs CALL (static carries the caller frame's static flag).
func (e *EVM) call(kind blocks.Opcode, caller, addr common.Address, input []byte, gas uint64, value *uint256.Int, static bool) (ret []byte, left uint64, err error) {
	if e.traced {
		e.traceEnter(kind, caller, addr, input, gas, value)
		defer func() { e.traceExit(gas, left, ret, err) }()
	}
	if e.depth > MaxCallDepth {
		return nil, gas, vm.ErrDepth
	}
	st := e.env.State
	if !value.IsZero() && st.GetBalance(caller).Cmp(value) < 0 {
		return nil, gas, vm.ErrInsufficientBalance
	}
	snapshot := st.Snapshot()
	p, isPrecompile := e.precompile(addr)
	if !st.Exist(addr) {
		if !isPrecompile && value.IsZero() {
			return nil, gas, nil // calling a non-existing account does nothing
		}
		st.CreateAccount(addr)
	}
	// The transfer happens even for zero value: it touches the recipient.
	st.SubBalance(caller, value, tracing.BalanceChangeTransfer)
	st.AddBalance(addr, value, tracing.BalanceChangeTransfer)
	return e.enter(snapshot, p, addr, frameSpec{caller: caller, address: addr, input: input, gas: gas, value: value, static: static})
}

// enter runs a message call's code, or the precompile p when it is not nil,
// in the frame spec describes, with addr's code (an EIP-7702 delegation
// followed); on failure it reverts to snapshot. It returns the gas the
// caller gets back.
func (e *EVM) enter(snapshot int, p vm.PrecompiledContract, addr common.Address, spec frameSpec) (ret []byte, left uint64, err error) {
	if p != nil {
		if e.env.Abort.Load() { // a precompile may run long (modexp, pairings)
			return nil, 0, ErrAborted
		}
		ret, left, err = runPrecompile(p, spec.input, spec.gas)
	} else {
		spec.code, spec.codeHash = e.resolveCode(addr)
		spec.stateCode = true
		ret, left, err = e.runFrame(spec)
	}
	if err != nil {
		e.env.State.RevertToSnapshot(snapshot)
	}
	return ret, exitGas(left, err), err
}

// host is the EVM seen by compiled code (translate.Host); it is a separate
// type because its methods share names with Machine's.
type host struct{ e *EVM }

// Call dispatches a CALL-family instruction of frame f.
func (h host) Call(f *translate.Frame, kind translate.CallKind, addr common.Address, input []byte, gas uint64, value *uint256.Int) (ret []byte, left uint64, err error) {
	e := h.e
	switch kind {
	case blocks.CALL:
		return e.call(kind, f.Address, addr, input, gas, value, f.Static)
	case blocks.CALLCODE:
		return e.callCode(f.Address, addr, input, gas, value, f.Static)
	case blocks.DELEGATECALL:
		return e.delegateCall(f.Caller, f.Address, addr, input, gas, &f.Value, f.Static)
	default:
		return e.staticCall(f.Address, addr, input, gas)
	}
}

// callCode runs addr's code in the caller's account.
func (e *EVM) callCode(caller, addr common.Address, input []byte, gas uint64, value *uint256.Int, static bool) (ret []byte, left uint64, err error) {
	if e.traced {
		e.traceEnter(blocks.CALLCODE, caller, addr, input, gas, value)
		defer func() { e.traceExit(gas, left, ret, err) }()
	}
	if e.depth > MaxCallDepth {
		return nil, gas, vm.ErrDepth
	}
	st := e.env.State
	if st.GetBalance(caller).Cmp(value) < 0 {
		return nil, gas, vm.ErrInsufficientBalance
	}
	p, _ := e.precompile(addr)
	return e.enter(st.Snapshot(), p, addr, frameSpec{caller: caller, address: caller, input: input, gas: gas, value: value, static: static})
}

// delegateCall runs addr's code in the current frame's account, keeping
// its caller and value.
func (e *EVM) delegateCall(origCaller, self, addr common.Address, input []byte, gas uint64, value *uint256.Int, static bool) (ret []byte, left uint64, err error) {
	if e.traced {
		// go-ethereum reports the delegated frame as from self to addr.
		e.traceEnter(blocks.DELEGATECALL, self, addr, input, gas, value)
		defer func() { e.traceExit(gas, left, ret, err) }()
	}
	if e.depth > MaxCallDepth {
		return nil, gas, vm.ErrDepth
	}
	p, _ := e.precompile(addr)
	return e.enter(e.env.State.Snapshot(), p, addr, frameSpec{caller: origCaller, address: self, input: input, gas: gas, value: value, static: static})
}

// staticCall runs addr's code with state changes forbidden.
func (e *EVM) staticCall(caller, addr common.Address, input []byte, gas uint64) (ret []byte, left uint64, err error) {
	if e.traced {
		e.traceEnter(blocks.STATICCALL, caller, addr, input, gas, nil)
		defer func() { e.traceExit(gas, left, ret, err) }()
	}
	if e.depth > MaxCallDepth {
		return nil, gas, vm.ErrDepth
	}
	st := e.env.State
	snapshot := st.Snapshot()
	// A zero-value balance change touches addr, as go-ethereum does.
	st.AddBalance(addr, &e.zero, tracing.BalanceChangeTouchAccount)
	p, _ := e.precompile(addr)
	return e.enter(snapshot, p, addr, frameSpec{caller: caller, address: addr, input: input, gas: gas, value: &e.zero, static: true})
}

// resolveCode returns the code to run for addr and its hash, following an
// EIP-7702 delegation (Prague and later) one level.
func (e *EVM) resolveCode(addr common.Address) ([]byte, common.Hash) {
	st := e.env.State
	code := st.GetCode(addr)
	if e.env.Fork >= blocks.Prague {
		if target, ok := types.ParseDelegation(code); ok {
			return st.GetCode(target), st.GetCodeHash(target)
		}
	}
	return code, st.GetCodeHash(addr)
}

func (e *EVM) traceEnter(kind blocks.Opcode, from, to common.Address, input []byte, gas uint64, value *uint256.Int) {
	var bigValue *big.Int
	if value != nil {
		bigValue = value.ToBig()
	}
	e.env.Tracer.EmitEnter(e.depth, byte(kind), from, to, input, tracing.Gas{Execution: gas}, bigValue)
}

func (e *EVM) traceExit(gas, left uint64, ret []byte, err error) {
	e.env.Tracer.EmitExit(e.depth, ret, tracing.Gas{Execution: gas}, tracing.Gas{Execution: left}, vm.VMErrorFromErr(err), err != nil)
}
