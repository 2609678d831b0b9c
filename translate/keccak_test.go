package translate

import (
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

// TestSlotHashMemo hashes 64-byte inputs drawn from a pool much larger than
// the memo (so entries are evicted and indexes collide) whose members
// differ in single bytes anywhere (so a partial compare would hit wrongly),
// and checks every digest against go-ethereum's.
func TestSlotHashMemo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([][slotHashInput]byte, 4*slotHashMemoSize)
	for i := range pool {
		if i > 0 && rng.IntN(2) == 0 {
			pool[i] = pool[rng.IntN(i)]
			pool[i][rng.IntN(slotHashInput)] ^= byte(1 + rng.IntN(255))
			continue
		}
		for j := range pool[i] {
			pool[i][j] = byte(rng.Uint32())
		}
	}
	f := &Frame{Env: &Env{}}
	for range 100_000 {
		in := pool[rng.IntN(len(pool))][:]
		if got, want := f.keccak(in), crypto.Keccak256Hash(in); got != want {
			t.Fatalf("keccak(%x) = %x, want %x", in, got, want)
		}
	}
}
