package hyvmstate

import (
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"
)

// TestSlotCacheAgainstGeth checks a SlotCache that continues a transaction
// already open on go-ethereum's StateDB (after random operations there,
// earlier transactions included), as TestJoinAndMerge checks the Overlay:
// every observable agrees with go-ethereum's while it runs; after Commit
// the backing state agrees too, a snapshot taken before Begin reverts what
// it wrote, and the transaction goes on and ends with go-ethereum's root.
func TestSlotCacheAgainstGeth(t *testing.T) {
	const steps = 120
	sc := NewSlotCache() // one cache for every seed: Begin must leave nothing behind
	for seed := range fuzzSeeds() {
		ref, backing := fuzzPreState(t)
		f := newFuzzRun(t, seed, 3, ref, backing, nil)
		f.newTx()
		for range steps { // the transaction so far, and earlier ones
			f.step()
		}
		f.compare()

		before := [2]int{ref.Snapshot(), backing.Snapshot()}
		sc.Begin(backing)
		f.trace = append(f.trace, "Begin")
		f.side, f.joined, f.logBase, f.snaps = sc, true, len(ref.Logs()), nil
		for range steps {
			f.step()
			f.check()
		}
		sc.Commit()
		f.trace = append(f.trace, "Commit")
		if seed%2 == 0 { // the cache goes on in the same transaction
			f.snaps = nil
			f.compare()
			for range steps {
				f.step()
				f.check()
			}
			sc.Commit()
			f.trace = append(f.trace, "Commit")
		}
		sc.Release()
		f.side, f.joined, f.snaps = backing, false, nil
		f.compare()

		if seed%3 == 0 {
			f.trace = append(f.trace, "RevertToSnapshot(before Begin)")
			ref.RevertToSnapshot(before[0])
			backing.RevertToSnapshot(before[1])
			f.compare()
		}
		for range steps {
			f.step()
			f.check()
		}
		ref.Finalise(f.rules)
		backing.Finalise(f.rules)
		if g, w := backing.IntermediateRoot(f.rules), ref.IntermediateRoot(f.rules); g != w {
			t.Fatalf("seed %d: root %x after Commit, go-ethereum %x\nafter:\n%v", seed, g, w, f.trace)
		}
	}
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
