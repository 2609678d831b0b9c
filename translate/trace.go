package translate

import (
	"github.com/holiman/uint256"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
)

// The per-instruction path: what a traced run takes. It charges constant gas
// and checks the stack instruction by instruction, exactly as an interpreter
// does, so a trace shows the same gas, cost and stack as go-ethereum's, and
// then runs the same closures the block path runs.

type traceState struct {
	pending bool // the current instruction's line is not yet emitted
	failed  bool // its line was emitted with an error: no fault line follows
	pc      uint64
	op      byte
	gas     uint64 // gas before the instruction
	cost    uint64 // its constant gas, plus its dynamic gas once emitted
	// guest marks a HyVM guest's instruction: the trace shows the guest's
	// memory (past HyVM's area) and its memory offsets as the guest wrote
	// them, fixed recording which HyVM has rewritten by now.
	guest bool
	fixed [2]fixedOffset
}

// fixedOffset is a stack position whose guest value HyVM has rewritten.
type fixedOffset struct {
	set  bool
	pos  int
	orig uint256.Int
}

// emitTrace reports the current instruction with its dynamic gas included.
func (f *Frame) emitTrace(dynamic uint64) { f.emitTraceErr(dynamic, nil) }

func (f *Frame) emitTraceErr(dynamic uint64, err error) {
	f.trace.pending = false
	f.trace.failed = err != nil
	f.trace.cost += dynamic
	if t := f.Env.Tracer; t != nil {
		t.EmitOpcode(f.trace.pc, f.trace.op, tracing.Gas{Execution: f.trace.gas},
			tracing.Gas{Execution: f.trace.cost}, f.opContext(), f.ReturnData, f.Depth, vm.VMErrorFromErr(err))
	}
}

// emitFault reports an instruction that failed after its line was emitted
// (go-ethereum's OnFault: same gas and cost, the state after the failure).
func (f *Frame) emitFault(err error) {
	if t := f.Env.Tracer; t != nil {
		t.EmitFault(f.trace.pc, f.trace.op, tracing.Gas{Execution: f.trace.gas},
			tracing.Gas{Execution: f.trace.cost}, f.opContext(), f.Depth, vm.VMErrorFromErr(err))
	}
}

func (p *Program) runTraced(f *Frame) (out []byte, err error) {
	defer func() {
		// A failing instruction is reported as go-ethereum's interpreter
		// does: with its error on its own line if that is not emitted yet,
		// else (REVERT, a bad jump, a write in a static frame) on a fault
		// line after it.
		if err != nil && !HaltsExecution(err) {
			switch {
			case f.trace.pending:
				f.emitTraceErr(0, err)
			case !f.trace.failed:
				f.emitFault(err)
			}
		}
		f.trace.pending = false
	}()
	table, limit := p.steps() // each instruction's gas and stack bounds, as the interpreter's
	b := p.entryBlock()
	for b != nil {
		if p.guest && int(b.start) >= len(p.code) {
			return nil, p.traceGuestEnd(f, b)
		}
		for i, in := range p.instrList(b) {
			info, s := in.Op.Info(), &table[in.Op]
			f.trace = traceState{pending: true, pc: uint64(in.PC), op: byte(in.Op), gas: f.Gas, cost: s.gas, guest: p.guest}
			if s.term == blocks.Undefined {
				// go-ethereum runs an undefined opcode as a free instruction
				// that fails: its line, then a fault line.
				f.emitTrace(0)
				return nil, &invalidOpcodeError{byte(in.Op)}
			}
			if s.term == blocks.Abort {
				// HyVM's revert(0, 0): the guest never sees the operands.
				if f.Gas < s.gas {
					return nil, errOutOfGas
				}
				f.Gas -= s.gas
				f.emitTrace(0)
				continue
			}
			if f.sp < int(s.pops) {
				return nil, &stackError{len: f.sp, bound: int(s.pops)}
			}
			if f.sp+int(s.grow) > limit {
				return nil, &stackError{over: true, len: f.sp, bound: limit - int(s.grow)}
			}
			if p.guest && (s.kind == sJump || s.kind == sJumpI) {
				// HyVM prices a jump by its outcome: the line shows it, the
				// block charges the base and the jump the rest.
				f.trace.cost = p.guestJumpGas(in.Op, f)
			}
			gas := s.gas
			if f.Gas < gas {
				if in.Op == blocks.EXP {
					// go-ethereum prices all of EXP as dynamic gas, so its
					// failing line shows the whole cost.
					f.trace.cost += expGas(f.back(1))
				}
				return nil, errOutOfGas
			}
			f.Gas -= gas
			if !info.DynamicGas {
				// Else the instruction emits its line once it has
				// computed its dynamic gas, before any effect.
				f.emitTrace(0)
			}
			if i < len(b.ops) {
				err := b.ops[i](f)
				if f.trace.pending && err == nil {
					f.emitTrace(0)
				}
				if err != nil {
					return nil, err
				}
			}
		}
		cur := b
		if b, err = p.leave(cur, f); b == nil {
			if err == nil && (cur.term == blocks.Fallthrough || cur.term == blocks.JumpI) {
				// Running off the end of the code executes an implicit
				// STOP, which go-ethereum traces like any instruction.
				f.trace = traceState{pending: true, pc: p.endPC(cur), op: byte(blocks.STOP), gas: f.Gas}
				f.emitTrace(0)
			}
			return f.out, err
		}
	}
	return nil, nil
}

// endPC is the program counter after a block's last instruction, past the
// end of the code when a PUSH there is truncated (as an interpreter counts).
func (p *Program) endPC(b *block) uint64 {
	instrs := p.instrList(b)
	if len(instrs) == 0 {
		return uint64(b.start)
	}
	last := instrs[len(instrs)-1]
	return uint64(last.PC) + 1 + uint64(last.Op.Info().Immediate)
}

// traceGuestEnd traces the STOP HyVM runs past the end of a guest, whose
// block b charges it.
func (p *Program) traceGuestEnd(f *Frame, b *block) error {
	f.trace = traceState{pending: true, pc: uint64(b.start), op: byte(blocks.STOP), gas: f.Gas, cost: b.gas, guest: true}
	if f.Gas < b.gas {
		return errOutOfGas
	}
	f.Gas -= b.gas
	f.emitTrace(0)
	return nil
}

// guestJumpGas returns what HyVM charges for a guest's JUMP or JUMPI with
// its operands on the stack: by outcome (taken or not, 0x5b or not).
func (p *Program) guestJumpGas(op blocks.Opcode, f *Frame) uint64 {
	jumpi := op == blocks.JUMPI
	if jumpi && f.back(1).IsZero() {
		return guestGas(op)
	}
	_, ok := p.jumpTarget(f.back(0))
	return guestGas(op) + guestJumpExtra(jumpi, ok)
}
