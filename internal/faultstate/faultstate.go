// Package faultstate injects faults into a state backend: a vm.StateDB
// whose N-th method call panics, as a broken database, a remote state that
// lost its connection or a bug below the EVM would. Tests run an execution
// once to count its calls, then once per call with the fault there, and
// check that every fault ends as an error with the state rolled back.
package faultstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/stateless"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/types/bal"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// Fault is the value the injected panic carries.
const Fault = "faultstate: injected state failure"

// State counts calls into the wrapped state and panics at call FailAt
// (1-based; 0 never fails). RevertToSnapshot is counted but never fails: a
// backend that cannot revert cannot be rolled back by anyone, and the
// tests check the roll-back.
type State struct {
	inner  vm.StateDB
	FailAt int
	Calls  int
	Fired  bool // the fault was injected
}

// Wrap returns st failing at its failAt-th call.
func Wrap(st vm.StateDB, failAt int) *State { return &State{inner: st, FailAt: failAt} }

func (s *State) call() {
	s.Calls++
	if s.Calls == s.FailAt {
		s.Fired = true
		panic(Fault)
	}
}

var _ vm.StateDB = (*State)(nil)

func (s *State) CreateAccount(a common.Address)  { s.call(); s.inner.CreateAccount(a) }
func (s *State) CreateContract(a common.Address) { s.call(); s.inner.CreateContract(a) }
func (s *State) SubBalance(a common.Address, v *uint256.Int, r tracing.BalanceChangeReason) uint256.Int {
	s.call()
	return s.inner.SubBalance(a, v, r)
}
func (s *State) AddBalance(a common.Address, v *uint256.Int, r tracing.BalanceChangeReason) uint256.Int {
	s.call()
	return s.inner.AddBalance(a, v, r)
}
func (s *State) GetBalance(a common.Address) *uint256.Int { s.call(); return s.inner.GetBalance(a) }
func (s *State) GetNonce(a common.Address) uint64         { s.call(); return s.inner.GetNonce(a) }
func (s *State) SetNonce(a common.Address, n uint64, r tracing.NonceChangeReason) {
	s.call()
	s.inner.SetNonce(a, n, r)
}
func (s *State) GetCodeHash(a common.Address) common.Hash { s.call(); return s.inner.GetCodeHash(a) }
func (s *State) GetCode(a common.Address) []byte          { s.call(); return s.inner.GetCode(a) }
func (s *State) SetCode(a common.Address, c []byte, r tracing.CodeChangeReason) []byte {
	s.call()
	return s.inner.SetCode(a, c, r)
}
func (s *State) GetCodeSize(a common.Address) int { s.call(); return s.inner.GetCodeSize(a) }
func (s *State) AddRefund(n uint64)               { s.call(); s.inner.AddRefund(n) }
func (s *State) SubRefund(n uint64)               { s.call(); s.inner.SubRefund(n) }
func (s *State) GetRefund() uint64                { s.call(); return s.inner.GetRefund() }
func (s *State) GetStateAndCommittedState(a common.Address, k common.Hash) (common.Hash, common.Hash) {
	s.call()
	return s.inner.GetStateAndCommittedState(a, k)
}
func (s *State) GetState(a common.Address, k common.Hash) common.Hash {
	s.call()
	return s.inner.GetState(a, k)
}
func (s *State) SetState(a common.Address, k, v common.Hash) common.Hash {
	s.call()
	return s.inner.SetState(a, k, v)
}
func (s *State) GetTransientState(a common.Address, k common.Hash) common.Hash {
	s.call()
	return s.inner.GetTransientState(a, k)
}
func (s *State) SetTransientState(a common.Address, k, v common.Hash) {
	s.call()
	s.inner.SetTransientState(a, k, v)
}
func (s *State) SelfDestruct(a common.Address) { s.call(); s.inner.SelfDestruct(a) }
func (s *State) HasSelfDestructed(a common.Address) bool {
	s.call()
	return s.inner.HasSelfDestructed(a)
}
func (s *State) Exist(a common.Address) bool         { s.call(); return s.inner.Exist(a) }
func (s *State) Touch(a common.Address)              { s.call(); s.inner.Touch(a) }
func (s *State) IsNewContract(a common.Address) bool { s.call(); return s.inner.IsNewContract(a) }
func (s *State) Empty(a common.Address) bool         { s.call(); return s.inner.Empty(a) }
func (s *State) AddressInAccessList(a common.Address) bool {
	s.call()
	return s.inner.AddressInAccessList(a)
}
func (s *State) SlotInAccessList(a common.Address, k common.Hash) (bool, bool) {
	s.call()
	return s.inner.SlotInAccessList(a, k)
}
func (s *State) AddAddressToAccessList(a common.Address) { s.call(); s.inner.AddAddressToAccessList(a) }
func (s *State) AddSlotToAccessList(a common.Address, k common.Hash) {
	s.call()
	s.inner.AddSlotToAccessList(a, k)
}
func (s *State) Prepare(rules params.Rules, sender, coinbase common.Address, dest *common.Address, precompiles []common.Address, list types.AccessList) {
	s.call()
	s.inner.Prepare(rules, sender, coinbase, dest, precompiles, list)
}
func (s *State) RevertToSnapshot(id int) { s.Calls++; s.inner.RevertToSnapshot(id) }
func (s *State) Snapshot() int           { s.call(); return s.inner.Snapshot() }
func (s *State) AddLog(l *types.Log)     { s.call(); s.inner.AddLog(l) }
func (s *State) AddPreimage(h common.Hash, b []byte) {
	s.call()
	s.inner.AddPreimage(h, b)
}
func (s *State) Witness() *stateless.Witness       { s.call(); return s.inner.Witness() }
func (s *State) AccessEvents() *state.AccessEvents { s.call(); return s.inner.AccessEvents() }
func (s *State) Finalise(rules params.Rules) *bal.ConstructionBlockAccessList {
	s.call()
	return s.inner.Finalise(rules)
}
func (s *State) SetTxContext(h common.Hash, ti int, idx uint32) {
	s.call()
	s.inner.SetTxContext(h, ti, idx)
}
