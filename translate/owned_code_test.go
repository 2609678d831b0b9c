package translate

import (
	"encoding/hex"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// A program is cached by the hash of its bytes and decodes blocks lazily,
// long after the caller's buffer (a frame's memory, for initcode and nested
// guests) has been reused: it must not see later writes to that buffer.
func TestProgramsOwnTheirCode(t *testing.T) {
	// PUSH1 3 PUSH1 4 ADD PUSH1 0 MSTORE; PUSH1 11 JUMP; JUMPDEST PUSH1 32 PUSH1 0 RETURN
	// (the block after the jump is built only when first entered).
	const evmCode = "6003600401600052600b565b60206000f3"
	// The same as a HyVM guest: the jump lands one past its 0x5b.
	const guestCode = evmCode
	seven := "0000000000000000000000000000000000000000000000000000000000000007"
	for _, mode := range []string{"evm", "hyvm"} {
		t.Run(mode, func(t *testing.T) {
			buf, _ := hex.DecodeString(evmCode)
			var p *Program
			if mode == "evm" {
				var err error
				if p, err = CompileCode(buf, blocks.Latest, Options{}); err != nil {
					t.Fatal(err)
				}
			} else {
				buf, _ = hex.DecodeString(guestCode)
				p = CompileHyVM(buf, blocks.Latest, Options{})
			}
			clear(buf) // the caller reuses its buffer
			f := new(Frame)
			f.Reset(&Env{Fork: blocks.Latest}, 1)
			f.Gas = 100_000
			out, err := p.Run(f)
			if err != nil {
				t.Fatalf("run after the source buffer changed: %v", err)
			}
			if got := hex.EncodeToString(out); got != seven {
				t.Fatalf("output %s, want %s: the program read the caller's reused buffer", got, seven)
			}
		})
	}
}
