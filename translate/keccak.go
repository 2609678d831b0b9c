package translate

import (
	le "encoding/binary"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// keccakHasher is a frame's reusable KECCAK256 state: crypto.Keccak256Hash
// allocates one per call, which made KECCAK256 most of the allocations of
// storage-heavy code (mapping slots are hashes). The digest is read into buf,
// which lives in the frame, because a slice of a local passed to the state's
// interface method would escape.
type keccakHasher struct {
	state crypto.KeccakState
	buf   common.Hash
}

func (f *Frame) keccak(data []byte) common.Hash {
	if len(data) <= shortHashInput {
		return f.Env.shortHashes.digest(f, data)
	}
	return f.hash(data)
}

// hash computes KECCAK256 of data with the frame's state.
func (f *Frame) hash(data []byte) common.Hash {
	k := &f.hasher
	if k.state == nil {
		k.state = crypto.NewKeccakState()
	}
	k.state.Reset()
	k.state.Write(data)
	k.state.Read(k.buf[:])
	return k.buf
}

// shortHashInput is the longest input shortHashMemo keeps: a Solidity
// mapping slot's preimage is 64 bytes (the key and the mapping's slot), a
// pair's CREATE2 address 85 (0xff, factory, salt, init-code hash) and its
// salt 40 (the two tokens).
const shortHashInput = 96

// shortHashMemoSize is the number of digests shortHashMemo keeps (a power
// of two): 256 × 130 bytes per EVM, enough for the balances, allowances
// and pair addresses one simulation touches.
const shortHashMemoSize = 256

// shortHashMemo remembers the digests of recent short KECCAK256 inputs.
// Solidity finds mapping entries at keccak(key . slot) and routers find
// pairs by hashing their tokens, and a contract hashes the same few (a
// token's balance of its sender, read then written) again and again within
// a transaction, and across the transactions of a reused EVM; a
// permutation costs a few hundred nanoseconds, a lookup here a compare of
// at most 96 bytes. The table is direct-mapped and keyed by the whole
// input, so a hit is exact. It belongs to one EVM (Env) and is allocated on
// first use.
type shortHashMemo struct {
	table  *[shortHashMemoSize]shortHashEntry
	before int // short hashes computed before the table was made
}

// shortHashMemoAfter is how many short hashes an EVM computes before it
// makes the table (34 KB): an EVM made for one short call does not.
const shortHashMemoAfter = 64

type shortHashEntry struct {
	in  [shortHashInput]byte
	n   uint8 // how much of in is the input
	ok  bool
	out common.Hash
}

func (m *shortHashMemo) digest(f *Frame, data []byte) common.Hash {
	if m.table == nil {
		if m.before++; m.before < shortHashMemoAfter {
			return f.hash(data)
		}
		m.table = new([shortHashMemoSize]shortHashEntry)
	}
	mix := uint64(len(data))
	i := 0
	for ; i+8 <= len(data); i += 8 {
		mix = (mix ^ le.LittleEndian.Uint64(data[i:])) * 0x9e3779b97f4a7c15
	}
	for ; i < len(data); i++ {
		mix = (mix ^ uint64(data[i])) * 0x9e3779b97f4a7c15
	}
	e := &m.table[mix>>(64-8)]
	if e.ok && int(e.n) == len(data) && string(e.in[:e.n]) == string(data) {
		return e.out
	}
	e.out = f.hash(data)
	e.n = uint8(copy(e.in[:], data))
	e.ok = true
	return e.out
}
