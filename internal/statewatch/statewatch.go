// Package statewatch wraps a vm.StateDB to report every account and storage
// slot just before it is written. It is the one write-interception layer
// behind hyvm's state diff and the differential tests' mismatch reports.
package statewatch

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// Hooks are called before the write they report, so they can still read
// the value being replaced. A nil hook is not called.
type Hooks struct {
	// Account is called before any change to an account: balance, nonce,
	// code, creation, self-destruction, touching, or one of its slots.
	Account func(addr common.Address)
	// Slot is called before a storage write, after Account.
	Slot func(addr common.Address, slot common.Hash)
}

// StateDB is a vm.StateDB whose writes are reported to Hooks.
type StateDB struct {
	vm.StateDB
	hooks Hooks
}

// Wrap returns st with its writes reported to h.
func Wrap(st vm.StateDB, h Hooks) *StateDB { return &StateDB{StateDB: st, hooks: h} }

func (s *StateDB) account(a common.Address) {
	if s.hooks.Account != nil {
		s.hooks.Account(a)
	}
}

func (s *StateDB) CreateAccount(a common.Address)  { s.account(a); s.StateDB.CreateAccount(a) }
func (s *StateDB) CreateContract(a common.Address) { s.account(a); s.StateDB.CreateContract(a) }
func (s *StateDB) SelfDestruct(a common.Address)   { s.account(a); s.StateDB.SelfDestruct(a) }
func (s *StateDB) Touch(a common.Address)          { s.account(a); s.StateDB.Touch(a) }

func (s *StateDB) SubBalance(a common.Address, v *uint256.Int, why tracing.BalanceChangeReason) uint256.Int {
	s.account(a)
	return s.StateDB.SubBalance(a, v, why)
}

func (s *StateDB) AddBalance(a common.Address, v *uint256.Int, why tracing.BalanceChangeReason) uint256.Int {
	s.account(a)
	return s.StateDB.AddBalance(a, v, why)
}

func (s *StateDB) SetNonce(a common.Address, n uint64, why tracing.NonceChangeReason) {
	s.account(a)
	s.StateDB.SetNonce(a, n, why)
}

func (s *StateDB) SetCode(a common.Address, code []byte, why tracing.CodeChangeReason) []byte {
	s.account(a)
	return s.StateDB.SetCode(a, code, why)
}

func (s *StateDB) SetState(a common.Address, k, v common.Hash) common.Hash {
	s.account(a)
	if s.hooks.Slot != nil {
		s.hooks.Slot(a, k)
	}
	return s.StateDB.SetState(a, k, v)
}
