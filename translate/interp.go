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

// stepKind says how the interpreter runs an opcode.
type stepKind uint8

const (
	sUndefined stepKind = iota // not in the fork: invalid opcode
	sAbort                     // a guest's opcode HyVM lacks: revert(0, 0)
	sForm                      // its stack form (fn)
	sPush                      // PUSHn, n bytes
	sPush0
	sDup // DUPn
	sSwap
	sPop
	sNop
	sPC
	sStop
	sInvalid
	sJump
	sJumpI
	sReturn
	sRevert
	sSelfdestruct
	// The commonest stack forms, called directly rather than through fn.
	sAdd
	sSub
	sMul
	sAnd
	sOr
	sXor
	sLt
	sGt
	sEq
	sIszero
	sShl
	sShr
	sMload
	sMstore
)

// directKinds are the opcodes with a kind of their own, when they have no
// pre-step (a guest's MLOAD and MSTORE do).
var directKinds = map[blocks.Opcode]stepKind{
	blocks.ADD: sAdd, blocks.SUB: sSub, blocks.MUL: sMul, blocks.AND: sAnd, blocks.OR: sOr,
	blocks.XOR: sXor, blocks.LT: sLt, blocks.GT: sGt, blocks.EQ: sEq, blocks.ISZERO: sIszero,
	blocks.SHL: sShl, blocks.SHR: sShr, blocks.MLOAD: sMload, blocks.MSTORE: sMstore,
}

// step is what the interpreter knows of an opcode under a fork and a
// profile: one table lookup per instruction.
type step struct {
	gas  uint64 // constant gas, HyVM's overhead included for a guest
	fn   opFn   // sForm, sReturn, sRevert, sSelfdestruct
	pops int32
	grow int32 // pushes - pops, and for a guest's PUSH HyVM's headroom
	kind stepKind
	n    uint8 // sPush: immediate bytes; sDup, sSwap: depth
}

type stepTable [256]step

// stepTables holds the step table of every fork and profile (EVM, HyVM guest).
// Built once, never written after.
var stepTables = buildSteps()

