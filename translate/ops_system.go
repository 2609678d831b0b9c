package translate

import (
	"fmt"
	"math/bits"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Logs, halts, calls and creations.

// logWithTopics holds a log, up to four topics and short data in one
// allocation.
type logWithTopics struct {
	log    types.Log
	topics [4]common.Hash
	data   [logInlineData]byte
}

// logInlineData is how much log data is kept in the log's own allocation.
const logInlineData = 64

// A log of one to three topics and at most a word of data (ERC-20's and
// WETH's Transfer, Approval, Deposit) takes an allocation its size: logs
// are a third of the bytes a call-heavy payload's run allocates, which
// the collector charges for.
type (
	log1Word struct {
		log    types.Log
		topics [1]common.Hash
		data   [32]byte
	}
	log2Word struct {
		log    types.Log
		topics [2]common.Hash
		data   [32]byte
	}
	log3Word struct {
		log    types.Log
		topics [3]common.Hash
		data   [32]byte
	}
)

// newLog returns a log with room for n topics and, when size is at most
// logInlineData, its data, in one allocation; data is nil otherwise.
func newLog(n int, size uint64) (l *types.Log, topics []common.Hash, data []byte) {
	if size <= 32 {
		switch n {
		case 1:
			x := new(log1Word)
			return &x.log, x.topics[:], x.data[:size:size]
		case 2:
			x := new(log2Word)
			return &x.log, x.topics[:], x.data[:size:size]
		case 3:
			x := new(log3Word)
			return &x.log, x.topics[:], x.data[:size:size]
		}
	}
	x := new(logWithTopics)
	if size <= logInlineData {
		data = x.data[:size:size]
	}
	return &x.log, x.topics[:n:n], data
}

func makeLog(n int) opFn {
	return func(f *Frame) error {
		off, size := f.back(0), f.back(1)
		end, ok := memEnd(off, size)
		if !ok || !size.IsUint64() {
			return errGasOverflow
		}
		if end > maxMemorySize { // go-ethereum prices the memory first
			return memSizeError(end)
		}
		dataGas := size.Uint64() * blocks.LogDataGas
		if size.Uint64() != 0 && dataGas/blocks.LogDataGas != size.Uint64() {
			return errGasOverflow
		}
		extra := blocks.LogGas + uint64(n)*blocks.LogTopicGas + dataGas
		if extra < dataGas {
			return errGasOverflow
		}
		if err := f.chargeMemory(end, extra); err != nil {
			return err
		}
		// go-ethereum checks the static flag only when executing a charged
		// LOG: a trace shows its line, then the failure.
		if f.Static {
			return errWriteProtect
		}
		// The log and its topics are one allocation: logs outlive the
		// run (receipts, results), and a call-heavy payload emits several.
		length := size.Uint64()
		l, topics, data := newLog(n, length)
		for i := range n {
			topics[i] = f.back(2 + i).Bytes32()
		}
		switch {
		case data == nil:
			data = f.Mem.copyOf(off.Uint64(), length)
		case length > 0:
			copy(data, f.Mem.store[off.Uint64():])
		default:
			data = nil // no data: nil, as go-ethereum's
		}
		f.sp -= 2 + n
		*l = types.Log{
			Address:     f.Address,
			Topics:      topics,
			Data:        data,
			BlockNumber: f.Env.Number.Uint64(),
		}
		f.Env.State.AddLog(l)
		// go-ethereum's hooked state tells the tracer of every log it
		// adds (callTracer's withLog reads them from there).
		if t := f.Env.Tracer; t != nil && t.OnLog != nil {
			t.OnLog(l)
		}
		return nil
	}
}

// opHaltWithData implements RETURN and REVERT: the terminator of the block
// then decides the frame's outcome.
func opHaltWithData(f *Frame) error {
	off, size := f.back(0), f.back(1)
	end, ok := memEnd(off, size)
	if !ok {
		return errGasOverflow
	}
	if err := f.chargeMemory(end, 0); err != nil {
		return err
	}
	f.sp -= 2
	// The output lives in a buffer the frame reuses: it stays valid until
	// the frame's slot runs another call, by which time the caller has
	// replaced it as its return data (see Frame.outBuf).
	f.out = nil
	if n := size.Uint64(); n > 0 {
		f.outBuf = append(f.outBuf[:0], f.Mem.view(off.Uint64(), n)...)
		f.out = f.outBuf
	}
	return nil
}

func opSelfdestruct(f *Frame) error {
	if f.Static {
		return errWriteProtectGas
	}
	st := f.Env.State
	beneficiary := common.Address(f.back(0).Bytes20())
	var cost uint64
	if !st.AddressInAccessList(beneficiary) {
		st.AddAddressToAccessList(beneficiary)
		cost = blocks.ColdAccountAccessCost
	}
	if cost > 0 && f.Gas < cost {
		return errOutOfGasInGasFn
	}
	if st.Empty(beneficiary) && !st.GetBalance(f.Address).IsZero() {
		cost += blocks.CreateBySelfdestructGas
	}
	if !f.useGas(cost) {
		return errOutOfGas
	}
	f.sp--
	balance := *st.GetBalance(f.Address)
	if st.IsNewContract(f.Address) {
		// EIP-6780: only a contract created in this transaction is deleted.
		if f.Address != beneficiary {
			st.AddBalance(beneficiary, &balance, tracing.BalanceIncreaseSelfdestruct)
		}
		st.SubBalance(f.Address, &balance, tracing.BalanceDecreaseSelfdestruct)
		st.SelfDestruct(f.Address)
	} else if f.Address != beneficiary {
		st.SubBalance(f.Address, &balance, tracing.BalanceDecreaseSelfdestruct)
		st.AddBalance(beneficiary, &balance, tracing.BalanceIncreaseSelfdestruct)
	}
	if t := f.Env.Tracer; t != nil {
		t.EmitEnter(f.Depth, byte(blocks.SELFDESTRUCT), f.Address, beneficiary, []byte{}, tracing.Gas{}, balance.ToBig())
		t.EmitExit(f.Depth, []byte{}, tracing.Gas{}, tracing.Gas{}, nil, false)
	}
	return nil
}

// callArgs are the stack positions (0 = top) of a CALL-family
// instruction's operands: gas (0), addr (1), [value,] inOffset, inSize,
// retOffset, retSize, as the opcode table's memory operands place them.
type callArgs struct {
	value                          int8 // -1: no value operand
	inOff, inSize, retOff, retSize int8
}

const callGasArg, callAddrArg = 0, 1

func callArgsOf(kind blocks.Opcode) callArgs {
	in, ret := kind.Info().Mem[0], kind.Info().Mem[1]
	a := callArgs{value: -1, inOff: in.Offset, inSize: in.Size, retOff: ret.Offset, retSize: ret.Size}
	if a.inOff > callAddrArg+1 {
		a.value = callAddrArg + 1 // between the address and the input
	}
	return a
}

// makeCall implements CALL, CALLCODE, DELEGATECALL and STATICCALL.
func makeCall(kind blocks.Opcode, fork blocks.Fork) opFn {
	args := callArgsOf(kind)
	return func(f *Frame) error {
		st := f.Env.State
		reqGas, addrWord := f.back(callGasArg), f.back(callAddrArg)
		addr := common.Address(addrWord.Bytes20())
		var value *uint256.Int
		if args.value >= 0 {
			value = f.back(int(args.value))
		}
		inOff, inSize := f.back(int(args.inOff)), f.back(int(args.inSize))
		retOff, retSize := f.back(int(args.retOff)), f.back(int(args.retSize))
		transfers := value != nil && !value.IsZero()
		if kind == blocks.CALL && f.Static && transfers {
			return errWriteProtectGas
		}
		inEnd, ok1 := memEnd(inOff, inSize)
		retEnd, ok2 := memEnd(retOff, retSize)
		if !ok1 || !ok2 {
			return errGasOverflow
		}
		// The charges below follow go-ethereum's order exactly: the cold
		// account surcharge, then memory and value transfer, then the new
		// account charge, then (Prague) the delegation target's access.
		gasBefore := f.Gas
		var charged uint64
		charge := func(n uint64) bool {
			if f.Gas < n {
				return false
			}
			f.Gas -= n
			charged += n
			return true
		}
		if !st.AddressInAccessList(addr) {
			st.AddAddressToAccessList(addr)
			if !charge(blocks.ColdAccountSurcharge) {
				return f.failCharge(gasBefore, charged)
			}
		}
		memCost, newSize, err := f.Mem.expansionCost(max(inEnd, retEnd))
		if err != nil {
			return err
		}
		intrinsic := memCost
		if transfers {
			intrinsic += blocks.CallValueTransferGas
		}
		// go-ethereum's CALL pricing fails for want of the memory and value
		// costs (and from Prague every call's fails for want of its
		// intrinsic cost); before Prague the others, and CALL for want of
		// the new account's cost, price the call anyway.
		if (kind == blocks.CALL || fork >= blocks.Prague) && f.Gas < intrinsic {
			return f.failCharge(gasBefore, charged)
		}
		newAccount := newAccountGas(kind, transfers, st, addr)
		if fork < blocks.Prague && f.Gas < intrinsic+newAccount {
			return f.failPricedCall(gasBefore, charged, intrinsic+newAccount, reqGas)
		}
		intrinsic += newAccount
		if !charge(intrinsic) {
			return f.failCharge(gasBefore, charged)
		}
		if fork >= blocks.Prague {
			if target, ok := isDelegation(st.GetCode(addr)); ok {
				cost := blocks.WarmStorageReadCost
				if !st.AddressInAccessList(target) {
					st.AddAddressToAccessList(target)
					cost = blocks.ColdAccountAccessCost
				}
				if !charge(cost) {
					return f.failCharge(gasBefore, charged)
				}
			}
		}
		// EIP-150: forward at most all but one 64th of what is left.
		callGas := f.Gas - f.Gas/64
		if reqGas.IsUint64() && reqGas.Uint64() < callGas {
			callGas = reqGas.Uint64()
		}
		// Report the whole charge as one cost to a tracer, then take it.
		f.Gas = gasBefore
		if !f.useGas(charged + callGas) {
			return errOutOfGas
		}
		if err := f.growMemory(newSize); err != nil {
			return err
		}
		if transfers {
			callGas += blocks.CallStipend
		}
		val := &f.argValue
		if value != nil {
			*val = *value
		} else {
			val.Clear()
		}
		input := f.Mem.view(inOff.Uint64(), inSize.Uint64())
		f.callInOff = inOff.Uint64()
		retOffset, retLen := retOff.Uint64(), retSize.Uint64()
		f.sp -= int(args.retSize) + 1 // retSize is the deepest operand
		f.holdMemory()
		ret, left, err := f.Env.Host.Call(f, kind, addr, input, callGas, val)
		f.releaseMemory()
		if HaltsExecution(err) {
			return err
		}
		res := f.push()
		if err != nil {
			res.Clear()
		} else {
			res.SetOne()
		}
		if err == nil || err == errExecReverted {
			f.Mem.set(retOffset, ret[:min(uint64(len(ret)), retLen)])
		}
		f.Gas += left
		f.ReturnData = ret
		return nil
	}
}

// newAccountGas is what a CALL sending value to an empty account adds.
func newAccountGas(kind blocks.Opcode, transfers bool, st vm.StateDB, addr common.Address) uint64 {
	if kind == blocks.CALL && transfers && st.Empty(addr) {
		return blocks.CallNewAccountGas
	}
	return 0
}

// failPricedCall ends a call, before Prague, whose intrinsic cost (all but
// the cold surcharge, already charged) exceeds the gas left where
// go-ethereum's gas function does not fail for it: it subtracts the intrinsic cost from the
// gas left, wrapping around, and forwards all but a 64th of that or the
// gas asked for, and the total it returns is more than the frame has. The
// trace shows that total, and the error is a plain out of gas.
func (f *Frame) failPricedCall(gasBefore, charged, intrinsic uint64, reqGas *uint256.Int) error {
	avail := f.Gas - intrinsic // wraps, as go-ethereum's does
	callGas := avail - avail/64
	if reqGas.IsUint64() && reqGas.Uint64() < callGas {
		callGas = reqGas.Uint64()
	}
	f.Gas = gasBefore
	total, carry := bits.Add64(charged, intrinsic, 0)
	total, carry2 := bits.Add64(total, callGas, 0)
	if carry != 0 || carry2 != 0 {
		return errGasOverflowInGasFn
	}
	f.useGas(total) // fails: it reports the cost to a tracer
	return errOutOfGas
}

// failCharge ends a CALL whose gas ran out part-way; a traced run reports
// the pending line with the error when the frame fails.
func (f *Frame) failCharge(gasBefore, charged uint64) error {
	f.Gas = gasBefore
	return errOutOfGasInGasFn // as go-ethereum's gas function reports it
}

// makeCreate implements CREATE and CREATE2. Stack: value, offset, size[, salt].
func makeCreate(kind blocks.Opcode) opFn {
	return func(f *Frame) error {
		if f.Static {
			return errWriteProtectGas
		}
		value, off, size := f.back(0), f.back(1), f.back(2)
		end, ok := memEnd(off, size)
		if !ok {
			return errGasOverflow
		}
		cost, newSize, err := f.Mem.expansionCost(end)
		if err != nil {
			return err
		}
		if !size.IsUint64() || size.Uint64() > maxMemorySize {
			return errGasOverflow
		}
		if size.Uint64() > blocks.MaxInitCodeSize {
			// go-ethereum's gas function reports it, so as out of gas.
			return fmt.Errorf("%w: %w: code size %d limit %d", errOutOfGas, errMaxInitCodeLen, size.Uint64(), blocks.MaxInitCodeSize)
		}
		perWord := blocks.InitCodeWordGas // EIP-3860
		if kind == blocks.CREATE2 {
			perWord += blocks.Keccak256WordGas // hashing the initcode for the address
		}
		if !f.useGas(cost + (size.Uint64()+31)/32*perWord) {
			return errOutOfGas
		}
		if err := f.growMemory(newSize); err != nil {
			return err
		}
		val := &f.argValue
		*val = *value
		var salt *uint256.Int
		if kind == blocks.CREATE2 {
			salt = &f.argSalt
			*salt = *f.back(3)
			f.sp--
		}
		input := f.Mem.copyOf(off.Uint64(), size.Uint64())
		f.sp -= 3
		gas := f.Gas - f.Gas/64
		f.Gas -= gas
		f.holdMemory()
		ret, addr, left, err := f.Env.Host.Create(f, kind, input, gas, val, salt)
		f.releaseMemory()
		if HaltsExecution(err) {
			return err
		}
		res := f.push()
		if err != nil {
			res.Clear()
		} else {
			res.SetBytes20(addr[:])
		}
		f.Gas += left
		if err == errExecReverted {
			f.ReturnData = ret
		} else {
			f.ReturnData = nil
		}
		return nil
	}
}
