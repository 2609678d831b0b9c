package blocks

import (
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"
)

// The spec table against go-ethereum's jump table (refTables, read from
// vm.LookupInstructionSet for every supported fork): names, availability,
// stack bounds, constant gas (EXP's fixed 10 counted as constant, see
// refTables), and which opcodes have dynamic gas and memory operands.
func TestSpecMatchesGoEthereum(t *testing.T) {
	for _, fork := range Forks() {
		ref := refTables()[fork]
		for i := range 256 {
			op, r, info := Opcode(i), &ref[i], Opcode(i).Info()
			want := vm.OpCode(i).String()
			if op == PREVRANDAO {
				want = "PREVRANDAO" // go-ethereum's String still says DIFFICULTY
			}
			if op.String() != want {
				t.Errorf("%#x: named %q, go-ethereum %q", i, op.String(), want)
			}
			if op.Defined(fork) != r.defined {
				t.Errorf("%v %v: defined %v, go-ethereum %v", fork, op, op.Defined(fork), r.defined)
			}
			if got := op.TermIn(fork); got != r.terminator {
				t.Errorf("%v %v: terminator %v, want %v", fork, op, got, r.terminator)
			}
			if !r.defined {
				continue
			}
			if info.Pops != r.pops || info.Pushes != r.pushes {
				t.Errorf("%v %v: pops/pushes %d/%d, go-ethereum's min/max stack give %d/%d", fork, op, info.Pops, info.Pushes, r.pops, r.pushes)
			}
			if info.Gas != r.constGas {
				t.Errorf("%v %v: constant gas %d, go-ethereum %d", fork, op, info.Gas, r.constGas)
			}
			if info.DynamicGas != r.dynamicGas {
				t.Errorf("%v %v: dynamic gas %v, go-ethereum %v", fork, op, info.DynamicGas, r.dynamicGas)
			}
			if (len(info.Mem) > 0) != r.memory {
				t.Errorf("%v %v: %d memory operands, go-ethereum sizes memory: %v", fork, op, len(info.Mem), r.memory)
			}
			if info.Immediate != r.immediate {
				t.Errorf("%v %v: immediate %d, want %d", fork, op, info.Immediate, r.immediate)
			}
		}
	}
}

// The columns that go-ethereum's table has no counterpart for are
// consistent with the rest of the row.
func TestSpecColumns(t *testing.T) {
	for i := range 256 {
		op, info := Opcode(i), Opcode(i).Info()
		for _, m := range info.Mem {
			if int(m.Offset) >= info.Pops || int(m.Size) >= info.Pops || (m.Size < 0) != (m.Len > 0) {
				t.Errorf("%v: memory operand %+v outside its %d operands", op, m, info.Pops)
			}
		}
		if info.ObservesGas && !(info.DynamicGas || op == GAS) {
			t.Errorf("%v: observes the gas left without dynamic gas", op)
		}
		hv := info.HyVM
		if hv.Supported && !op.Defined(Cancun) && op != INVALID {
			t.Errorf("%v: HyVM supports an opcode Cancun does not define", op)
		}
		if !hv.Supported && (hv.Overhead != 0 || hv.Policy || hv.Offsets != [2]int8{-1, -1}) {
			t.Errorf("%v: HyVM columns %+v for an unsupported opcode", op, hv)
		}
		if hv.Policy && !info.ObservesGas {
			// A policy ends the block after the instruction (hyvm_compile.go);
			// the instructions it checks observe the gas left.
			t.Errorf("%v: checked by policy but does not observe the gas left", op)
		}
	}
	for _, c := range []struct{ got, want uint64 }{
		{GasQuickStep, vm.GasQuickStep}, {GasFastestStep, vm.GasFastestStep}, {GasFastStep, vm.GasFastStep},
		{GasMidStep, vm.GasMidStep}, {GasSlowStep, vm.GasSlowStep}, {GasExtStep, vm.GasExtStep},
	} {
		if c.got != c.want {
			t.Errorf("gas tier %d, go-ethereum's %d", c.got, c.want)
		}
	}
}
