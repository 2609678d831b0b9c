package translate

import (
	"fmt"

	"github.com/ethereum/go-ethereum/core/vm"
)

// The frame ABI: what machine code (the amd64 tier, not yet written) reads
// and writes in a Frame, and how it hands control back to Go. In the manner
// of wazero's wazevoapi (offsetdata.go, exitcode.go), every offset is a
// literal that generated code may embed, and abi_test.go asserts each one
// with unsafe.Offsetof/Sizeof: reordering Frame, Memory or Env fails the
// test instead of silently miscompiling. The layout is that of 64-bit
// platforms (amd64, the one machine-code target).
//
// Generated code is entered with a *Frame. It checks stack bounds and
// charges a block's constant gas at block entry as Program.Run does, reads
// and writes stack words in place, and leaves through an exit: it stores an
// ExitState at FrameExitOffset and returns. Go's side is a loop
// (nativeProgram.run):
//
//	for {
//		amd64.Enter(at, f)  // the trampoline into machine code
//		switch f.exit.Code {
//		case ExitCallGo:
//			// run the exit site's instruction in Go (its closure, over
//			// the semantic core); on error halt with it, else resume
//			// at the site's resume address
//		case ExitYield:
//			// let the scheduler in, resume at the site
//		default:
//			return f.exitOutcome() // a halt: Program.Run's result
//		}
//	}
//
// Native code is never preempted asynchronously, so long-running code must
// also exit (ExitAborted when Env.Abort is set, read at EnvAbortOffset, at
// least at every jump as Program.jump does).
const (
	// StackWordSize is the size of a stack word, a uint256.Int: four
	// uint64 limbs, least significant first, each little-endian on amd64,
	// so the word is one 32-byte little-endian integer.
	StackWordSize = 32

	// FrameStackOffset is where Frame.stack, the StackLimit words of the
	// stack, bottom first, begins.
	FrameStackOffset = 0
	// FrameSPOffset is Frame.sp, an int (8 bytes): the number of words on
	// the stack, not a byte offset. The top word is at
	// FrameStackOffset + (sp-1)*StackWordSize.
	FrameSPOffset = 32768
	// FrameGasOffset is Frame.Gas, a uint64: the gas left.
	FrameGasOffset = 32776
	// FrameMemDataOffset, FrameMemLenOffset and FrameMemCapOffset are the
	// slice header of Frame.Mem.store, the frame's memory: its data
	// pointer, length (the memory size, a multiple of 32) and capacity.
	// Generated code reads and writes within the length, and lengthens
	// the memory within the capacity; a larger buffer is Go's work.
	FrameMemDataOffset = 32784
	FrameMemLenOffset  = 32792
	FrameMemCapOffset  = 32800
	// FrameMemLastGasOffset is the gas the memory's size has cost so far
	// (Memory.lastGasCost); FrameMemAllowanceOffset how far it may grow
	// (Frame.memAllowance, memory_limit.go). Generated code grows memory
	// within its capacity as Frame.chargeMemory does.
	FrameMemLastGasOffset   = 32808
	FrameMemAllowanceOffset = 33120
	// FrameMemWatchLoOffset and FrameMemWatchHiOffset bound the region of
	// memory a caller watches for writes (memory_watch.go), two uint64s:
	// equal when none is, and only then may generated code write memory.
	FrameMemWatchLoOffset = 32816
	FrameMemWatchHiOffset = 32824
	// FrameEnvOffset is Frame.Env, a *Env.
	FrameEnvOffset = 33000
	// FrameAddressOffset and FrameCallerOffset are Frame.Address and
	// Frame.Caller, 20 big-endian bytes each; FrameValueOffset is
	// Frame.Value, a word; FrameInputLenOffset the length of Frame.Input.
	FrameAddressOffset   = 32864
	FrameCallerOffset    = 32884
	FrameValueOffset     = 32904
	FrameInputDataOffset = 32936
	FrameInputLenOffset  = 32944
	// EnvChainIDOffset, EnvNumberOffset, EnvTimestampOffset,
	// EnvGasLimitOffset and EnvBaseFeeOffset are words of Env.
	EnvChainIDOffset   = 96
	EnvNumberOffset    = 128
	EnvTimestampOffset = 160
	EnvGasLimitOffset  = 192
	EnvBaseFeeOffset   = 224
	// EnvAbortOffset is Env.Abort within Env: an atomic.Bool, a 4-byte
	// word that is nonzero once the run is cancelled. An aligned 32-bit
	// load reads it atomically on amd64.
	EnvAbortOffset = 344
	// FrameExitOffset is Frame.exit, the ExitState generated code stores
	// before it returns to Go; ExitCodeOffset, ExitSiteOffset and
	// ExitPCOffset are its fields, each a uint32.
	FrameExitOffset = 33400
	ExitCodeOffset  = 0
	ExitSiteOffset  = 4
	ExitPCOffset    = 8
)

