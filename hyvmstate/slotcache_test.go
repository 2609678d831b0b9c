package hyvmstate

import (
	"testing"

	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/vm"
)

// TestSlotCacheAgainstGeth checks a SlotCache that continues a transaction
// already open on go-ethereum's StateDB and commits into it, as
// TestJoinAndMerge checks the Overlay (testContinuing).
func TestSlotCacheAgainstGeth(t *testing.T) {
	sc := NewSlotCache() // one cache for every seed: Begin must leave nothing behind
	testContinuing(t, 3, continuing{
		begin:  func(st *state.StateDB) loggedState { sc.Begin(st); return sc },
		commit: sc.Commit,
		end:    sc.Release,
	})
}

// TestSlotCacheCreateAccount recreates an account with storage, which the
// EVM never does (it creates absent accounts only) but a vm.StateDB must
// still get right: go-ethereum's new account drops the values written to
// the old one and reads the committed ones.
func TestSlotCacheCreateAccount(t *testing.T) {
	ref, backing := fuzzPreState(t)
	sc := NewSlotCache()
	f := newFuzzRun(t, 0, 4, ref, backing, nil)
	f.newTx()
	sc.Begin(backing)
	f.side, f.joined, f.logBase = sc, true, len(ref.Logs())
	a := fuzzAddrs[1] // an account with storage
	f.both("SetState", func(s vm.StateDB) { s.SetState(a, fuzzKeys[3], fuzzValues[1]) })
	f.compare() // loads every slot
	f.both("CreateAccount", func(s vm.StateDB) { s.CreateAccount(a) })
	f.compare()
	f.both("SetState", func(s vm.StateDB) { s.SetState(a, fuzzKeys[1], fuzzValues[3]) })
	f.compare()
	sc.Commit()
	f.side, f.joined = backing, false
	f.compare()
	ref.Finalise(f.rules)
	backing.Finalise(f.rules)
	if g, w := backing.IntermediateRoot(f.rules), ref.IntermediateRoot(f.rules); g != w {
		t.Fatalf("root %x after Commit, go-ethereum %x", g, w)
	}
}

// TestSlotCacheEndsTransactions ends a transaction through a SlotCache, as
// a vm.StateDB's caller may: Finalise first writes the slots it holds, and
// Prepare starts a new access list, so the slots and addresses it had
// marked warm are cold again, as in go-ethereum.
func TestSlotCacheEndsTransactions(t *testing.T) {
	ref, backing := fuzzPreState(t)
	sc := NewSlotCache()
	f := newFuzzRun(t, 0, 5, ref, backing, nil)
	f.newTx()
	sc.Begin(backing)
	f.side, f.joined, f.logBase = sc, true, len(ref.Logs())
	a, k := fuzzAddrs[1], fuzzKeys[2]
	f.both("SetState", func(s vm.StateDB) { s.SetState(a, k, fuzzValues[3]) })
	f.both("AddSlotToAccessList", func(s vm.StateDB) { s.AddSlotToAccessList(a, k) })
	f.compare() // reads every slot and address through the cache
	// A new access list, in the same transaction.
	f.both("Prepare", func(s vm.StateDB) {
		s.Prepare(f.rules, fuzzAddrs[2], fuzzAddrs[2], &fuzzAddrs[2], nil, nil)
	})
	f.compare()
	f.joined = false
	f.newTx() // Finalise and Prepare, through the cache
	f.compare()
	ref.Finalise(f.rules)
	sc.Finalise(f.rules)
	if g, w := backing.IntermediateRoot(f.rules), ref.IntermediateRoot(f.rules); g != w {
		t.Fatalf("root %x after Finalise through the cache, go-ethereum %x", g, w)
	}
}