func buildSteps() (t [blocks.Latest + 1][2]*stepTable) {
	for _, fork := range blocks.Forks() {
		for g, guest := range []bool{false, true} {
			st := new(stepTable)
			pr := irProfile{fork: fork, guest: guest}
			var ir irBlock
			for i := range 256 {
				op := blocks.Opcode(i)
				info := op.Info()
				s := &st[i]
				s.gas, s.pops, s.grow = pr.cost(op), int32(info.Pops), int32(info.Pushes-info.Pops)
				if guest && op.IsPush() {
					s.grow += blocks.HyVMPushStackHeadroom
				}
				switch {
				case guest && !info.HyVM.Supported:
					s.kind = sAbort
				case !guest && !op.Defined(fork):
					s.kind = sUndefined
				case op.IsPush():
					s.kind, s.n = sPush, uint8(info.Immediate)
				case op == blocks.PUSH0:
					s.kind = sPush0
				case op >= blocks.DUP1 && op <= blocks.DUP16:
					s.kind, s.n = sDup, uint8(op-blocks.DUP1)+1
				case op >= blocks.SWAP1 && op <= blocks.SWAP16:
					s.kind, s.n = sSwap, uint8(op-blocks.SWAP1)+1
				case op == blocks.POP:
					s.kind = sPop
				case op == blocks.JUMPDEST:
					s.kind = sNop
				case op == blocks.PC:
					s.kind = sPC
				case op == blocks.STOP:
					s.kind = sStop
				case op == blocks.INVALID:
					s.kind = sInvalid
				case op == blocks.JUMP:
					s.kind = sJump
				case op == blocks.JUMPI:
					s.kind = sJumpI
				default:
					in := irInstr{op: op, pre: pr.pre(op)} // rest 0: gas is charged per instruction
					s.fn, _ = lowerInstr(&in, nil, &ir, pr)
					switch op {
					case blocks.RETURN:
						s.kind = sReturn
					case blocks.REVERT:
						s.kind = sRevert
					case blocks.SELFDESTRUCT:
						s.kind = sSelfdestruct
					default:
						s.kind = sForm
						if k, ok := directKinds[op]; ok && in.pre == 0 {
							s.kind = k
						}
					}
				}
			}
			t[fork][g] = st
		}
	}
	return t
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
	g, limit := 0, StackLimit
	if guest {
		g, limit = 1, blocks.HyVMStackLimit
	}
	table := stepsOf(p.fork, g)
	for {
		if pc >= uint64(len(code)) {
			// Past the end: an implicit STOP, which HyVM charges.
			if guest && !f.useGas(blocks.HyVMStopGas) {
				return nil, steps, errOutOfGas
			}
			f.out = nil
			return nil, steps, nil
		}
		op := code[pc]
		s := &table[op]
		switch s.kind {
		case sUndefined:
			f.out = nil
			return nil, steps, &invalidOpcodeError{op}
		case sAbort: // HyVM's revert(0, 0)
			if !f.useGas(blocks.HyVMAbortGas) {
				return nil, steps, errOutOfGas
			}
			f.out = nil
			return nil, steps, errExecReverted
		}
		if f.sp < int(s.pops) {
			return nil, steps, &stackError{len: f.sp, bound: int(s.pops)}
		}
		if f.sp+int(s.grow) > limit {
			return nil, steps, &stackError{over: true, len: f.sp, bound: limit - int(s.grow)}
		}
		if f.Gas < s.gas {
			return nil, steps, errOutOfGas
		}
		f.Gas -= s.gas
		// Loops take jumps, which check for cancellation; a guest may also
		// be megabytes of straight-line code.
		if steps++; steps&0xfff == 0 && f.Env.Abort.Load() {
			f.out = nil
			return nil, steps, ErrAborted
		}
		switch s.kind {
		case sPush:
			n := uint64(s.n)
			if end := pc + 1 + n; end <= uint64(len(code)) {
				f.stack[f.sp].SetBytes(code[pc+1 : end])
			} else {
				f.stack[f.sp] = pushValue(code[pc+1:], int(n))
			}
			f.sp++
			pc += 1 + n
			continue
		case sPush0:
			f.stack[f.sp].Clear()
			f.sp++
		case sDup:
			f.stack[f.sp] = f.stack[f.sp-int(s.n)]
			f.sp++
		case sSwap:
			top, n := f.sp-1, int(s.n)
			f.stack[top], f.stack[top-n] = f.stack[top-n], f.stack[top]
		case sPop:
			f.sp--
		case sNop:
		case sPC:
			f.stack[f.sp].SetUint64(pc)
			f.sp++
		case sForm:
			if err := s.fn(f); err != nil {
				return nil, steps, err
			}
		case sAdd:
			opAdd(f)
		case sSub:
			opSub(f)
		case sMul:
			opMul(f)
		case sAnd:
			opAnd(f)
		case sOr:
			opOr(f)
		case sXor:
			opXor(f)
		case sLt:
			opLt(f)
		case sGt:
			opGt(f)
		case sEq:
			opEq(f)
		case sIszero:
			opIszero(f)
		case sShl:
			opSHL(f)
		case sShr:
			opSHR(f)
		case sMload:
			if err := opMload(f); err != nil {
				return nil, steps, err
			}
		case sMstore:
			if err := opMstore(f); err != nil {
				return nil, steps, err
			}
		case sStop:
			f.out = nil
			return nil, steps, nil
		case sInvalid:
			f.out = nil
			return nil, steps, &invalidOpcodeError{op}
		case sReturn:
			if err := s.fn(f); err != nil {
				return nil, steps, err
			}
			return f.out, steps, nil
		case sRevert:
			if err := s.fn(f); err != nil {
				return nil, steps, err
			}
			return f.out, steps, errExecReverted
		case sSelfdestruct:
			if err := s.fn(f); err != nil {
				return nil, steps, err
			}
			f.out = nil
			return nil, steps, nil
		case sJump, sJumpI:
			dest := f.pop()
			if s.kind == sJumpI && f.pop().IsZero() {
				break // not taken
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
				case s.kind == sJumpI && ok:
					extra = hvJumpITakenExtra
				case s.kind == sJumpI:
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
		}
		pc++
	}
}

// stepsOf returns the step table of fork for the profile g (1: guest).
func stepsOf(fork blocks.Fork, g int) *stepTable { return stepTables[fork][g] }
