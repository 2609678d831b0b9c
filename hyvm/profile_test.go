package hyvm_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// The engine's HyVM profile (blocks.OpInfo.HyVM and blocks' HyVM
// constants) is gas-overhead.md's: every byte is either in its per-opcode
// table with the overhead the table has, or among the opcodes that revert,
// or INVALID; jumps and the fixed costs are its totals.
func TestProfileFromDoc(t *testing.T) {
	d := parseGasDoc(t)
	seen := map[byte]string{byte(blocks.INVALID): "INVALID"} // HyVM runs INVALID itself: "Opcodes that end the frame"
	for _, r := range d.rows {
		op := blocks.Opcode(r.op)
		hv := op.Info().HyVM
		if !hv.Supported {
			t.Errorf("%v: gas-overhead.md has an overhead for it, the profile does not support it", op)
		}
		seen[r.op] = r.name
		if op == blocks.JUMP || op == blocks.JUMPI {
			continue // priced per outcome, below
		}
		if hv.Overhead != r.overhead {
			t.Errorf("%v: overhead %d, gas-overhead.md %d", op, hv.Overhead, r.overhead)
		}
		// The overhead classes that rewrite offsets (the doc's summary):
		// 77 and 87 one, 83 one (but MSIZE), 101 two.
		want := map[uint64]int{77: 1, 83: 1, 87: 1, 101: 2}[r.overhead]
		if op == blocks.MSIZE {
			want = 0
		}
		if got := rewritten(hv.Offsets); got != want {
			t.Errorf("%v: rewrites %d offsets, its overhead class %d rewrites %d", op, got, r.overhead, want)
		}
	}
	for _, op := range d.abortOps {
		if name, ok := seen[op]; ok {
			t.Errorf("%#x: gas-overhead.md has it both as %s and as reverting", op, name)
		}
		seen[op] = "revert(0, 0)"
		if blocks.Opcode(op).Info().HyVM.Supported {
			t.Errorf("%v: gas-overhead.md says it reverts, the profile supports it", blocks.Opcode(op))
		}
	}
	if len(seen) != 256 {
		t.Errorf("gas-overhead.md accounts for %d of the 256 opcodes", len(seen))
	}
	if !blocks.INVALID.Info().HyVM.Supported {
		t.Error("INVALID: HyVM executes it (an exceptional halt), the profile does not support it")
	}
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"startup", blocks.HyVMStartupGas, d.fixed["startup"]},
		{"STOP", blocks.HyVMStopGas, d.total["STOP"]},
		{"empty guest program", blocks.HyVMStartupGas + blocks.HyVMStopGas, d.fixed["empty guest program"]},
		{"revert(0, 0)", blocks.HyVMAbortGas, d.abortGas},
		{"JUMP", blocks.HyVMJumpGas, d.total["JUMP (incl. landing JUMPDEST)"]},
		{"JUMPI taken", blocks.HyVMJumpITakenGas, d.total["JUMPI (taken, incl. landing JUMPDEST)"]},
		{"JUMPI not taken", blocks.HyVMJumpINotTakenGas, d.total["JUMPI (not taken)"]},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d gas, gas-overhead.md %d", c.name, c.got, c.want)
		}
	}
	bad := "| JUMP: " + strconv.Itoa(blocks.HyVMJumpBadGas) + ", JUMPI: " + strconv.Itoa(blocks.HyVMJumpIBadGas) + " |"
	if !strings.Contains(d.text, bad) {
		t.Errorf("gas-overhead.md does not give %q for jumps to a non-JUMPDEST", bad)
	}
}

func rewritten(offs [2]int8) int {
	n := 0
	for _, o := range offs {
		if o >= 0 {
			n++
		}
	}
	return n
}
