package translate

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

// TestShortHashMemo hashes inputs of every length up to the memo's and a
// little past it, drawn from a pool much larger than the memo (so entries
// are evicted and indexes collide) whose members differ in single bytes
// anywhere or in length only (so a partial compare would hit wrongly), and
// checks every digest against go-ethereum's.
func TestShortHashMemo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([][]byte, 4*shortHashMemoSize)
	for i := range pool {
		switch {
		case i > 0 && rng.IntN(3) == 0: // a byte changed
			pool[i] = bytes.Clone(pool[rng.IntN(i)])
			if n := len(pool[i]); n > 0 {
				pool[i][rng.IntN(n)] ^= byte(1 + rng.IntN(255))
			}
		case i > 0 && rng.IntN(3) == 0: // longer or shorter by a byte
			p := pool[rng.IntN(i)]
			if len(p) > 0 && rng.IntN(2) == 0 {
				pool[i] = bytes.Clone(p[:len(p)-1])
			} else {
				pool[i] = append(bytes.Clone(p), 0)
			}
		default:
			pool[i] = make([]byte, rng.IntN(shortHashInput+8))
			for j := range pool[i] {
				pool[i][j] = byte(rng.Uint32() % 3) // few distinct bytes: more near-collisions
			}
		}
	}
	f := &Frame{Env: &Env{}}
	for range 200_000 {
		in := pool[rng.IntN(len(pool))]
		if got, want := f.keccak(in), crypto.Keccak256Hash(in); got != want {
			t.Fatalf("keccak(%x) = %x, want %x", in, got, want)
		}
	}
}
