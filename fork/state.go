package fork

import (
	"context"

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

// State is the forked state as a read-only vm.StateDB: the committed
// state of the block, with no transaction open (no access list, refund,
// transient storage or logs). Writes panic: simulations write to a
// hyvmstate.Overlay over it, which reads a State only for what it has not
// seen. A State is as safe for concurrent use as its Cache.
type State struct {
	c   *Cache
	ctx context.Context
}

var _ vm.StateDB = (*State)(nil)

// get returns addr's account, panicking with an *Error if it cannot be read.
func (s *State) get(addr common.Address) *account {
	a, err := s.c.account(s.ctx, addr)
	if err != nil {
		panic(err)
	}
	return a
}

func (s *State) Exist(addr common.Address) bool { return s.get(addr).exists }

func (s *State) Empty(addr common.Address) bool {
	a := s.get(addr)
	return a.nonce == 0 && a.balance.IsZero() && (a.codeHash == types.EmptyCodeHash || a.codeHash == common.Hash{})
}

func (s *State) GetBalance(addr common.Address) *uint256.Int { return s.get(addr).balance.Clone() }
func (s *State) GetNonce(addr common.Address) uint64         { return s.get(addr).nonce }
func (s *State) GetCodeHash(addr common.Address) common.Hash { return s.get(addr).codeHash }
func (s *State) GetCode(addr common.Address) []byte          { return s.get(addr).code }
func (s *State) GetCodeSize(addr common.Address) int         { return len(s.get(addr).code) }
func (s *State) Touch(addr common.Address)                   { s.get(addr) }

func (s *State) GetState(addr common.Address, key common.Hash) common.Hash {
	// Only an existing account's slots are fetched: one found in the
	// cache needs no look at its account.
	if v, ok, err := fetched(s.c, s.c.slots, slotKey{addr, key}); ok && err == nil {
		return v
	}
	if !s.get(addr).exists {
		return common.Hash{}
	}
	v, err := s.c.slot(s.ctx, addr, key)
	if err != nil {
		panic(err)
	}
	return v
}

func (s *State) GetStateAndCommittedState(addr common.Address, key common.Hash) (common.Hash, common.Hash) {
	v := s.GetState(addr, key)
	return v, v
}

// No transaction is open on a State.
func (s *State) GetRefund() uint64                                         { return 0 }
func (s *State) GetTransientState(common.Address, common.Hash) common.Hash { return common.Hash{} }
func (s *State) HasSelfDestructed(common.Address) bool                     { return false }
func (s *State) IsNewContract(common.Address) bool                         { return false }
func (s *State) AddressInAccessList(common.Address) bool                   { return false }
func (s *State) SlotInAccessList(common.Address, common.Hash) (bool, bool) {
	return false, false
}
func (s *State) Witness() *stateless.Witness       { return nil }
func (s *State) AccessEvents() *state.AccessEvents { return nil }

// readOnly is what every write panics with.
func readOnly(what string) {
	panic("fork: " + what + " on a read-only fork.State: run on a hyvmstate.Overlay over it")
}

func (s *State) CreateAccount(common.Address)  { readOnly("CreateAccount") }
func (s *State) CreateContract(common.Address) { readOnly("CreateContract") }
func (s *State) SubBalance(common.Address, *uint256.Int, tracing.BalanceChangeReason) uint256.Int {
	readOnly("SubBalance")
	return uint256.Int{}
}
func (s *State) AddBalance(common.Address, *uint256.Int, tracing.BalanceChangeReason) uint256.Int {
	readOnly("AddBalance")
	return uint256.Int{}
}
func (s *State) SetNonce(common.Address, uint64, tracing.NonceChangeReason) { readOnly("SetNonce") }
func (s *State) SetCode(common.Address, []byte, tracing.CodeChangeReason) []byte {
	readOnly("SetCode")
	return nil
}
func (s *State) AddRefund(uint64) { readOnly("AddRefund") }
func (s *State) SubRefund(uint64) { readOnly("SubRefund") }
func (s *State) SetState(common.Address, common.Hash, common.Hash) common.Hash {
	readOnly("SetState")
	return common.Hash{}
}
func (s *State) SetTransientState(common.Address, common.Hash, common.Hash) {
	readOnly("SetTransientState")
}
func (s *State) SelfDestruct(common.Address)                     { readOnly("SelfDestruct") }
func (s *State) AddAddressToAccessList(common.Address)           { readOnly("AddAddressToAccessList") }
func (s *State) AddSlotToAccessList(common.Address, common.Hash) { readOnly("AddSlotToAccessList") }
func (s *State) RevertToSnapshot(int)                            { readOnly("RevertToSnapshot") }
func (s *State) Snapshot() int                                   { readOnly("Snapshot"); return 0 }
func (s *State) AddLog(*types.Log)                               { readOnly("AddLog") }
func (s *State) AddPreimage(common.Hash, []byte)                 {}
func (s *State) SetTxContext(common.Hash, int, uint32)           { readOnly("SetTxContext") }
func (s *State) Prepare(params.Rules, common.Address, common.Address, *common.Address, []common.Address, types.AccessList) {
	readOnly("Prepare")
}
func (s *State) Finalise(params.Rules) *bal.ConstructionBlockAccessList {
	readOnly("Finalise")
	return nil
}
