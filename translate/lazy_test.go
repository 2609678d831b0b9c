package translate

import (
	"encoding/hex"
	"sync"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// TestLazyConcurrentFirstEntry runs one shared program from many goroutines
// at once, so that they enter its blocks, resolve its links and publish its
// merged JUMPDEST runs for the first time concurrently (run with -race).
func TestLazyConcurrentFirstEntry(t *testing.T) {
	// A loop counting 40 down to 0 through a run of JUMPDESTs (merged), a
	// static JUMPI, a dynamic JUMP and code after a JUMPI; returns 0x2a.
	//  0: PUSH1 40
	//  2: JUMPDEST JUMPDEST JUMPDEST (the loop head)
	//  5: PUSH1 1 SWAP1 SUB DUP1 PUSH1 23 JUMPI
	// 13: PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
	// 23: JUMPDEST PUSH1 2 DUP1 POP JUMP (dynamic)
	code := "6028" + "5b5b5b" + "6001900380601757" +
		"602a60005260206000f3" + "5b6002805056"
	raw, err := hex.DecodeString(code)
	if err != nil {
		t.Fatal(err)
	}
	if raw[23] != 0x5b {
		t.Fatalf("byte 23 is %#x, want JUMPDEST", raw[23])
	}
	for _, traced := range []bool{false, true} {
		for round := 0; round < 20; round++ {
			p, err := CompileCode(raw, blocks.Latest, Options{PerInstructionGas: traced})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			gas := make([]uint64, 8)
			for g := range gas {
				wg.Go(func() {
					f := new(Frame)
					f.Reset(&Env{Fork: blocks.Latest}, 1)
					f.Gas, f.Code = 1_000_000, raw
					out, err := p.Run(f)
					if err != nil || len(out) != 32 || out[31] != 0x2a {
						t.Errorf("goroutine %d: out %x, err %v", g, out, err)
					}
					gas[g] = f.Gas
				})
			}
			wg.Wait()
			for g := range gas {
				if gas[g] != gas[0] {
					t.Fatalf("gas left differs between goroutines: %v", gas)
				}
			}
		}
	}
}
