package translate

import (
	"slices"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The closure backend: lowers a block's IR (ir.go) to a chain of opFn
// closures, each bound to its slots and constants and calling the semantic
// core (core.go) or an opcode's stack form. It decides nothing: which form,
// which slots, which pre-steps and what gas is still due come from the IR.

// lowerClosures lowers ir into b.ops and returns an estimate of the heap
// objects behind them and the constants they share (footprint.go).
func lowerClosures(b *blockCode, ir *irBlock, pr irProfile, sc *scratch) int64 {
	// The constant operands of irConst instructions are shared by pointer,
	// each once per block however many instructions use it; every other
	// constant is copied into its closure.
	at := sc.keptAt[:0]
	k := 0
	for i := range ir.instrs {
		if in := &ir.instrs[i]; in.form == irConst {
			for len(at) <= int(in.c) {
				at = append(at, -1)
			}
			if at[in.c] < 0 {
				at[in.c] = int32(k)
				k++
			}
		}
	}
	sc.keptAt = at
	var kept []uint256.Int
	var n int64
	if k > 0 {
		kept = make([]uint256.Int, k)
		n += allocSize(k * wordSize)
	}
	ops := sc.ops[:0]
	for i := range ir.instrs {
		in := &ir.instrs[i]
		var c *uint256.Int
		if in.form == irConst {
			c = &kept[at[in.c]]
			*c = ir.consts[in.c]
		}
		fn, size := lowerInstr(in, c, ir, pr)
		ops = append(ops, fn)
		n += size
	}
	if len(ops) > 0 {
		b.ops = slices.Clone(ops)
	}
	clear(ops) // scratch must not keep closures alive
	sc.ops = ops[:0]
	return n
}

// lowerInstr returns the closure of one instruction and an estimate of the
// heap objects behind it; c is where an irConst instruction's constant is
// kept.
func lowerInstr(in *irInstr, c *uint256.Int, ir *irBlock, pr irProfile) (opFn, int64) {
	x := [3]int{int(in.src[0]), int(in.src[1]), int(in.src[2])}
	d := int(in.dst)
	switch in.form {
	case irMoves:
		m := ir.moveSets[in.c]
		return makeMoves(ir.moves[m.lo:m.hi], ir.constMoves[m.clo:m.chi], d), closureBytes
	case irSetConst:
		return makeSetConst(d, ir.consts[in.c]), closureBytes
	case irSlots:
		if in.pre&preGuestMemory != 0 {
			return guestSlotOps[in.op](x, d), closureBytes
		}
		return symOps[in.op](x, d), closureBytes
	case irConst:
		if in.op == blocks.MLOAD {
			return constLoad(c, d), closureBytes
		}
		return constForm(in.op, int(in.ci), c, x[0], d), closureBytes
	}
	fn := stackOp(in, ir, pr.fork)
	exact := in.pre&preExactGas != 0 && in.rest != 0
	n := instrBytes(in.op, exact)
	if exact {
		fn = withExactGas(fn, in.rest)
	}
	if in.pre&prePolicy != 0 {
		fn = withPolicy(fn, in.op, in.rest)
		n += 48 + 16 // the wrapper and its allow function
	}
	if in.pre&preGuestMemory != 0 && in.op != blocks.MSIZE {
		fn = withGuestOffsets(fn, in.op, pr.traced)
		n += 32
	}
	return fn, n
}

// stackOp returns the stack form of one instruction.
func stackOp(in *irInstr, ir *irBlock, fork blocks.Fork) opFn {
	op := in.op
	switch {
	case op == blocks.PUSH0 || op.IsPush():
		return makePush(ir.consts[in.c])
	case op >= blocks.DUP1 && op <= blocks.DUP16:
		return makeDup(int(op-blocks.DUP1) + 1)
	case op >= blocks.SWAP1 && op <= blocks.SWAP16:
		return makeSwap(int(op-blocks.SWAP1) + 1)
	case op >= blocks.LOG0 && op <= blocks.LOG4:
		return makeLog(int(op - blocks.LOG0))
	case op == blocks.PC:
		return makePC(in.pc)
	case op == blocks.CALL, op == blocks.CALLCODE, op == blocks.DELEGATECALL, op == blocks.STATICCALL:
		return makeCall(op, fork)
	case op == blocks.CREATE, op == blocks.CREATE2:
		return makeCreate(op)
	case op == blocks.MSIZE && in.pre&preGuestMemory != 0:
		return opHyVMMsize
	}
	if fn := simpleOps[op]; fn != nil {
		return fn
	}
	panic("translate: no implementation for " + op.String())
}
