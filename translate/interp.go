package translate

import "github.com/hyvm/hyvm/blocks"

// The interpreter: the tier that builds nothing. It runs a program's bytes
// directly, one instruction after the other, charging each instruction's
// constant gas and checking its stack bounds as it comes (go-ethereum's and
// evmone baseline's model), so code that runs once costs its execution and
// a jump-destination scan, never a translation. Every instruction's meaning
// is the one the other tiers use: PUSH, DUP, SWAP, POP, JUMPDEST, PC and the
// jumps are run inline, everything else is its stack form (simpleOps, or
// the closure the closure backend binds for LOG, the CALL and CREATE
// families), behind the same HyVM pre-steps (offset rewriting, policy,
// MSIZE) for a guest. Gas observed by GAS, calls and SSTORE is exact by
// construction: nothing is charged ahead.

// stackForms holds, per fork and profile (EVM or HyVM guest), the
// function the interpreter runs for each opcode it does not run inline;
// nil for the opcodes the profile lacks. Built once, never written after.
var stackForms = buildStackForms()

type formTable [256]opFn

func buildStackForms() (t [blocks.Latest + 1][2]*formTable) {
	for _, fork := range blocks.Forks() {
		for g, guest := range []bool{false, true} {
			ft := new(formTable)
			pr := irProfile{fork: fork, guest: guest}
			var ir irBlock
			for op := range 256 {
				o := blocks.Opcode(op)
				switch {
				case guest && !o.Info().HyVM.Supported, !guest && !o.Defined(fork),
					stackOnly(o), o.Info().Term != blocks.Fallthrough && o != blocks.RETURN && o != blocks.REVERT && o != blocks.SELFDESTRUCT:
					continue
				}
				in := irInstr{op: o, pre: pr.pre(o)} // rest 0: gas is charged per instruction
				ft[op], _ = lowerInstr(&in, nil, &ir, pr)
			}
			t[fork][g] = ft
		}
	}
	return t
}

// stackOnly reports whether op is one of the stack instructions the
// interpreter runs itself.
func stackOnly(op blocks.Opcode) bool {
	return op == blocks.PUSH0 || op.IsPush() || op >= blocks.DUP1 && op <= blocks.SWAP16 ||
		op == blocks.POP || op == blocks.JUMPDEST || op == blocks.PC
}

// interpret runs p's code in f from pc until the frame halts, or, for a
// TierAuto program promoted meanwhile, until it can continue in the closure
// program. It returns the frame's output and outcome as Run does.
func (p *Program) interpret(f *Frame, pc uint64) ([]byte, error) {
	out, steps, err := p.interpretSteps(f, pc)
	if p.tier == TierAuto && steps > 0 {
		// A short frame's work counts too: many short calls to a
		// contract make it hot.
		p.warm(steps)
	}
	return out, err
}

// interpretSteps is interpret, also returning the instructions it ran and
// has not added to p's heat.
func (p *Program) interpretSteps(f *Frame, pc uint64) (out []byte, steps int, err error) {
	code, guest := p.code, p.guest
	g := 0
	limit := StackLimit
	if guest {
		g, limit = 1, blocks.HyVMStackLimit
	}
	forms := stackForms[p.fork][g]
	for {
		if pc >= uint64(len(code)) {
			// Past the end: an implicit STOP, which HyVM charges.
			if guest && !f.useGas(blocks.HyVMStopGas) {
				return nil, steps, errOutOfGas
			}
			f.out = nil
			return nil, steps, nil
		}
		op := blocks.Opcode(code[pc])
		info := op.Info()
		cost := info.Gas
		if guest {
			if !info.HyVM.Supported { // HyVM's revert(0, 0)
				if !f.useGas(blocks.HyVMAbortGas) {
					return nil, steps, errOutOfGas
				}
				f.out = nil
				return nil, steps, errExecReverted
			}
			cost = guestGas(op)
		} else if !op.Defined(p.fork) {
			f.out = nil
			return nil, steps, &invalidOpcodeError{byte(op)}
		}
		if f.sp < info.Pops {
			return nil, steps, &stackError{len: f.sp, bound: info.Pops}
		}
		pushes := info.Pushes
		if guest && op.IsPush() {
			pushes += blocks.HyVMPushStackHeadroom
		}
		if f.sp-info.Pops+pushes > limit {
			return nil, steps, &stackError{over: true, len: f.sp, bound: limit + info.Pops - pushes}
		}
		if f.Gas < cost {
			return nil, steps, errOutOfGas
		}
		f.Gas -= cost
		steps++
		switch {
		case op >= blocks.PUSH1 && op <= blocks.PUSH32:
			n := uint64(op-blocks.PUSH1) + 1
			if end := pc + 1 + n; end <= uint64(len(code)) {
				f.stack[f.sp].SetBytes(code[pc+1 : end])
			} else {
				f.stack[f.sp] = pushValue(code[pc+1:], int(n))
			}
			f.sp++
			pc += 1 + n
			continue
		case op >= blocks.DUP1 && op <= blocks.DUP16:
			f.stack[f.sp] = f.stack[f.sp-int(op-blocks.DUP1)-1]
			f.sp++
		case op >= blocks.SWAP1 && op <= blocks.SWAP16:
			top, n := f.sp-1, int(op-blocks.SWAP1)+1
			f.stack[top], f.stack[top-n] = f.stack[top-n], f.stack[top]
		}
		switch op {
		case blocks.PUSH0:
			f.stack[f.sp].Clear()
			f.sp++
		case blocks.POP:
			f.sp--
		case blocks.JUMPDEST:
		case blocks.PC:
			f.stack[f.sp].SetUint64(pc)
			f.sp++
		case blocks.STOP:
			f.out = nil
			return nil, steps, nil
		case blocks.INVALID:
			f.out = nil
			return nil, steps, &invalidOpcodeError{byte(op)}
		case blocks.JUMP, blocks.JUMPI:
			dest := f.pop()
			taken := true
			if op == blocks.JUMPI {
				taken = !f.pop().IsZero()
			}
			if !taken {
				break
			}
			// Every loop takes a jump, so checking here bounds a
			// cancelled run.
			if f.Env.Abort.Load() {
				f.out = nil
				return nil, steps, ErrAborted
			}
			start, ok := p.jumpTarget(dest)
			if guest {
				extra := uint64(hvJumpBadExtra)
				switch {
				case op == blocks.JUMPI && ok:
					extra = hvJumpITakenExtra
				case op == blocks.JUMPI:
					extra = hvJumpIBadExtra
				case ok:
					extra = 0
				}
				if !f.useGas(extra) {
					f.out = nil
					return nil, steps, errOutOfGas
				}
				if !ok {
					f.out = nil
					return nil, steps, errExecReverted
				}
			} else if !ok {
				f.out = nil
				return nil, steps, errInvalidJump
			}
			pc = uint64(start)
			if p.tier == TierAuto && steps >= heatFlush {
				q := p.warm(steps)
				if steps = 0; q != nil {
					out, err := q.runBlocks(f, q.entryAt(start))
					return out, 0, err
				}
			}
			continue
		default:
			if op.IsPush() || op >= blocks.DUP1 && op <= blocks.SWAP16 {
				break
			}
			if err := forms[op](f); err != nil {
				return nil, steps, err
			}
			switch op {
			case blocks.RETURN:
				return f.out, steps, nil
			case blocks.REVERT:
				return f.out, steps, errExecReverted
			case blocks.SELFDESTRUCT:
				f.out = nil
				return nil, steps, nil
			}
		}
		pc++
	}
}
