// Package guest assembles HyVM guest payloads in Go: the EVM bytecode a
// wallet hands to HyVM, made of contract calls, storage writes, logs and
// loops, for hyvm.Run and hyvm.Runner. Guests only jump to JUMPDESTs, so
// the same bytes also run as a plain contract (to compare HyVM with native
// execution). Jump targets are PUSH3 immediates: a guest may be up to
// 16 MiB, far more than a transaction carries.
package guest

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// Builder appends instructions to a guest. Call data is written at memory
// 0; a call that fails makes the guest revert with the callee's output.
type Builder struct {
	code  []byte
	fails []int // offsets of PUSH3 immediates to patch with the fail handler
}

// Op appends opcodes.
func (b *Builder) Op(ops ...vm.OpCode) *Builder {
	for _, op := range ops {
		b.code = append(b.code, byte(op))
	}
	return b
}

// Push appends the shortest push of v (PUSH0 for zero).
func (b *Builder) Push(v *uint256.Int) *Builder {
	if v.IsZero() {
		return b.Op(vm.PUSH0)
	}
	n := (v.BitLen() + 7) / 8
	word := v.Bytes32()
	b.code = append(b.code, byte(vm.PUSH1)+byte(n-1))
	b.code = append(b.code, word[32-n:]...)
	return b
}

// PushUint pushes v.
func (b *Builder) PushUint(v uint64) *Builder { return b.Push(uint256.NewInt(v)) }

// PushAddr pushes an address.
func (b *Builder) PushAddr(a common.Address) *Builder {
	return b.Push(new(uint256.Int).SetBytes20(a[:]))
}

// Mem writes data at memory offset off, word by word (the last word
// zero-padded).
func (b *Builder) Mem(off uint64, data []byte) *Builder {
	for i := 0; i < len(data); i += 32 {
		b.Push(new(uint256.Int).SetBytes32(common.RightPadBytes(data[i:min(i+32, len(data))], 32)))
		b.PushUint(off + uint64(i)).Op(vm.MSTORE)
	}
	return b
}

// Call calls to with value and data (CALL), forwarding all gas; the guest
// reverts with the callee's output if the call fails.
func (b *Builder) Call(to common.Address, value *uint256.Int, data []byte) *Builder {
	b.Mem(0, data)
	b.PushUint(0).PushUint(0).PushUint(uint64(len(data))).PushUint(0)
	if value == nil {
		value = new(uint256.Int)
	}
	b.Push(value).PushAddr(to).Op(vm.GAS, vm.CALL)
	return b.onFailure()
}

// StaticCall is Call without value, through STATICCALL.
func (b *Builder) StaticCall(to common.Address, data []byte) *Builder {
	return b.callNoValue(vm.STATICCALL, to, data)
}

// DelegateCall runs to's code (a nested guest when to is HyVM) with data.
func (b *Builder) DelegateCall(to common.Address, data []byte) *Builder {
	return b.callNoValue(vm.DELEGATECALL, to, data)
}

func (b *Builder) callNoValue(op vm.OpCode, to common.Address, data []byte) *Builder {
	b.Mem(0, data)
	b.PushUint(0).PushUint(0).PushUint(uint64(len(data))).PushUint(0)
	b.PushAddr(to).Op(vm.GAS, op)
	return b.onFailure()
}

// onFailure jumps to the fail handler when the top of the stack is zero.
func (b *Builder) onFailure() *Builder {
	b.Op(vm.ISZERO, vm.PUSH3)
	b.fails = append(b.fails, len(b.code))
	b.code = append(b.code, 0, 0, 0)
	return b.Op(vm.JUMPI)
}

// RequireOutputAtLeast reverts unless the last call's first output word is
// at least v.
func (b *Builder) RequireOutputAtLeast(v *uint256.Int) *Builder {
	b.PushUint(32).PushUint(0).PushUint(0).Op(vm.RETURNDATACOPY)
	b.PushUint(0).Op(vm.MLOAD).Push(v).Op(vm.GT, vm.ISZERO) // !(v > out)
	return b.onFailure()
}

// StoreOutput stores the last call's first output word in slot.
func (b *Builder) StoreOutput(slot uint64) *Builder {
	b.PushUint(32).PushUint(0).PushUint(0).Op(vm.RETURNDATACOPY)
	return b.PushUint(0).Op(vm.MLOAD).PushUint(slot).Op(vm.SSTORE)
}

// Sstore writes value to slot.
func (b *Builder) Sstore(slot, value uint64) *Builder {
	return b.PushUint(value).PushUint(slot).Op(vm.SSTORE)
}

// Log1 emits a log with one topic and data.
func (b *Builder) Log1(topic common.Hash, data []byte) *Builder {
	b.Mem(0, data)
	return b.Push(new(uint256.Int).SetBytes32(topic[:])).PushUint(uint64(len(data))).PushUint(0).Op(vm.LOG1)
}

// Loop runs body n times (n > 0) with the remaining count, n down to 1, on
// top of the stack; body must leave the stack as it found it.
func (b *Builder) Loop(n uint64, body func(*Builder)) *Builder {
	b.PushUint(n)
	head := len(b.code)
	b.Op(vm.JUMPDEST)
	body(b)
	b.PushUint(1).Op(vm.SWAP1, vm.SUB, vm.DUP1)
	b.code = append(b.code, byte(vm.PUSH3), byte(head>>16), byte(head>>8), byte(head))
	return b.Op(vm.JUMPI, vm.POP)
}

// ReturnOutput returns the last call's whole output.
func (b *Builder) ReturnOutput() *Builder {
	b.Op(vm.RETURNDATASIZE).PushUint(0).PushUint(0).Op(vm.RETURNDATACOPY)
	return b.Op(vm.RETURNDATASIZE).PushUint(0).Op(vm.RETURN)
}

// Bytes returns the guest: the instructions, a STOP, then the fail
// handler, which reverts with the last call's output.
func (b *Builder) Bytes() []byte {
	code := append([]byte(nil), b.code...)
	code = append(code, byte(vm.STOP))
	fail := len(code)
	code = append(code, byte(vm.JUMPDEST), byte(vm.RETURNDATASIZE), byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.RETURNDATACOPY),
		byte(vm.RETURNDATASIZE), byte(vm.PUSH0), byte(vm.REVERT))
	for _, at := range b.fails {
		code[at], code[at+1], code[at+2] = byte(fail>>16), byte(fail>>8), byte(fail)
	}
	return code
}