// ExitCode says why generated code returned to Go. The values are part of
// the ABI: generated code embeds them.
type ExitCode uint32

const (
	// ExitOK: the frame halted without output (STOP, the implicit STOP
	// past the end of the code, SELFDESTRUCT's halt).
	ExitOK ExitCode = 0
	// ExitReturn: RETURN; its output is already in the frame (f.out).
	ExitReturn ExitCode = 1
	// ExitRevert: REVERT; its output is already in the frame (f.out).
	ExitRevert ExitCode = 2
	// ExitOutOfGas: a block's constant gas exceeded the gas left.
	ExitOutOfGas ExitCode = 3
	// ExitStackUnderflow, ExitStackOverflow: a block's stack bounds failed.
	ExitStackUnderflow ExitCode = 4
	ExitStackOverflow  ExitCode = 5
	// ExitInvalidJump: a jump's destination is not a JUMPDEST.
	ExitInvalidJump ExitCode = 6
	// ExitInvalidOpcode: the instruction at PC is INVALID or undefined.
	ExitInvalidOpcode ExitCode = 7
	// ExitAborted: Env.Abort was set.
	ExitAborted ExitCode = 8
	// ExitCallGo: run the instruction of the exit site in Go, then
	// re-enter after it. It is not a halt: anything generated code does
	// not inline (calls, storage, memory growth, KECCAK256, ...) goes this
	// way.
	ExitCallGo ExitCode = 9
	// ExitYield: the code has taken many jumps; Go lets the scheduler and
	// the garbage collector in, then re-enters at the site. Not a halt.
	ExitYield ExitCode = 10
	// ExitGuestAbort: a HyVM guest's revert(0, 0) (an opcode HyVM lacks,
	// a jump to a byte other than 0x5b): reverted, with empty output.
	ExitGuestAbort ExitCode = 11
	// ExitGuestJump: a guest's dynamic jump the code's jump table has no
	// address for (a bad destination, or a 0x5b inside PUSH data, where
	// no block was compiled): its destination is on top of the stack, and
	// for a JUMPI (PC 1) its condition, found nonzero, under it. Go takes
	// the jump, and the frame goes on in closures. Not a halt.
	ExitGuestJump ExitCode = 12
	// ExitGuestEnter: a guest's static jump, charged, to a 0x5b inside
	// PUSH data: Go goes on in closures at the block starting at PC. Not a
	// halt.
	ExitGuestEnter ExitCode = 13

	exitCodeCount = 14
)

var exitCodeNames = [exitCodeCount]string{
	"ok", "return", "revert", "out of gas", "stack underflow", "stack overflow",
	"invalid jump", "invalid opcode", "aborted", "call Go", "yield",
	"guest abort", "guest jump", "guest enter",
}

func (c ExitCode) String() string {
	if c < exitCodeCount {
		return exitCodeNames[c]
	}
	return fmt.Sprintf("exit code %d", uint32(c))
}

// ExitState is what generated code stores in the frame (Frame.exit, at
// FrameExitOffset) before it returns to Go.
type ExitState struct {
	Code ExitCode
	// Site is, for ExitCallGo and ExitYield, the exit site: which
	// instruction Go runs and where the code resumes (nativeProgram.sites).
	Site uint32
	// PC is the pc of the invalid opcode for ExitInvalidOpcode.
	PC uint32
}

// exitOutcome returns what Program.Run returns for the halt recorded in
// f.exit: the same output and the same errors as the closure backend. A
// code that is not a halt (ExitCallGo, ExitYield: the loop handles them) or not an
// exit code at all is an engine fault.
func (f *Frame) exitOutcome() ([]byte, error) {
	switch f.exit.Code {
	case ExitOK:
		f.out = nil
		return nil, nil
	case ExitReturn:
		return f.out, nil
	case ExitRevert:
		return f.out, errExecReverted
	case ExitOutOfGas:
		return nil, errOutOfGas
	case ExitStackUnderflow:
		return nil, &vm.ErrStackUnderflow{}
	case ExitStackOverflow:
		return nil, &vm.ErrStackOverflow{}
	case ExitInvalidJump:
		f.out = nil
		return nil, errInvalidJump
	case ExitInvalidOpcode:
		f.out = nil
		if pc := f.exit.PC; uint64(pc) < uint64(len(f.Code)) {
			return nil, &invalidOpcodeError{f.Code[pc]}
		}
	case ExitAborted:
		f.out = nil
		return nil, ErrAborted
	case ExitGuestAbort:
		f.out = nil
		return nil, errExecReverted
	}
	return nil, fmt.Errorf("%w: exit %v at pc %d is not a halt", ErrInternal, f.exit.Code, f.exit.PC)
}
