package translate

import (
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

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
	sForm  stepKind = iota // its stack form (fn)
	sHalt                  // ends the frame (term), after fn if any
	sPush                  // PUSHn, n bytes
	sPush1                 // PUSH1, the commonest
	sPush0
	sDup // DUPn
	sSwap
	sPop
	sNop
	sPC
	sJump
	sJumpI
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

// inlineKinds are the opcodes run by a kind of their own when they have
// no pre-step (a guest's MLOAD and MSTORE have one); PUSHn, DUPn and SWAPn
// are found by range.
var inlineKinds = map[blocks.Opcode]stepKind{
	blocks.PUSH0: sPush0, blocks.POP: sPop, blocks.JUMPDEST: sNop, blocks.PC: sPC,
	blocks.ADD: sAdd, blocks.SUB: sSub, blocks.MUL: sMul, blocks.AND: sAnd, blocks.OR: sOr,
	blocks.XOR: sXor, blocks.LT: sLt, blocks.GT: sGt, blocks.EQ: sEq, blocks.ISZERO: sIszero,
	blocks.SHL: sShl, blocks.SHR: sShr, blocks.MLOAD: sMload, blocks.MSTORE: sMstore,
}

// step is what the interpreter knows of an opcode under a fork and a
// profile: one table lookup per instruction.
type step struct {
	gas  uint64 // constant gas, HyVM's overhead included for a guest
	fn   opFn   // sForm, and sHalt for RETURN, REVERT and SELFDESTRUCT
	pops int32
	grow int32 // pushes - pops, and for a guest's PUSH HyVM's headroom
	// span is how far above pops the stack height may be: one unsigned
	// comparison, sp-pops <= span, checks both bounds.
	span uint32
	kind stepKind
	term blocks.Terminator // sHalt
	n    uint8             // sPush: immediate bytes; sDup, sSwap: depth
}

type stepTable [256]step

// stepTables holds the step table of every fork and profile (EVM, HyVM
// guest). Built once, never written after.
var stepTables = buildSteps()

func buildSteps() (t [blocks.Latest + 1][2]*stepTable) {
	for _, fork := range blocks.Forks() {
		for g, guest := range []bool{false, true} {
			st := new(stepTable)
			pr := irProfile{fork: fork, guest: guest}
			limit := StackLimit
			if guest {
				limit = blocks.HyVMStackLimit
			}
			for i := range 256 {
				st[i] = pr.step(blocks.Opcode(i))
				st[i].span = uint32(limit - int(st[i].grow) - int(st[i].pops))
			}
			t[fork][g] = st
		}
	}
	return t
}

// steps returns p's step table and the stack limit its profile sets.
func (p *Program) steps() (*stepTable, int) {
	if p.guest {
		return stepTables[p.fork][1], blocks.HyVMStackLimit
	}
	return stepTables[p.fork][0], StackLimit
}

// step returns the interpreter's step for op under the profile.
func (pr irProfile) step(op blocks.Opcode) step {
	info := op.Info()
	s := step{gas: pr.cost(op), pops: int32(info.Pops), grow: int32(info.Pushes - info.Pops), term: pr.term(op)}
	if pr.guest && op.IsPush() {
		s.grow += blocks.HyVMPushStackHeadroom
	}
	switch s.term {
	case blocks.Jump:
		s.kind = sJump
		return s
	case blocks.JumpI:
		s.kind = sJumpI
		return s
	case blocks.Undefined:
		// Invalid before anything is charged or checked, as go-ethereum.
		s.kind, s.gas, s.pops, s.grow = sHalt, 0, 0, 0
		return s
	case blocks.Abort:
		// HyVM's dispatch and revert(0, 0): the operands are never read.
		s.kind, s.pops, s.grow = sHalt, 0, 0
		return s
	case blocks.Fallthrough:
	default:
		s.kind = sHalt
	}
	switch {
	case op == blocks.PUSH1:
		s.kind, s.n = sPush1, 1
		return s
	case op.IsPush():
		s.kind, s.n = sPush, uint8(info.Immediate)
		return s
	case op >= blocks.DUP1 && op <= blocks.DUP16:
		s.kind, s.n = sDup, uint8(op-blocks.DUP1)+1
		return s
	case op >= blocks.SWAP1 && op <= blocks.SWAP16:
		s.kind, s.n = sSwap, uint8(op-blocks.SWAP1)+1
		return s
	}
	in := irInstr{op: op, pre: pr.pre(op)} // rest 0: gas is charged per instruction
	if k, ok := inlineKinds[op]; ok && in.pre == 0 {
		s.kind = k
		return s
	}
	if op == blocks.STOP || op == blocks.INVALID {
		return s // a halt with nothing to run first
	}
	s.fn, _ = lowerInstr(&in, nil, &irBlock{}, pr)
	return s
}

// interpret runs p's code in f from pc until the frame halts, or, for a
// TierAuto program promoted meanwhile, until it can continue in the closure
// program. It returns the frame's output and outcome as Run does.
func (p *Program) interpret(f *Frame, pc uint64) ([]byte, error) {
	out, ran, err := p.interpretSteps(f, pc)
	if p.tier == TierAuto && ran > 0 {
		// A short frame's work counts too: many short calls to a
		// contract make it hot.
		p.warm(ran)
	}
	return out, err
}

// interpretSteps is interpret, also returning the instructions it ran and
// has not added to p's heat.
func (p *Program) interpretSteps(f *Frame, pc uint64) (out []byte, ran int, err error) {
	code, guest := p.code, p.guest
	table, limit := p.steps()
	for {
		if pc >= uint64(len(code)) {
			// Past the end: an implicit STOP, which HyVM charges.
			if guest && !f.useGas(blocks.HyVMStopGas) {
				return nil, ran, errOutOfGas
			}
			f.out = nil
			return nil, ran, nil
		}
		op := code[pc]
		s := &table[op]
		if uint(f.sp-int(s.pops)) > uint(s.span) {
			return nil, ran, stackErrorOf(s, f.sp, limit)
		}
		if f.Gas < s.gas {
			return nil, ran, errOutOfGas
		}
		f.Gas -= s.gas
		// Loops take jumps, which check for cancellation; a guest may also
		// be megabytes of straight-line code.
		if ran++; ran&0xfff == 0 && f.Env.Abort.Load() {
			f.out = nil
			return nil, ran, ErrAborted
		}
		// Dispatch on the opcode itself, which is in hand, rather than on
		// the step's kind, which is one more load away: the jump can then
		// resolve as soon as the byte is read. Each case makes sure the
		// profile and fork gave op the kind it implements (PUSH0 is
		// undefined before Shanghai, a guest's MLOAD rewrites its offset
		// first); anything else is dispatched by kind below.
		switch op {
		case 0x60:
			if s.kind != sPush1 {
				break
			}
			var v uint64
			if pc+1 < uint64(len(code)) {
				v = uint64(code[pc+1])
			}
			f.stack[f.sp] = uint256.Int{v}
			f.sp++
			pc += 2
			continue
		case 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f:
			if s.kind != sPush {
				break
			}
			n := uint64(s.n)
			if end := pc + 1 + n; end <= uint64(len(code)) {
				f.stack[f.sp].SetBytes(code[pc+1 : end])
			} else {
				f.stack[f.sp] = pushValue(code[pc+1:], int(n))
			}
			f.sp++
			pc += 1 + n
			continue
		case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f:
			if s.kind != sDup {
				break
			}
			f.stack[f.sp] = f.stack[f.sp-int(s.n)]
			f.sp++
			pc++
			continue
		case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f:
			if s.kind != sSwap {
				break
			}
			top, n := f.sp-1, int(s.n)
			f.stack[top], f.stack[top-n] = f.stack[top-n], f.stack[top]
			pc++
			continue
		case byte(blocks.POP):
			if s.kind != sPop {
				break
			}
			f.sp--
			pc++
			continue
		case byte(blocks.JUMPDEST):
			if s.kind != sNop {
				break
			}
			pc++
			continue
		case byte(blocks.ADD):
			if s.kind != sAdd {
				break
			}
			opAdd(f)
			pc++
			continue
		case byte(blocks.SUB):
			if s.kind != sSub {
				break
			}
			opSub(f)
			pc++
			continue
		case byte(blocks.MUL):
			if s.kind != sMul {
				break
			}
			opMul(f)
			pc++
			continue
		case byte(blocks.AND):
			if s.kind != sAnd {
				break
			}
			opAnd(f)
			pc++
			continue
		case byte(blocks.OR):
			if s.kind != sOr {
				break
			}
			opOr(f)
			pc++
			continue
		case byte(blocks.XOR):
			if s.kind != sXor {
				break
			}
			opXor(f)
			pc++
			continue
		case byte(blocks.LT):
			if s.kind != sLt {
				break
			}
			opLt(f)
			pc++
			continue
		case byte(blocks.GT):
			if s.kind != sGt {
				break
			}
			opGt(f)
			pc++
			continue
		case byte(blocks.EQ):
			if s.kind != sEq {
				break
			}
			opEq(f)
			pc++
			continue
		case byte(blocks.ISZERO):
			if s.kind != sIszero {
				break
			}
			opIszero(f)
			pc++
			continue
		case byte(blocks.SHL):
			if s.kind != sShl {
				break
			}
			opSHL(f)
			pc++
			continue
		case byte(blocks.SHR):
			if s.kind != sShr {
				break
			}
			opSHR(f)
			pc++
			continue
		case byte(blocks.PUSH0):
			if s.kind != sPush0 {
				break
			}
			f.stack[f.sp].Clear()
			f.sp++
			pc++
			continue
		case byte(blocks.MLOAD):
			if s.kind != sMload {
				break
			}
			if err := opMload(f); err != nil {
				return nil, ran, err
			}
			pc++
			continue
		case byte(blocks.MSTORE):
			if s.kind != sMstore {
				break
			}
			if err := opMstore(f); err != nil {
				return nil, ran, err
			}
			pc++
			continue
		case byte(blocks.JUMP), byte(blocks.JUMPI):
			if s.kind != sJump && s.kind != sJumpI {
				break
			}
			dest := f.pop()
			if s.kind == sJumpI && f.pop().IsZero() {
				pc++
				continue // not taken
			}
			// Every loop takes a jump, so checking here bounds a
			// cancelled run.
			if f.Env.Abort.Load() {
				f.out = nil
				return nil, ran, ErrAborted
			}
			start, ok := p.jumpTarget(dest)
			if guest {
				if !f.useGas(guestJumpExtra(s.kind == sJumpI, ok)) {
					f.out = nil
					return nil, ran, errOutOfGas
				}
				if !ok {
					f.out = nil
					return nil, ran, errExecReverted
				}
			} else if !ok {
				f.out = nil
				return nil, ran, errInvalidJump
			}
			pc = uint64(start)
			if p.tier == TierAuto && ran >= heatFlush {
				q := p.warm(ran)
				if ran = 0; q != nil {
					out, err := q.runBlocks(f, q.entryAt(start))
					return out, 0, err
				}
			}
			continue
		}
		switch s.kind {
		case sForm:
			if err := s.fn(f); err != nil {
				return nil, ran, err
			}
		case sHalt:
			if s.fn != nil {
				if err := s.fn(f); err != nil {
					return nil, ran, err
				}
			}
			err := f.halt(s.term, op)
			return f.out, ran, err
		case sPC:
			f.stack[f.sp].SetUint64(pc)
			f.sp++
		}
		pc++
	}
}

// stackErrorOf returns the error of step s at stack height sp, which is
// outside its bounds under limit.
func stackErrorOf(s *step, sp, limit int) error {
	if sp < int(s.pops) {
		return &stackError{len: sp, bound: int(s.pops)}
	}
	return &stackError{over: true, len: sp, bound: limit - int(s.grow)}
}
