// Package eq compares the EVM's fixed-size byte arrays as machine words.
//
// Go compiles == on [20]byte and [32]byte to a call to runtime.memequal;
// the hot paths of hyvm compare addresses and hashes often enough (record
// lookups, SSTORE's gas rule, the program cache) for those calls to show
// in a short run's profile. Loads of eight bytes compared inline cost a
// few instructions.
package eq

import (
	"encoding/binary"

	"github.com/ethereum/go-ethereum/common"
)

// AddressWords splits a into the words hashes and comparisons read.
func AddressWords(a *common.Address) (w0, w1 uint64, w2 uint32) {
	return binary.LittleEndian.Uint64(a[0:]), binary.LittleEndian.Uint64(a[8:]), binary.LittleEndian.Uint32(a[16:])
}

// Address is *a == *b.
func Address(a, b *common.Address) bool {
	a0, a1, a2 := AddressWords(a)
	b0, b1, b2 := AddressWords(b)
	return a0 == b0 && a1 == b1 && a2 == b2
}

// Hash is *a == *b.
func Hash(a, b *common.Hash) bool {
	return binary.LittleEndian.Uint64(a[0:]) == binary.LittleEndian.Uint64(b[0:]) &&
		binary.LittleEndian.Uint64(a[8:]) == binary.LittleEndian.Uint64(b[8:]) &&
		binary.LittleEndian.Uint64(a[16:]) == binary.LittleEndian.Uint64(b[16:]) &&
		binary.LittleEndian.Uint64(a[24:]) == binary.LittleEndian.Uint64(b[24:])
}

// ZeroHash reports whether *a is all zeros.
func ZeroHash(a *common.Hash) bool {
	return binary.LittleEndian.Uint64(a[0:])|binary.LittleEndian.Uint64(a[8:])|
		binary.LittleEndian.Uint64(a[16:])|binary.LittleEndian.Uint64(a[24:]) == 0
}
