package hyvmstate_test

import (
	"fmt"

	"github.com/hyvm/hyvm/runtime"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvmstate"
)

// An overlay runs transactions over go-ethereum's StateDB, which it reads
// committed state from; Flush writes the result back for the state root.
func Example() {
	db := runtime.NewMemoryDatabase()
	backing, _ := state.New(types.EmptyRootHash, db)
	token, slot := common.HexToAddress("0x70"), common.Hash{31: 1}
	backing.SetNonce(token, 1, tracing.NonceChangeUnspecified)
	backing.SetState(token, slot, common.Hash{31: 5})

	rules := params.Rules{IsEIP158: true, IsEIP2929: true, IsShanghai: true, IsCancun: true}
	o := hyvmstate.New(backing)
	o.Prepare(rules, token, token, &token, nil, nil)

	// A reverted call leaves nothing behind.
	snap := o.Snapshot()
	o.SetState(token, slot, common.Hash{31: 9})
	o.AddBalance(token, uint256.NewInt(100), tracing.BalanceChangeTransfer)
	o.RevertToSnapshot(snap)

	o.SetState(token, slot, common.Hash{31: 6})
	current, original := o.GetStateAndCommittedState(token, slot)
	fmt.Println("current", current.Big(), "original", original.Big())

	o.Flush(rules)
	fmt.Println("flushed", backing.GetState(token, slot).Big(), "balance", backing.GetBalance(token))
	// Output:
	// current 6 original 5
	// flushed 6 balance 0
}

// A SlotCache runs a call inside a transaction open on go-ethereum's
// StateDB: storage writes wait in the cache until Commit, everything else
// goes to the StateDB as it happens, and a snapshot the caller took before
// reverts all of it.
func ExampleSlotCache() {
	db := runtime.NewMemoryDatabase()
	st, _ := state.New(types.EmptyRootHash, db)
	token, slot := common.HexToAddress("0x70"), common.Hash{31: 1}
	st.SetNonce(token, 1, tracing.NonceChangeUnspecified)
	st.SetState(token, slot, common.Hash{31: 5})
	st.Finalise(params.Rules{})

	before := st.Snapshot()
	c := hyvmstate.NewSlotCache()
	c.Begin(st)
	for i := range 100 { // a storage loop: one record, not 100 journal entries
		c.SetState(token, slot, common.Hash{31: byte(i)})
	}
	c.AddBalance(token, uint256.NewInt(7), tracing.BalanceChangeTransfer)
	fmt.Println("in the StateDB before Commit:", st.GetState(token, slot).Big(), "balance", st.GetBalance(token))
	c.Commit()
	c.Release()
	fmt.Println("after Commit:", st.GetState(token, slot).Big())

	st.RevertToSnapshot(before)
	fmt.Println("reverted:", st.GetState(token, slot).Big(), "balance", st.GetBalance(token))
	// Output:
	// in the StateDB before Commit: 5 balance 7
	// after Commit: 99
	// reverted: 5 balance 0
}
