// Package translate turns analysed basic blocks into chains of pre-bound Go
// closures and runs them. Every opcode's semantics and gas are defined once
// here; the runtime supplies frames, state and the Host for calls.
package translate

import (
	"github.com/hyvm/hyvm/blocks"
)

// opFn executes one instruction (or a fused sequence) on a frame. A non-nil
// error is an exceptional halt, or ErrExecutionReverted.
type opFn func(f *Frame) error

// block is a translated basic block.
type block struct {
	gas         uint64 // constant gas of the whole block, charged at entry
	stackReq    int
	stackGrowth int
	ops         []opFn
	term        blocks.Terminator
	// next is where execution continues after the block (fallthrough, or
	// JUMPI not taken); nil means the end of the code, an implicit STOP.
	next *block
	// target is a jump destination resolved at translation time
	// (PUSH dest; JUMP/JUMPI); staticJump is set when there was one, even if
	// dest is invalid (target nil: the jump fails when taken).
	target     *block
	staticJump bool
	// cond and condSlot say where a static JUMPI's condition is (symstack_cond.go).
	cond      condKind
	condSlot  int
	src       *blocks.Block
	undefined byte // the opcode of an Undefined/Invalid terminator
}

// Program is translated bytecode, immutable and safe to share between
// goroutines; execution state lives in Frames.
type Program struct {
	analysis *blocks.Program
	entry    *block
	// jumpTable maps every code offset to the block starting there (nil if
	// it is not a valid jump destination): dynamic jumps are one index.
	jumpTable []*block
	traced    bool
	// native, when set, runs the program instead of the block loop: HyVM
	// guests (hyvm_run.go) and natively served contracts.
	native func(f *Frame) ([]byte, error)
}

// Options select translation variants.
type Options struct {
	// PerInstructionGas translates for the per-instruction (traced) path:
	// no instruction fusion and gas charged instruction by instruction.
	PerInstructionGas bool
}

// Analysis returns the block analysis the program was translated from.
func (p *Program) Analysis() *blocks.Program { return p.analysis }

// Compile translates an analysed program.
func Compile(a *blocks.Program, opt Options) *Program {
	p := &Program{analysis: a, jumpTable: make([]*block, len(a.Code)), traced: opt.PerInstructionGas}
	bs := make([]block, len(a.Blocks))
	for i := range a.Blocks {
		if a.JumpDests.Has(uint64(a.Blocks[i].Start)) {
			p.jumpTable[a.Blocks[i].Start] = &bs[i]
		}
	}
	for i := range a.Blocks {
		src := &a.Blocks[i]
		b := &bs[i]
		b.src = src
		b.gas, b.stackReq, b.stackGrowth, b.term = src.Gas, src.StackReq, src.StackGrowth, src.Term
		if j := a.BlockAt(uint64(src.End)); j >= 0 && (src.Term == blocks.Fallthrough || src.Term == blocks.JumpI) {
			b.next = &bs[j]
		}
		p.translateBlock(b, src, a.Fork, opt)
	}
	if !opt.PerInstructionGas {
		mergeEmpty(bs)
	}
	if len(bs) > 0 {
		p.entry = &bs[0]
	}
	return p
}

func (p *Program) translateBlock(b *block, src *blocks.Block, fork blocks.Fork, opt Options) {
	instrs := src.Instrs
	switch src.Term {
	case blocks.Jump, blocks.JumpI:
		jump := instrs[len(instrs)-1]
		instrs = instrs[:len(instrs)-1]
		// A jump whose destination was pushed right before it is resolved
		// now; the PUSH's gas and stack effect stay in the block totals.
		if n := len(instrs); !opt.PerInstructionGas && n > 0 && instrs[n-1].Op.IsPush() {
			push := instrs[n-1]
			dest := pushValue(push.Imm, push.Op.Info().Immediate)
			instrs = instrs[:n-1]
			b.staticJump = true
			if dest.IsUint64() && dest.Uint64() < uint64(len(p.jumpTable)) {
				b.target = p.jumpTable[dest.Uint64()]
			}
		}
		_ = jump
	case blocks.Stop, blocks.Invalid, blocks.Undefined:
		last := instrs[len(instrs)-1]
		instrs = instrs[:len(instrs)-1]
		b.undefined = byte(last.Op)
	}
	if !opt.PerInstructionGas {
		translateSymbolic(b, src, instrs, fork)
		return
	}
	// rest is the constant gas of the instructions after the current one,
	// for the instructions that must see the exact gas left.
	rest := src.Gas
	for _, in := range src.Instrs[:len(instrs)] {
		rest -= in.Op.Info().Gas
		if opt.PerInstructionGas {
			b.ops = append(b.ops, translateInstr(in, fork, 0))
		} else {
			b.ops = append(b.ops, translateInstr(in, fork, rest))
		}
	}
}

