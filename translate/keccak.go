package translate

import (
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
	k := &f.hasher
	if k.state == nil {
		k.state = crypto.NewKeccakState()
	}
	k.state.Reset()
	k.state.Write(data)
	k.state.Read(k.buf[:])
	return k.buf
}
