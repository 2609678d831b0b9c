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
	if len(data) == slotHashInput {
		return f.Env.slotHashes.digest(f, data)
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

// slotHashInput is the size of a Solidity mapping slot's preimage: the key
// and the mapping's slot, a word each.
const slotHashInput = 64

// slotHashMemoSize is the number of digests slotHashMemo keeps (a power of
// two): 256 × 104 bytes per EVM, enough for the balances and allowances
// one simulation touches.
const slotHashMemoSize = 256

// slotHashMemo remembers the digests of recent 64-byte KECCAK256 inputs.
// Solidity finds mapping entries at keccak(key . slot), and a contract
// hashes the same few (a token's balance of its sender, read then written)
// again and again within a transaction, and across the transactions of a
// reused EVM; a permutation costs a few hundred nanoseconds, a lookup here a
// 64-byte compare. The table is direct-mapped and keyed by the whole input,
// so a hit is exact. It belongs to one EVM (Env) and is allocated on first
// use.
type slotHashMemo struct {
	table *[slotHashMemoSize]slotHashEntry
}

type slotHashEntry struct {
	in  [slotHashInput]byte
	out common.Hash
	ok  bool
}

func (m *slotHashMemo) digest(f *Frame, data []byte) common.Hash {
	if m.table == nil {
		m.table = new([slotHashMemoSize]slotHashEntry)
	}
	var mix uint64
	for i := 0; i < slotHashInput; i += 8 {
		mix = (mix ^ le.LittleEndian.Uint64(data[i:])) * 0x9e3779b97f4a7c15
	}
	e := &m.table[mix>>(64-8)]
	if e.ok && string(e.in[:]) == string(data) {
		return e.out
	}
	e.out = f.hash(data)
	copy(e.in[:], data)
	e.ok = true
	return e.out
}
