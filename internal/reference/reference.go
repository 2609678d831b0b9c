// Package reference wraps go-ethereum's EVM so tests and benchmarks can run
// it side by side with hyvm through the same interface (runtime.Machine).
package reference

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// EVM adapts go-ethereum's *vm.EVM to plain uint64 gas.
type EVM struct {
	*vm.EVM
	chainID uint256.Int
}

// New returns go-ethereum's EVM over statedb with the given block context.
func New(block vm.BlockContext, statedb vm.StateDB, config *params.ChainConfig, cfg vm.Config) *EVM {
	e := &EVM{EVM: vm.NewEVM(block, statedb, config, cfg)}
	e.chainID.SetFromBig(config.ChainID)
	return e
}

// Call implements runtime.Machine. go-ethereum's cancellation is for good,
// like its EVM.Cancel: a cancelled ctx stops this EVM's later calls too.
func (e *EVM) Call(ctx context.Context, caller, addr common.Address, input []byte, gas uint64, value *uint256.Int) ([]byte, uint64, error) {
	defer context.AfterFunc(ctx, e.Cancel)()
	ret, left, err := e.EVM.Call(caller, addr, input, vm.NewGasBudget(gas, 0), value)
	return ret, left.ExecutionGas, err
}

// Create implements runtime.Machine.
func (e *EVM) Create(ctx context.Context, caller common.Address, code []byte, gas uint64, value *uint256.Int) ([]byte, common.Address, uint64, error) {
	defer context.AfterFunc(ctx, e.Cancel)()
	ret, addr, left, err := e.EVM.Create(caller, code, vm.NewGasBudget(gas, 0), value)
	return ret, addr, left.ExecutionGas, err
}

// ChainID implements runtime.Machine.
func (e *EVM) ChainID() *uint256.Int { return &e.chainID }

// Tracer returns the hooks go-ethereum's EVM reports to, so that
// runtime.ApplyMessage tells them of the transaction as for hyvm's.
func (e *EVM) Tracer() *tracing.Hooks { return e.EVM.Config.Tracer }
