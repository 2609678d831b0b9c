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
