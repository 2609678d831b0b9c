package translate

import (
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The interpreter: the backend that builds nothing per instruction. It
// lowers a block's one-instruction-at-a-time IR (buildStackIR, the traced
// tier's) to a compact list the run loop dispatches with one switch, with
// the block's gas and stack bounds checked at its entry as for closures.
// PUSH, DUP, SWAP, POP, PC and the commonest arithmetic run inline; other
// instructions without pre-steps run their stack form (simpleOps); the few
// with pre-steps or a bound argument (the CALL and CREATE families, LOG,
// GAS, SSTORE, a guest's memory and policy steps) run the closure the
// closure backend builds for them, so every semantics is the core's.

// interpKind says how the interpreter runs an instruction.
type interpKind uint8

const (
	kSimple interpKind = iota // simpleOps[op]
	kFn                       // interpCode.fns[n]
	kPush                     // push interpCode.consts[n]
	kDup                      // DUPn
	kSwap                     // SWAPn
	kPop
	kNop // JUMPDEST
	kPC  // push pc
	kAdd
	kSub
	kMul
	kLt
	kGt
	kEq
	kIszero
	kAnd
	kOr
	kShl
	kShr
	kMload
	kMstore
)

// inlineKinds are the kinds of the instructions run inline when they have
// no pre-step.
var inlineKinds = [256]interpKind{
	blocks.POP: kPop, blocks.JUMPDEST: kNop, blocks.PC: kPC,
	blocks.ADD: kAdd, blocks.SUB: kSub, blocks.MUL: kMul, blocks.LT: kLt, blocks.GT: kGt,
	blocks.EQ: kEq, blocks.ISZERO: kIszero, blocks.AND: kAnd, blocks.OR: kOr,
	blocks.SHL: kShl, blocks.SHR: kShr, blocks.MLOAD: kMload, blocks.MSTORE: kMstore,
}

// interpInstr is one interpreted instruction.
type interpInstr struct {
	kind interpKind
	op   blocks.Opcode
	n    int32 // kPush: constant; kDup, kSwap: depth; kFn: closure
	pc   uint32
}

// interpCode is an interpreted block's code.
type interpCode struct {
	instrs []interpInstr
	consts []uint256.Int
	fns    []opFn
}

const (
	interpInstrSize = int(unsafe.Sizeof(interpInstr{}))
	interpCodeSize  = int(unsafe.Sizeof(interpCode{}))
)

// lowerInterp lowers ir, a block's one-instruction-at-a-time IR, into
// b.interp and returns an estimate of the bytes that retains.
func lowerInterp(b *blockCode, ir *irBlock, pr irProfile) int64 {
	if len(ir.instrs) == 0 {
		return 0
	}
	c := &interpCode{instrs: make([]interpInstr, len(ir.instrs))}
	n := allocSize(interpCodeSize) + allocSize(len(c.instrs)*interpInstrSize)
	if len(ir.consts) > 0 {
		c.consts = append([]uint256.Int(nil), ir.consts...)
		n += allocSize(cap(c.consts) * wordSize)
	}
	rest := b.gas
	for i := range ir.instrs {
		in := &ir.instrs[i]
		rest -= pr.cost(in.op)
		x := &c.instrs[i]
		x.op, x.pc = in.op, in.pc
		op := in.op
		switch {
		case in.pre != 0 || op.Info().ObservesGas || simpleOps[op] == nil && !stackOnly(op):
			in.rest = rest
			fn, size := lowerInstr(in, nil, ir, pr)
			x.kind, x.n = kFn, int32(len(c.fns))
			c.fns = append(c.fns, fn)
			n += size
		case op == blocks.PUSH0 || op.IsPush():
			x.kind, x.n = kPush, in.c
		case op >= blocks.DUP1 && op <= blocks.DUP16:
			x.kind, x.n = kDup, int32(op-blocks.DUP1)+1
		case op >= blocks.SWAP1 && op <= blocks.SWAP16:
			x.kind, x.n = kSwap, int32(op-blocks.SWAP1)+1
		default:
			x.kind = inlineKinds[op] // kSimple where none
		}
	}
	if len(c.fns) > 0 {
		n += allocSize(cap(c.fns) * ptrSize)
	}
	b.interp = c
	return n
}

// stackOnly reports whether op is one of the stack instructions the
// interpreter runs itself.
func stackOnly(op blocks.Opcode) bool {
	return op == blocks.PUSH0 || op.IsPush() || op >= blocks.DUP1 && op <= blocks.SWAP16 || op == blocks.PC
}

// interpret runs an interpreted block's instructions in f; the run loop has
// charged the block's gas and checked its stack bounds.
func interpret(c *interpCode, f *Frame) error {
	for i := range c.instrs {
		in := &c.instrs[i]
		var err error
		switch in.kind {
		case kPush:
			f.stack[f.sp] = c.consts[in.n]
			f.sp++
		case kDup:
			f.stack[f.sp] = f.stack[f.sp-int(in.n)]
			f.sp++
		case kSwap:
			top := f.sp - 1
			f.stack[top], f.stack[top-int(in.n)] = f.stack[top-int(in.n)], f.stack[top]
		case kPop:
			f.sp--
		case kNop:
		case kPC:
			f.stack[f.sp].SetUint64(uint64(in.pc))
			f.sp++
		case kAdd:
			err = opAdd(f)
		case kSub:
			err = opSub(f)
		case kMul:
			err = opMul(f)
		case kLt:
			err = opLt(f)
		case kGt:
			err = opGt(f)
		case kEq:
			err = opEq(f)
		case kIszero:
			err = opIszero(f)
		case kAnd:
			err = opAnd(f)
		case kOr:
			err = opOr(f)
		case kShl:
			err = opSHL(f)
		case kShr:
			err = opSHR(f)
		case kMload:
			err = opMload(f)
		case kMstore:
			err = opMstore(f)
		case kFn:
			err = c.fns[in.n](f)
		default:
			err = simpleOps[in.op](f)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
