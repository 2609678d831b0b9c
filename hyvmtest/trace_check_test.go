package hyvmtest

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
)

// traceLine is what checkGuestTrace keeps of a guest's trace line.
type traceLine struct {
	pc        uint64
	op        byte
	gas, cost uint64
}

// checkGuestTrace checks the trace of a case's guest frame (the depth of
// the first line) against the guest and the untraced outcome: every line
// names the guest's byte at its pc (or the STOP HyVM runs past the end);
// the first line has the frame's gas less HyVM's start-up; each line has
// the gas the line before left (gas - cost), unless that one called out
// (its cost counts gas the callee may give back); and the last line leaves
// the gas the run left, unless the frame halted exceptionally (then all of
// it is gone). Together: a guest's trace has guest pcs and, instruction by
// instruction, the HyVM gas that adds up to what the vectors expect.
func checkGuestTrace(c *Case) (*tracing.Hooks, func(*hyvm.Result) error) {
	var lines []traceLine
	depth := -1
	hooks := &tracing.Hooks{OnOpcode: func(pc uint64, op byte, gas, cost uint64, _ tracing.OpContext, _ []byte, d int, _ error) {
		if depth < 0 {
			depth = d
		}
		if d == depth {
			lines = append(lines, traceLine{pc, op, gas, cost})
		}
	}}
	verify := func(r *hyvm.Result) error {
		if len(lines) == 0 {
			if c.Gas >= blocks.HyVMStartupGas+blocks.HyVMStopGas {
				return errors.New("no line traced")
			}
			return nil
		}
		if want := c.Gas - blocks.HyVMStartupGas; lines[0].gas != want {
			return fmt.Errorf("first line has gas %d, want %d", lines[0].gas, want)
		}
		for i, l := range lines {
			switch {
			case l.pc < uint64(len(c.Code)) && l.op != c.Code[l.pc]:
				return fmt.Errorf("line %d: op %#x at pc %d, the guest has %#x", i, l.op, l.pc, c.Code[l.pc])
			case l.pc == uint64(len(c.Code)) && l.op != byte(blocks.STOP), l.pc > uint64(len(c.Code)):
				return fmt.Errorf("line %d: op %#x at pc %d past the guest's %d bytes", i, l.op, l.pc, len(c.Code))
			}
			if i == 0 || callsOut(lines[i-1].op) {
				continue
			}
			if prev := lines[i-1]; l.gas != prev.gas-prev.cost {
				return fmt.Errorf("line %d (pc %d): gas %d, the line before left %d (%d - %d)", i, l.pc, l.gas, prev.gas-prev.cost, prev.gas, prev.cost)
			}
		}
		last := lines[len(lines)-1]
		if (r.Success || errors.Is(r.Err, vm.ErrExecutionReverted)) && !callsOut(last.op) {
			if left := c.Gas - r.GasUsed; last.gas-last.cost != left {
				return fmt.Errorf("last line (pc %d) leaves %d, the run left %d", last.pc, last.gas-last.cost, left)
			}
		}
		return nil
	}
	return hooks, verify
}

// callsOut reports whether op enters another frame.
func callsOut(op byte) bool {
	switch blocks.Opcode(op) {
	case blocks.CALL, blocks.CALLCODE, blocks.DELEGATECALL, blocks.STATICCALL, blocks.CREATE, blocks.CREATE2:
		return true
	}
	return false
}
