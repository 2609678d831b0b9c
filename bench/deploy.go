package bench

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/runtime"
)

// setupGas is the gas of every setup transaction: more than any needs.
const setupGas = 30_000_000

// Deployer builds a case's pre-state by sending transactions from Sender on
// one engine. Each runs as its own transaction (fresh access list and
// transient storage) at block time Time; one that fails is an error, since a
// benchmark over a half-built state measures nothing.
type Deployer struct {
	Time   uint64 // block time of the next transaction
	engine string
	state  *state.StateDB
	code   Code
}

// Fund sets addr's balance.
func (d *Deployer) Fund(addr common.Address, wei *uint256.Int) {
	d.state.SetBalance(addr, wei, tracing.BalanceChangeUnspecified)
}

// Create deploys initcode and returns the new contract's address.
func (d *Deployer) Create(initcode []byte) (common.Address, error) {
	m, err := d.begin(nil)
	if err != nil {
		return common.Address{}, err
	}
	_, addr, _, err := m.Create(context.Background(), Sender, initcode, setupGas, new(uint256.Int))
	d.state.Finalise(runtime.Rules(Fork))
	if err != nil {
		return common.Address{}, fmt.Errorf("create: %w", err)
	}
	return addr, nil
}

// Call sends input and value to to and returns the output.
func (d *Deployer) Call(to common.Address, input []byte, value *uint256.Int) ([]byte, error) {
	m, err := d.begin(&to)
	if err != nil {
		return nil, err
	}
	if value == nil {
		value = new(uint256.Int)
	}
	out, _, err := m.Call(context.Background(), Sender, to, input, setupGas, value)
	d.state.Finalise(runtime.Rules(Fork))
	if err != nil {
		return nil, fmt.Errorf("call %v %x: %w (output %x)", to, input, err, out)
	}
	return out, nil
}

// begin starts a transaction to to (nil for a creation).
func (d *Deployer) begin(to *common.Address) (runtime.Machine, error) {
	m, err := newMachine(d.engine, blockContext(setupGas, d.Time), d.state, d.code)
	if err != nil {
		return nil, err
	}
	d.state.Prepare(runtime.Rules(Fork), Sender, Sender, to, runtime.Precompiles(Fork), nil)
	return m, nil
}
