package runtime

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// Limits on deployed code (EIP-170) and its cost per byte.
const (
	MaxCodeSize    = 24576
	createDataGas  = 200
	codeHashLength = 32
)

// Create implements Machine: a contract creation from outside any frame.
// Like Call's, the returned data is valid until the EVM's next call.
func (e *EVM) Create(ctx context.Context, caller common.Address, code []byte, gas uint64, value *uint256.Int) (ret []byte, addr common.Address, left uint64, err error) {
	var x execution
	defer e.end(&x, &ret, &left, &err)
	if err = e.begin(ctx, &x); err != nil {
		return nil, common.Address{}, 0, err
	}
	if value == nil {
		value = &e.zero
	}
	addr = crypto.CreateAddress(caller, e.env.State.GetNonce(caller))
	return e.create(blocks.CREATE, caller, code, common.Hash{}, gas, value, addr)
}

// Create runs a CREATE or CREATE2 instruction of frame f.
func (h host) Create(f *translate.Frame, kind translate.CallKind, code []byte, gas uint64, value *uint256.Int, salt *uint256.Int) ([]byte, common.Address, uint64, error) {
	e := h.e
	var addr common.Address
	var hash common.Hash // CREATE2 hashes the initcode anyway: reuse it as the cache key
	if kind == blocks.CREATE2 {
		hash = crypto.Keccak256Hash(code)
		addr = crypto.CreateAddress2(f.Address, salt.Bytes32(), hash[:])
	} else {
		addr = crypto.CreateAddress(f.Address, e.env.State.GetNonce(f.Address))
	}
	return e.create(kind, f.Address, code, hash, gas, value, addr)
}

// create deploys the result of running initcode at address; hash is the
// initcode's keccak256 when already known (zero: computed if needed).
func (e *EVM) create(kind blocks.Opcode, caller common.Address, code []byte, hash common.Hash, gas uint64, value *uint256.Int, address common.Address) (ret []byte, addr common.Address, left uint64, err error) {
	if e.traced {
		e.traceEnter(kind, caller, address, code, gas, value)
		defer func() { e.traceExit(gas, left, ret, err) }()
	}
	st := e.env.State
	if e.depth > MaxCallDepth {
		return nil, common.Address{}, gas, vm.ErrDepth
	}
	if st.GetBalance(caller).Cmp(value) < 0 {
		return nil, common.Address{}, gas, vm.ErrInsufficientBalance
	}
	nonce := st.GetNonce(caller)
	if nonce+1 < nonce {
		return nil, common.Address{}, gas, vm.ErrNonceUintOverflow
	}
	st.SetNonce(caller, nonce+1, tracing.NonceChangeContractCreator)
	st.AddAddressToAccessList(address)
	// EIP-684: an address with a nonce or code cannot be created again.
	if h := st.GetCodeHash(address); st.GetNonce(address) != 0 || (h != (common.Hash{}) && h != types.EmptyCodeHash) {
		return nil, common.Address{}, 0, vm.ErrContractAddressCollision
	}
	snapshot := st.Snapshot()
	if !st.Exist(address) {
		st.CreateAccount(address)
	}
	st.CreateContract(address)
	st.SetNonce(address, 1, tracing.NonceChangeNewContract)
	st.SubBalance(caller, value, tracing.BalanceChangeTransfer)
	st.AddBalance(address, value, tracing.BalanceChangeTransfer)

	ret, left, err = e.runFrame(frameSpec{caller: caller, address: address, code: code, codeHash: hash, gas: gas, value: value})
	if err == nil {
		left, err = e.deploy(address, ret, left)
	}
	if err != nil {
		st.RevertToSnapshot(snapshot)
		return ret, address, exitGas(left, err), err
	}
	return ret, address, left, nil
}

// deploy checks and stores the code an initcode returned, charging for it.
func (e *EVM) deploy(address common.Address, code []byte, gas uint64) (uint64, error) {
	if len(code) > 0 && code[0] == 0xEF { // EIP-3541
		return gas, vm.ErrInvalidCode
	}
	cost := uint64(len(code)) * createDataGas
	if gas < cost {
		return gas, vm.ErrCodeStoreOutOfGas
	}
	gas -= cost
	if len(code) > MaxCodeSize {
		// go-ethereum's message names the sizes (tracers show it).
		return gas, fmt.Errorf("%w: code size %v limit %v", vm.ErrMaxCodeSizeExceeded, len(code), MaxCodeSize)
	}
	if len(code) > 0 {
		// The state keeps the slice; code is in a reused frame buffer.
		e.env.State.SetCode(address, bytes.Clone(code), tracing.CodeChangeContractCreation)
	}
	return gas, nil
}

// codeHash returns keccak256(code), the key of code's translation.
func codeHash(code []byte) common.Hash { return crypto.Keccak256Hash(code) }
