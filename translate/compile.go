// Package translate turns analysed basic blocks into chains of pre-bound Go
// closures and runs them. Every opcode's semantics and gas are defined once
// here; the runtime supplies frames, state and the Host for calls.
package translate

import (
	"bytes"
	"sync/atomic"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// opFn executes one instruction (or a fused sequence) on a frame. A non-nil
// error is an exceptional halt, or ErrExecutionReverted.
type opFn func(f *Frame) error

// block is a translated basic block: its code, immutable once the block is
// published, and the links to its successors, cached on first use (lazy.go).
type block struct {
	blockCode
	// next is where execution continues after the block (fallthrough, or
	// JUMPI not taken): the block starting at end, nil for good when end is
	// past the code (an implicit STOP).
	next atomic.Pointer[block]
	// target is the block at dest, for a valid static jump.
	target atomic.Pointer[block]
}

// blockCode is a block lowered by the closure backend: its facts and its
// operations. It is kept small, fields ordered to pack: a program has a
// copy per jump destination of a run of lone JUMPDESTs (lazy.go).
type blockCode struct {
	blockHead
	ops []opFn
}

// blockHead holds a block's facts, decided by the builder: what its IR
// (ir.go) and every lowering of it share.
type blockHead struct {
	gas         uint64 // constant gas of the whole block, charged at entry
	stackReq    int32
	stackGrowth int32
	end         uint32
	// dest is a static jump's destination: staticJump is set when it was
	// pushed right before the jump (PUSH dest; JUMP/JUMPI), destOK when it
	// is a valid one.
	dest uint32
	// cond and condSlot say where a static JUMPI's condition is (symstack_cond.go).
	condSlot   int32
	start      uint32
	term       blocks.Terminator
	staticJump bool
	destOK     bool
	cond       condKind
	undefined  byte // the opcode of an Undefined/Invalid terminator
}

// jumpTarget returns where a jump to dest continues, and whether that is
// a valid jump: at a JUMPDEST of the analysis, or for a guest one byte past
// a 0x5b byte anywhere (HyVM checks only the byte).
func (p *Program) jumpTarget(dest *uint256.Int) (uint32, bool) {
	if !dest.IsUint64() || dest.Uint64() >= uint64(len(p.code)) {
		return 0, false
	}
	d := dest.Uint64()
	if p.guest {
		return uint32(d) + 1, p.code[d] == byte(blocks.JUMPDEST)
	}
	return uint32(d), p.jumpDests.Has(d)
}

// profile returns how the program's blocks are built.
func (p *Program) profile() irProfile {
	return irProfile{fork: p.fork, traced: p.traced, guest: p.guest}
}

// instrList returns the instructions of b, a block of the traced path.
func (p *Program) instrList(b *block) []blocks.Instr {
	if x := p.instrs[b.start].Load(); x != nil {
		return *x
	}
	return nil
}

// Program is translated bytecode, safe to share between goroutines:
// blocks are translated the first time they are entered and published
// atomically (lazy.go); execution state lives in Frames.
type Program struct {
	code      []byte
	fork      blocks.Fork
	jumpDests blocks.Bitmap
	// table holds, for every JUMPDEST offset (a guest's: every offset), the
	// block starting there once it is built (block_table.go).
	table  blockTable
	entry  atomic.Pointer[block]
	traced bool
	// instrs holds, on the traced path, the code of the block starting at
	// every offset (there is one such block: none are merged): kept here
	// rather than in every block.
	instrs []atomic.Pointer[[]blocks.Instr]
	// guest marks a HyVM guest (hyvm_compile.go): its blocks start
	// anywhere.
	guest bool
	// tier is how the program runs (tier.go): interpreted (interp.go) or
	// as blocks of closures; promo, for TierAuto, its heat and the closure
	// program it was promoted to.
	tier  Tier
	promo promotion
	// native, when set, runs the program instead of the block loop: the
	// HyVM contract (hyvm_run.go) and natively served contracts.
	native func(f *Frame) ([]byte, error)
	// nat is a TierAMD64 program's machine code (native.go).
	nat nativeState
	// fp counts what the program retains and bounds what it may keep
	// (footprint.go).
	fp footprint
}

// Options select translation variants.
type Options struct {
	// PerInstructionGas translates for the per-instruction (traced) path:
	// no instruction fusion and gas charged instruction by instruction.
	PerInstructionGas bool
	// Tier selects how untraced blocks run (tier.go); the zero value,
	// TierClosure, translates them all.
	Tier Tier
	// NativeAfter is, for TierAuto, how much gas per byte of its code a
	// program promoted to closures runs before it is compiled to machine
	// code (native.go): 0 takes DefaultNativeAfter, and a negative value
	// never compiles.
	NativeAfter int
}

// CompileCode prepares code for running without analysing it up front:
// only its jump destinations are found now.
func CompileCode(code []byte, fork blocks.Fork, opt Options) (*Program, error) {
	// The program outlives the call that supplied code (it is cached by
	// hash) and blocks are decoded lazily, so it must own its bytes: code
	// is often a view of a frame's memory, as CREATE's initcode is.
	return CompileStateCode(bytes.Clone(code), fork, opt)
}

// CompileStateCode is CompileCode for code that never changes, such as a
// state's contract code (go-ethereum's StateDB replaces an account's code,
// it never writes into it): the program keeps code itself, not a copy,
// which for code run once is most of what preparing it allocates.
func CompileStateCode(code []byte, fork blocks.Fork, opt Options) (*Program, error) {
	if err := blocks.Check(code, fork); err != nil {
		return nil, err
	}
	return newProgram(code, fork, blocks.JumpDests(code), opt), nil
}

func newProgram(code []byte, fork blocks.Fork, dests blocks.Bitmap, opt Options) *Program {
	p := &Program{code: code, fork: fork, jumpDests: dests, traced: opt.PerInstructionGas, tier: opt.Tier}
	if p.tier == TierAuto && !p.traced {
		p.nat.after = nativeThreshold(opt.NativeAfter, len(code))
	}
	if p.traced || p.blocksTier() {
		// The interpreter builds no blocks: it needs no table of them.
		p.table = newBlockTable(len(code))
	}
	if p.traced {
		p.instrs = make([]atomic.Pointer[[]blocks.Instr], len(code)+1)
	}
	p.fp.budget.Store(retainBudget(len(code)))
	p.fp.charge(allocSize(programSize) + allocSize(cap(code)) + allocSize(8*len(dests)) +
		allocSize(ptrSize*len(p.table.pages)) + allocSize(ptrSize*len(p.instrs)))
	return p
}

// translateBlock builds the IR of src (ir.go), lowers it into b with the
// closure backend, and returns an estimate of the heap objects behind b's
// operations (footprint.go).
func (p *Program) translateBlock(b *blockCode, src *blocks.Block, sc *scratch) int64 {
	ir := &sc.ir
	ir.reset(b.blockHead)
	instrs := src.Instrs
	switch src.Term {
	case blocks.Jump, blocks.JumpI:
		instrs = instrs[:len(instrs)-1]
		// A jump whose destination was pushed right before it is resolved
		// now; the PUSH's gas and stack effect stay in the block totals.
		if n := len(instrs); p.fused() && n > 0 && instrs[n-1].Op.IsPush() {
			push := instrs[n-1]
			dest := pushValue(push.Imm, push.Op.Info().Immediate)
			instrs = instrs[:n-1]
			ir.staticJump = true
			ir.dest, ir.destOK = p.jumpTarget(&dest)
		}
	case blocks.Stop, blocks.Invalid, blocks.Undefined, blocks.Abort:
		last := instrs[len(instrs)-1]
		instrs = instrs[:len(instrs)-1]
		ir.undefined = byte(last.Op)
	}
	if !p.fused() {
		buildStackIR(ir, instrs, p.profile())
	} else {
		buildIR(ir, src, instrs, p.profile(), sc)
	}
	b.blockHead = ir.blockHead
	return lowerClosures(b, ir, p.profile(), sc)
}

// Code returns the bytecode p runs; callers must not modify it.
func (p *Program) Code() []byte { return p.code }

// fused reports whether blocks are built on the symbolic stack: only for
// closures, not for the traced tier or the interpreter.
func (p *Program) fused() bool { return !p.traced && p.blocksTier() }

// blocksTier reports whether the program's tier runs blocks of closures
// (machine code is made of them too).
func (p *Program) blocksTier() bool { return p.tier == TierClosure || p.tier == TierAMD64 }

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
	blocks.SSTORE: opSstore, blocks.GAS: opGas,
	blocks.JUMPDEST: opJumpdest, blocks.TLOAD: opTload, blocks.TSTORE: opTstore,
	blocks.MCOPY:  opMcopy,
	blocks.RETURN: opHaltWithData, blocks.REVERT: opHaltWithData,
	blocks.SELFDESTRUCT: opSelfdestruct,
}