// translateInstr returns the closure for one instruction.
func translateInstr(in blocks.Instr, fork blocks.Fork, rest uint64) opFn {
	op := in.Op
	switch {
	case op == blocks.PUSH0:
		return makePush(pushValue(nil, 0))
	case op.IsPush():
		return makePush(pushValue(in.Imm, op.Info().Immediate))
	case op >= blocks.DUP1 && op <= blocks.DUP16:
		return makeDup(int(op-blocks.DUP1) + 1)
	case op >= blocks.SWAP1 && op <= blocks.SWAP16:
		return makeSwap(int(op-blocks.SWAP1) + 1)
	case op >= blocks.LOG0 && op <= blocks.LOG4:
		return makeLog(int(op - blocks.LOG0))
	case op == blocks.PC:
		return makePC(in.PC)
	case op == blocks.GAS:
		return withExactGas(opGas, rest)
	case op == blocks.SSTORE:
		return withExactGas(opSstore, rest)
	case op == blocks.CALL, op == blocks.CALLCODE, op == blocks.DELEGATECALL, op == blocks.STATICCALL:
		return withExactGas(makeCall(op, fork), rest)
	case op == blocks.CREATE, op == blocks.CREATE2:
		return withExactGas(makeCreate(op), rest)
	}
	if fn := simpleOps[op]; fn != nil {
		return fn
	}
	panic("translate: no implementation for " + op.String())
}

// simpleOps holds the instructions that need nothing bound at translation.
var simpleOps = [256]opFn{
	blocks.ADD: opAdd, blocks.MUL: opMul, blocks.SUB: opSub, blocks.DIV: opDiv,
	blocks.SDIV: opSdiv, blocks.MOD: opMod, blocks.SMOD: opSmod,
	blocks.ADDMOD: opAddmod, blocks.MULMOD: opMulmod, blocks.EXP: opExp,
	blocks.SIGNEXTEND: opSignExtend,
	blocks.LT:         opLt, blocks.GT: opGt, blocks.SLT: opSlt, blocks.SGT: opSgt,
	blocks.EQ: opEq, blocks.ISZERO: opIszero, blocks.AND: opAnd, blocks.OR: opOr,
	blocks.XOR: opXor, blocks.NOT: opNot, blocks.BYTE: opByte,
	blocks.SHL: opSHL, blocks.SHR: opSHR, blocks.SAR: opSAR, blocks.CLZ: opCLZ,
	blocks.KECCAK256: opKeccak256,
	blocks.ADDRESS:   opAddress, blocks.BALANCE: opBalance, blocks.ORIGIN: opOrigin,
	blocks.CALLER: opCaller, blocks.CALLVALUE: opCallValue,
	blocks.CALLDATALOAD: opCallDataLoad, blocks.CALLDATASIZE: opCallDataSize,
	blocks.CALLDATACOPY: opCallDataCopy, blocks.CODESIZE: opCodeSize,
	blocks.CODECOPY: opCodeCopy, blocks.GASPRICE: opGasPrice,
	blocks.EXTCODESIZE: opExtCodeSize, blocks.EXTCODECOPY: opExtCodeCopy,
	blocks.RETURNDATASIZE: opReturnDataSize, blocks.RETURNDATACOPY: opReturnDataCopy,
	blocks.EXTCODEHASH: opExtCodeHash, blocks.BLOCKHASH: opBlockHash,
	blocks.COINBASE: opCoinbase, blocks.TIMESTAMP: opTimestamp, blocks.NUMBER: opNumber,
	blocks.PREVRANDAO: opPrevRandao, blocks.GASLIMIT: opGasLimit, blocks.CHAINID: opChainID,
	blocks.SELFBALANCE: opSelfBalance, blocks.BASEFEE: opBaseFee,
	blocks.BLOBHASH: opBlobHash, blocks.BLOBBASEFEE: opBlobBaseFee,
	blocks.POP: opPop, blocks.MLOAD: opMload, blocks.MSTORE: opMstore,
	blocks.MSTORE8: opMstore8, blocks.SLOAD: opSload, blocks.MSIZE: opMsize,
	blocks.JUMPDEST: opJumpdest, blocks.TLOAD: opTload, blocks.TSTORE: opTstore,
	blocks.MCOPY:  opMcopy,
	blocks.RETURN: opHaltWithData, blocks.REVERT: opHaltWithData,
	blocks.SELFDESTRUCT: opSelfdestruct,
}
