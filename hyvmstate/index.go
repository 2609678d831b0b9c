package hyvmstate

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/internal/eq"
)

// The overlay finds its account and slot records through its own hash
// tables instead of Go maps. A guest's run looks records up a few hundred
// times; Go's maps hash the 20- and 52-byte keys with aeshash over memory
// and compare them with a call to memequal, which was a tenth of a short
// run (weth_wrap_pay_approve: ~55 memequal calls from record alone). These
// tables hash a key's machine words with a few multiplications, compare
// words inline, and are cleared through the records in use, so an overlay
// reset for every run pays for what the run used, not for the table.
//
// Both are open addressing with linear probing over a power-of-two table
// of record numbers plus one (0: empty), at most half full. A record keeps
// its table position (pos) so Reset can clear exactly the entries in use.
// The hash is seeded per overlay (addresses and slots come from guests):
// without the seed, keys chosen to collide would make lookups linear.

// minIndexBits is log2 of a new table's size: 64 entries hold 32 records.
const minIndexBits = 6

// index is one table: entries hold record numbers plus one.
type index struct {
	entries []uint32
	shift   uint8 // 64 minus log2(len(entries)): a hash's top bits pick the entry
}

func (x *index) init() {
	x.entries = make([]uint32, 1<<minIndexBits)
	x.shift = 64 - minIndexBits
}

// needsGrow reports whether adding a record to n others would fill the
// table past half.
func (x *index) needsGrow(n uint32) bool { return 2*(uint64(n)+1) > uint64(len(x.entries)) }

// grow replaces the table with an empty one twice the size.
func (x *index) grow() {
	x.entries = make([]uint32, 2*len(x.entries))
	x.shift--
}

// home returns where a key of hash h starts probing.
func (x *index) home(h uint64) uint32 { return uint32(h >> x.shift) }

// next returns the entry probed after i.
func (x *index) next(i uint32) uint32 { return (i + 1) & uint32(len(x.entries)-1) }

// find probes from hash h for the record that match accepts: it returns
// its number and true, or false and the empty entry where to enter it.
func (x *index) find(h uint64, match func(rec uint32) bool) (rec uint32, found bool, pos uint32) {
	for i := x.home(h); ; i = x.next(i) {
		e := x.entries[i]
		if e == 0 {
			return 0, false, i
		}
		if match(e - 1) {
			return e - 1, true, i
		}
	}
}

// insert enters record number n, which find did not find, at entry pos.
// When that would fill the table past half, it doubles the table first and
// enters records 0 to n again, by their hashes (hash); posOf gives a
// record's pos field, which insert keeps up to date.
func (x *index) insert(n, pos uint32, hash func(rec uint32) uint64, posOf func(rec uint32) *uint32) {
	if !x.needsGrow(n) {
		x.entries[pos] = n + 1
		*posOf(n) = pos
		return
	}
	x.grow()
	for rec := range n + 1 {
		i := x.home(hash(rec))
		for x.entries[i] != 0 { // the keys are distinct: the first free entry
			i = x.next(i)
		}
		x.entries[i] = rec + 1
		*posOf(rec) = i
	}
}

// clearUsed empties the table of n records whose positions pos gives.
func (x *index) clearUsed(n uint32, pos func(i uint32) uint32) {
	if uint64(n)*8 >= uint64(len(x.entries)) {
		clear(x.entries)
		return
	}
	for i := range n {
		x.entries[pos(i)] = 0
	}
}

// Odd 64-bit multipliers (from splitmix64 and wyhash) whose products'
// top bits depend on every bit of the word multiplied.
const (
	mulA = 0x9e3779b97f4a7c15
	mulB = 0xbf58476d1ce4e5b9
	mulC = 0x94d049bb133111eb
	mulD = 0xa0761d6478bd642f
)

// newSeed returns a random hash seed.
func newSeed() uint64 { return maphash.Comparable(maphash.MakeSeed(), 0) | 1 }

// mix folds a product's halves together, so the top bits depend on every
// input bit, not only on the ones below them.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// hashAddress hashes an address under seed.
func hashAddress(a *common.Address, seed uint64) uint64 {
	w0, w1, w2 := eq.AddressWords(a)
	return mix(w0^seed, mulA) ^ mix(w1^bits.RotateLeft64(seed, 21), mulB) ^ mix(uint64(w2)^bits.RotateLeft64(seed, 42), mulC)
}

// hashSlot hashes slot key of the account record numbered acct under seed.
func hashSlot(acct uint32, key *common.Hash, seed uint64) uint64 {
	w0 := binary.LittleEndian.Uint64(key[0:])
	w1 := binary.LittleEndian.Uint64(key[8:])
	w2 := binary.LittleEndian.Uint64(key[16:])
	w3 := binary.LittleEndian.Uint64(key[24:])
	return mix(w0^seed, mulA) ^ mix(w1^bits.RotateLeft64(seed, 16), mulB) ^
		mix(w2^bits.RotateLeft64(seed, 32), mulC) ^ mix(w3^uint64(acct)<<32^bits.RotateLeft64(seed, 48), mulD)
}

// acctAt returns the account record numbered i.
func (o *Overlay) acctAt(i uint32) *account {
	return &o.acctPages[i/acctsPerPage][i%acctsPerPage]
}

// findAccount returns addr's record, if there is one, or where to insert it.
func (o *Overlay) findAccount(addr *common.Address) (*account, uint32) {
	rec, found, pos := o.acctIndex.find(hashAddress(addr, o.seed), func(rec uint32) bool {
		return eq.Address(&o.acctAt(rec).addr, addr)
	})
	if !found {
		return nil, pos
	}
	return o.acctAt(rec), pos
}

// indexAccount enters account record n, whose address findAccount did not
// find, at entry pos.
func (o *Overlay) indexAccount(n, pos uint32) {
	o.acctIndex.insert(n, pos,
		func(rec uint32) uint64 { return hashAddress(&o.acctAt(rec).addr, o.seed) },
		func(rec uint32) *uint32 { return &o.acctAt(rec).pos })
}

// findSlotIndex returns the number of the record of (a, key), if there is
// one, and otherwise where to insert it.
func (o *Overlay) findSlotIndex(a *account, key *common.Hash) (uint32, bool, uint32) {
	return o.slotIdx.find(hashSlot(a.num, key, o.seed), func(rec uint32) bool {
		s := o.slotAt(rec)
		return s.acct == a && eq.Hash(&s.key.slot, key)
	})
}

// indexSlot enters slot record n, which findSlotIndex did not find, at
// entry pos.
func (o *Overlay) indexSlot(n, pos uint32) {
	o.slotIdx.insert(n, pos,
		func(rec uint32) uint64 { s := o.slotAt(rec); return hashSlot(s.acct.num, &s.key.slot, o.seed) },
		func(rec uint32) *uint32 { return &o.slotAt(rec).pos })
}
