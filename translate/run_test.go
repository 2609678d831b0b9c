package translate

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
)

// runCode translates code and runs it with gas in a frame whose environment
// has no state: enough for stack, memory, arithmetic and control flow.
func runCode(t *testing.T, code string, gas uint64, traced bool) (*Frame, []byte, error) {
	t.Helper()
	raw, err := hex.DecodeString(code)
	if err != nil {
		t.Fatal(err)
	}
	p, err := CompileCode(raw, blocks.Latest, Options{PerInstructionGas: traced})
	if err != nil {
		t.Fatal(err)
	}
	f := new(Frame)
	f.Reset(&Env{Fork: blocks.Latest}, 1)
	f.Gas = gas
	f.Code = raw
	out, err := p.Run(f)
	return f, out, err
}

func TestRunBlockMechanics(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		gas     uint64
		out     string // hex of the output
		gasLeft uint64
		err     error
	}{
		// PUSH1 3 PUSH1 4 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: 21 + 3 memory
		{"add and return", "600360040160005260206000f3", 100, "0000000000000000000000000000000000000000000000000000000000000007", 76, nil},
		// GAS mid-block sees the gas after its own cost, not after the block's:
		// PUSH1 0 (3) GAS (2) → 100-5 = 95 = 0x5f; then MSTORE etc.
		{"exact GAS inside a block", "60005a60005260206000f3", 100, "000000000000000000000000000000000000000000000000000000000000005f", 100 - 3 - 2 - 3 - 3 - 3 - 3 - 3, nil},
		// PUSH1 4 JUMP INVALID JUMPDEST STOP: static jump resolved at translation
		{"static jump", "600456fe5b00", 100, "", 100 - 3 - 8 - 1, nil},
		// PUSH1 4 PUSH1 4 ADD JUMP STOP STOP → dest 8: JUMPDEST STOP (dynamic jump)
		{"dynamic jump", "60046004015600005b00", 100, "", 100 - 3 - 3 - 3 - 8 - 1, nil},
		// PUSH1 3 JUMP: 3 is not a JUMPDEST
		{"invalid static jump", "600356", 100, "", 0, vm.ErrInvalidJump},
		// PUSH1 1 PUSH1 0x02 JUMPI: 2 is inside... not a JUMPDEST
		{"invalid jumpi target", "6001600257", 100, "", 0, vm.ErrInvalidJump},
		// JUMPI not taken falls through to the end: implicit STOP
		{"jumpi not taken", "6000600057", 100, "", 100 - 3 - 3 - 10, nil},
		// ADD on an empty stack fails at block entry, consuming all gas
		{"stack underflow", "01", 100, "", 0, &vm.ErrStackUnderflow{}},
		// Not enough gas for the whole block: out of gas before anything runs
		{"block out of gas", "6001600201", 8, "", 0, vm.ErrOutOfGas},
		{"revert keeps gas", "60aa60005260206000fd", 100, "00000000000000000000000000000000000000000000000000000000000000aa", 100 - 3 - 3 - 3 - 3 - 3 - 3, vm.ErrExecutionReverted},
		{"invalid opcode", "fe", 100, "", 0, &vm.ErrInvalidOpCode{}},
		// PUSH3 with two bytes left: runs, then the implicit STOP
		{"truncated push", "62aabb", 100, "", 97, nil},
	}
	for _, tt := range tests {
		for _, traced := range []bool{false, true} {
			name := tt.name
			if traced {
				name += "/per-instruction"
			}
			t.Run(name, func(t *testing.T) {
				f, out, err := runCode(t, tt.code, tt.gas, traced)
				if !sameError(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if hex.EncodeToString(out) != tt.out {
					t.Errorf("output = %x, want %s", out, tt.out)
				}
				// A failing frame's gas is consumed by its caller; only
				// successful and reverted frames report gas left.
				if (err == nil || errors.Is(err, vm.ErrExecutionReverted)) && f.Gas != tt.gasLeft {
					t.Errorf("gas left = %d, want %d", f.Gas, tt.gasLeft)
				}
			})
		}
	}
}

func sameError(got, want error) bool {
	if want == nil || got == nil {
		return got == want
	}
	switch want.(type) {
	case *vm.ErrStackUnderflow:
		var e *vm.ErrStackUnderflow
		return errors.As(got, &e)
	case *vm.ErrInvalidOpCode:
		var e *vm.ErrInvalidOpCode
		return errors.As(got, &e)
	}
	return errors.Is(got, want)
}

// TestJumpTable checks that blocks are published at the JUMPDESTs that
// start them and nowhere else, and that a long program makes table pages
// only where blocks were built.
func TestJumpTable(t *testing.T) {
	// JUMPDESTs at 0 and 3, a 0x5b inside PUSH data at 2.
	raw, _ := hex.DecodeString("5b605b5b00")
	p, err := CompileCode(raw, blocks.Latest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.TranslateAll()
	for pc, want := range []bool{true, false, false, true, false} {
		if got := p.table.load(uint32(pc)) != nil; got != want {
			t.Errorf("table[%d] set = %v, want %v", pc, got, want)
		}
	}

	// 4 KiB of JUMPDEST STOP pairs: a block at every other byte, one page
	// per 64 bytes once all are built, none before.
	long := bytes.Repeat([]byte{0x5b, 0x00}, 2048)
	if p, err = CompileCode(long, blocks.Latest, Options{}); err != nil {
		t.Fatal(err)
	}
	made := func() (n int) {
		for i := range p.table.pages {
			if p.table.pages[i].Load() != nil {
				n++
			}
		}
		return n
	}
	if n := made(); n != 0 {
		t.Fatalf("%d pages before any block was built", n)
	}
	p.destBlock(2048)
	if n := made(); n != 1 {
		t.Fatalf("%d pages after one block was built", n)
	}
	p.TranslateAll()
	if n := made(); n != len(long)/64 {
		t.Fatalf("%d pages after every block was built, want %d", n, len(long)/64)
	}
	for pc := range len(long) {
		if got, want := p.table.load(uint32(pc)) != nil, pc%2 == 0; got != want {
			t.Fatalf("table[%d] set = %v, want %v", pc, got, want)
		}
	}
}
