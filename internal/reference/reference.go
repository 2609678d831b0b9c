// Package reference wraps go-ethereum's EVM so tests and benchmarks can run
// it side by side with hyvm through the same interface (runtime.Machine).
package reference

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// EVM adapts go-ethereum's *vm.EVM to plain uint64 gas.
type EVM struct {
	*vm.EVM
}

// New returns go-ethereum's EVM over statedb with the given block context.
func New(block vm.BlockContext, statedb vm.StateDB, config *params.ChainConfig, cfg vm.Config) *EVM {
	return &EVM{vm.NewEVM(block, statedb, config, cfg)}
}

// Call implements runtime.Machine.
func (e *EVM) Call(caller, addr common.Address, input []byte, gas uint64, value *uint256.Int) ([]byte, uint64, error) {
	ret, left, err := e.EVM.Call(caller, addr, input, vm.NewGasBudget(gas, 0), value)
	return ret, left.ExecutionGas, err
}

// Create implements runtime.Machine.
func (e *EVM) Create(caller common.Address, code []byte, gas uint64, value *uint256.Int) ([]byte, common.Address, uint64, error) {
	ret, addr, left, err := e.EVM.Create(caller, code, vm.NewGasBudget(gas, 0), value)
	return ret, addr, left.ExecutionGas, err
}
