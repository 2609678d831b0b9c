package hyvmstate

import (
	"encoding/binary"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/holiman/uint256"
)

// TestIndexManyRecords writes more accounts and slots than the record
// tables start with, through Resets of different sizes, and reads every
// one back: growth, probing past collisions and clearing only the entries
// in use all keep each key on its own record. Keys differ in one word
// only, as precompiles and small slot numbers do.
func TestIndexManyRecords(t *testing.T) {
	_, backing := fuzzPreState(t)
	o := New(backing)
	addrOf := func(round, i int) common.Address {
		var a common.Address
		v := uint32(round<<20 | i + 1)
		switch i % 3 {
		case 0: // only the last word differs
			binary.BigEndian.PutUint32(a[16:], v)
		case 1: // only the first
			binary.BigEndian.PutUint32(a[0:], v)
		default: // only the middle
			binary.BigEndian.PutUint32(a[8:], v)
		}
		return a
	}
	slotOf := func(i int) common.Hash {
		var h common.Hash
		binary.BigEndian.PutUint64(h[(i%4)*8:], uint64(i/4+1))
		return h
	}
	valueOf := func(i, j int) common.Hash {
		return common.BigToHash(new(big.Int).Lsh(big.NewInt(int64(i+1)), uint(j*70)))
	}
	for round, n := range []int{3000, 5, 700, 40, 1, 200} {
		o.Reset(backing)
		// Entries left behind would name records a later run reuses for
		// other keys, or records past the last (zero, as the zero address).
		for name, x := range map[string]*index{"account": &o.acctIndex, "slot": &o.slotIdx} {
			for i, e := range x.entries {
				if e != 0 {
					t.Fatalf("round %d: %s table entry %d still names record %d after Reset", round, name, i, e-1)
				}
			}
		}
		for i := range n {
			a := addrOf(round, i)
			o.SetBalance(a, uint256.NewInt(uint64(i+1)), tracing.BalanceChangeUnspecified)
			for j := range 3 {
				o.SetState(a, slotOf(i+j), valueOf(i, j))
			}
		}
		for i := range n {
			a := addrOf(round, i)
			if got := o.GetBalance(a).Uint64(); got != uint64(i+1) {
				t.Fatalf("round %d: account %d (%x) has balance %d, want %d", round, i, a, got, i+1)
			}
			for j := range 3 {
				if got, want := o.GetState(a, slotOf(i+j)), valueOf(i, j); got != want {
					t.Fatalf("round %d: account %d slot %x = %x, want %x", round, i, slotOf(i+j), got, want)
				}
			}
			if got := o.GetState(a, slotOf(i+3)); got != (common.Hash{}) {
				t.Fatalf("round %d: account %d's unwritten slot %x = %x", round, i, slotOf(i+3), got)
			}
		}
		if round > 0 { // the previous round's accounts are gone
			for i := range 10 {
				if a := addrOf(round-1, i); o.Exist(a) {
					t.Fatalf("round %d: account %x of the round before survived Reset", round, a)
				}
			}
		}
		if int(o.naccts) > n+10+len(fuzzAddrs) {
			t.Fatalf("round %d: %d account records for %d accounts", round, o.naccts, n)
		}
	}
}

// TestIndexSeeded checks that two overlays hash the same key differently:
// keys chosen to collide in one cannot be chosen for every one.
func TestIndexSeeded(t *testing.T) {
	a, b := New(nil), New(nil)
	addr := common.HexToAddress("0x00000000000000000000000000000000000000ff")
	if hashAddress(&addr, a.seed) == hashAddress(&addr, b.seed) {
		t.Fatal("two overlays hash an address alike")
	}
}

func BenchmarkIndexLookup(b *testing.B) {
	_, backing := fuzzPreState(b)
	o := New(backing)
	addrs := make([]common.Address, 24)
	for i := range addrs {
		addrs[i][19] = byte(i + 1)
		o.record(addrs[i])
	}
	b.ResetTimer()
	for b.Loop() {
		for i := range addrs {
			o.last = nil
			o.record(addrs[i])
		}
	}
}
