package hyvm_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// Guests that run other guests hand HyVM a view of their own memory and
// then overwrite it. Each inner guest below returns its own code (CODECOPY)
// after a jump to a block that is built lazily, so a translation that kept
// the caller's bytes, read back from the cache after they changed, returns
// the wrong bytes or fails. The reference for every inner run is the same
// guest run alone through a fresh cache.
func TestNestedGuestsSurviveCallerMemoryReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2129))
	for prog := range 300 {
		inner := make([][]byte, 1+rng.IntN(4))
		for i := range inner {
			inner[i] = selfReturningGuest(rng)
		}
		// A sequence of calls: guests repeat (a cache hit on bytes whose
		// first copy lived elsewhere) and share offsets (the memory an
		// earlier translation was built from is overwritten).
		var seq []nestedCall
		for range 2 + rng.IntN(6) {
			seq = append(seq, nestedCall{guest: inner[rng.IntN(len(inner))], off: uint64(rng.IntN(3)) * 0x40})
		}
		outer := outerGuest(seq)
		cache := runtime.NewCache(0)
		for round := range 2 { // the second round reads every translation back
			res := run(t, outer, 20_000_000, false, cache)
			if !res.Success || len(res.ReturnData) != 64*len(seq) {
				t.Fatalf("program %d round %d: outer guest failed: %+v", prog, round, res)
			}
			for i, c := range seq {
				want := run(t, c.guest, nestedGas, false, runtime.NewCache(0))
				got := res.ReturnData[64*i : 64*i+64]
				if (got[31] == 1) != want.Success || !bytes.Equal(got[32:], crypto.Keccak256(want.ReturnData)) {
					t.Fatalf("program %d round %d call %d: inner guest %x at 0x%x: success %v, return hash %x; alone: %v, %x",
						prog, round, i, c.guest, c.off, got[31] == 1, got[32:], want.Success, want.ReturnData)
				}
			}
		}
	}
}

// nestedGas is what the outer guest gives each inner one.
const nestedGas = 200_000

type nestedCall struct {
	guest []byte
	off   uint64
	gas   uint64 // 0: nestedGas
}

// selfReturningGuest returns a guest that does some arithmetic, jumps to a
// JUMPDEST further on, and returns its whole code; random bytes that are
// never run make each guest distinct.
func selfReturningGuest(rng *rand.Rand) []byte {
	g := []byte{0x60, byte(rng.IntN(256)), 0x60, byte(rng.IntN(256)), 0x01, 0x50} // PUSH1 a PUSH1 b ADD POP
	pad := make([]byte, rng.IntN(40))
	for i := range pad {
		pad[i] = byte(rng.IntN(256))
	}
	dest := len(g) + 3 + len(pad)
	g = append(g, 0x60, byte(dest), 0x56) // PUSH1 dest JUMP
	g = append(g, pad...)
	// JUMPDEST CODESIZE PUSH0 PUSH0 CODECOPY CODESIZE PUSH0 RETURN
	return append(g, 0x5b, 0x38, 0x5f, 0x5f, 0x39, 0x38, 0x5f, 0xf3)
}

// outerGuest writes each inner guest at its offset, DELEGATECALLs HyVM with
// it and records (success, keccak(return data)) at 0x1000 + 64*i, which it
// returns at the end.
func outerGuest(seq []nestedCall) []byte {
	var g []byte
	push := func(v uint64) {
		b := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
		g = append(g, 0x63)
		g = append(g, b...)
	}
	for i, c := range seq {
		for j := 0; j < len(c.guest); j += 32 {
			word := make([]byte, 32)
			copy(word, c.guest[j:])
			g = append(g, 0x7f)
			g = append(g, word...)
			push(c.off + uint64(j))
			g = append(g, 0x52) // MSTORE
		}
		res := uint64(0x1000 + 64*i)
		// DELEGATECALL(gas, HyVM, off, len, 0, 0)
		push(0)
		push(0)
		push(uint64(len(c.guest)))
		push(c.off)
		g = append(g, 0x73)
		g = append(g, hyvm.Reference.Address[:]...)
		if c.gas == 0 {
			c.gas = nestedGas
		}
		g = append(g, 0x7f) // PUSH32 gas
		g = append(g, new(uint256.Int).SetUint64(c.gas).PaddedBytes(32)...)
		g = append(g, 0xf4)
		push(res)
		g = append(g, 0x52) // MSTORE success
		// RETURNDATACOPY(0x2000, 0, RETURNDATASIZE); keccak → res+32
		g = append(g, 0x3d)
		push(0)
		push(0x2000)
		g = append(g, 0x3e)
		g = append(g, 0x3d)
		push(0x2000)
		g = append(g, 0x20)
		push(res + 32)
		g = append(g, 0x52)
	}
	push(uint64(64 * len(seq)))
	push(0x1000)
	return append(g, 0xf3)
}
