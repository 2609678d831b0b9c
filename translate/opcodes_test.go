package translate

import (
	"fmt"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// Every opcode a fork defines translates on the block path and the traced
// path, and every opcode HyVM supports in HyVM mode, without reaching the
// "no implementation" panic: with operands on the stack at block entry
// (slot forms), pushed as constants (folded and constant-operand forms),
// and with instructions after it (the exact-gas wrapper).
func TestEveryOpcodeTranslates(t *testing.T) {
	for _, fork := range blocks.Forks() {
		for i := range 256 {
			op := blocks.Opcode(i)
			info := op.Info()
			evm, hyvm := op.Defined(fork), info.HyVM.Supported
			if !evm && !hyvm {
				continue
			}
			for _, code := range opcodeCases(op) {
				name := fmt.Sprintf("%v/%v/%x", fork, op, code)
				if evm {
					for _, traced := range []bool{false, true} {
						translates(t, name, func() {
							p, err := CompileCode(code, fork, Options{PerInstructionGas: traced})
							if err != nil {
								t.Fatal(err)
							}
							p.TranslateAll()
						})
					}
				}
				if hyvm {
					for _, traced := range []bool{false, true} {
						translates(t, name+"/hyvm", func() {
							CompileHyVM(code, fork, Options{PerInstructionGas: traced}).buildGuest(0)
						})
					}
				}
			}
		}
	}
}

// opcodeCases returns programs running op: alone, after pushes of its
// operands, and followed by PC POP.
func opcodeCases(op blocks.Opcode) [][]byte {
	info := op.Info()
	alone := append([]byte{byte(op)}, make([]byte, info.Immediate)...)
	var pushed []byte
	for range info.Pops {
		pushed = append(pushed, byte(blocks.PUSH1), 1)
	}
	pushed = append(pushed, alone...)
	rest := append(append([]byte{}, pushed...), byte(blocks.PC), byte(blocks.POP))
	return [][]byte{alone, pushed, rest}
}

func translates(t *testing.T, name string, translate func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", name, r)
		}
	}()
	translate()
}

// The test above would see a missing implementation: an opcode without
// one panics.
func TestUndefinedOpcodeHasNoImplementation(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("translating an undefined opcode did not panic")
		}
	}()
	stackOp(&irInstr{op: 0x0c}, &irBlock{}, blocks.Latest)
}

// TestEveryOpcodeInterprets checks the interpreter's step tables: every
// opcode a fork defines (for a guest, every one HyVM supports) runs inline,
// through a function, or halts as its profile's terminator says; the
// others halt as undefined or INVALID, or as HyVM's revert(0, 0).
func TestEveryOpcodeInterprets(t *testing.T) {
	for _, fork := range blocks.Forks() {
		for g, table := range stepTables[fork] {
			for i := range 256 {
				op, s := blocks.Opcode(i), table[i]
				supported := op.Defined(fork)
				if g == 1 {
					supported = op.Info().HyVM.Supported
				}
				switch {
				case !supported && (s.kind != sHalt || s.term != blocks.Undefined && s.term != blocks.Abort && s.term != blocks.Invalid):
					t.Errorf("%v/guest=%d: %v is not supported but does not halt as such (%+v)", fork, g, op, s)
				case supported && s.kind == sForm && s.fn == nil:
					t.Errorf("%v/guest=%d: %v has no function", fork, g, op)
				case supported && s.kind == sHalt && s.term == blocks.Fallthrough:
					t.Errorf("%v/guest=%d: %v halts without a terminator", fork, g, op)
				}
			}
		}
	}
}
