package translate

import (
	"slices"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// StackLimit is the EVM's maximum stack height.
const StackLimit = 1024

// CallKind says which instruction started a message call or creation.
type CallKind = blocks.Opcode

// Host performs what compiled code cannot do alone: entering another frame.
// The runtime implements it; compiled code only calls it from CALL-family and
// CREATE instructions, after charging their gas.
type Host interface {
	// Call runs a CALL, CALLCODE, DELEGATECALL or STATICCALL from frame f.
	Call(f *Frame, kind CallKind, addr common.Address, input []byte, gas uint64, value *uint256.Int) (ret []byte, leftOverGas uint64, err error)
	// Create runs CREATE or CREATE2 (salt is nil for CREATE) from frame f.
	Create(f *Frame, kind CallKind, code []byte, gas uint64, value *uint256.Int, salt *uint256.Int) (ret []byte, addr common.Address, leftOverGas uint64, err error)
}

// Env is the per-transaction environment shared by every frame of it.
type Env struct {
	State   vm.StateDB
	Block   *vm.BlockContext
	Tx      vm.TxContext
	Fork    blocks.Fork
	ChainID uint256.Int
	// Block values as words, converted once per transaction.
	Number, Timestamp, GasLimit, BaseFee, BlobBaseFee, Difficulty uint256.Int
	Host                                                          Host
	// Tracer, when set, receives EIP-3155-style per-instruction events.
	// Frames of a traced transaction run the per-instruction path.
	Tracer *tracing.Hooks
	// Abort, once set (from any goroutine), stops execution with
	// ErrAborted at every depth: checked at jumps, frame entries and before
	// every instruction whose work grows with its operands.
	Abort atomic.Bool
	// HyVMPolicy, when set, is consulted by HyVM guests before their calls,
	// creations and storage writes (hyvm_policy.go).
	HyVMPolicy HyVMPolicy
	// MemoryLimits caps frame memory (memory_limit.go).
	MemoryLimits MemoryLimits
	memHeld      uint64 // bytes of memory held by frames waiting on a call
	shortHashes  shortHashMemo
}

// Frame is the execution state of one call frame. Frames are reused: the
// runtime keeps one per call depth and Reset prepares it for a new call.
type Frame struct {
	stack [StackLimit]uint256.Int
	sp    int

	Gas        uint64
	Mem        Memory
	ReturnData []byte // output of the last call made from this frame

	Address, Caller common.Address
	Value           uint256.Int
	Input           []byte
	Code            []byte
	Static          bool
	Depth           int
	Env             *Env

	out []byte // RETURN/REVERT data
	// outBuf backs out and is reused by every frame run in this slot, so
	// returning data does not allocate in steady state.
	outBuf []byte
	// argValue and argSalt hold a CALL's or CREATE's value and salt while
	// the host runs it: the host copies them into the new frame, and this
	// frame cannot issue another call meanwhile, so one word each suffices
	// and the call does not allocate them.
	argValue, argSalt uint256.Int
	// memAllowance is how far this frame's memory may grow (memory_limit.go).
	memAllowance uint64
	// callInOff is where in memory the input of the CALL-family call this
	// frame is making starts (see CallInputOffset).
	callInOff uint64

	// Tracing state, used only on the per-instruction path.
	trace traceState

	mulmod mulmodMemo   // the block path's MULMOD reciprocal cache
	hasher keccakHasher // KECCAK256's, reused

	// exit is where machine code says why it returned to Go (abi.go); last,
	// so the hot fields above keep their offsets.
	exit ExitState
	// aotNext is the entry at which a contract generated as several
	// functions goes on in another (AOT.Next); after exit, whose offset
	// machine code is built with.
	aotNext uint32
}

// Reset prepares f for a new call, keeping its memory buffer for reuse.
func (f *Frame) Reset(env *Env, depth int) {
	f.sp = 0
	f.Gas = 0
	f.Mem.reset()
	f.ReturnData = nil
	f.Input = nil
	f.Code = nil
	f.Static = false
	f.Value.Clear()
	f.out = nil
	f.Env = env
	f.Depth = depth
	f.memAllowance = env.memoryAllowance()
	f.trace = traceState{}
}

// Forget drops what f refers to of its last run outside its own buffers:
// its input, code, return data and environment.
func (f *Frame) Forget() {
	f.out, f.ReturnData, f.Input, f.Code, f.Env = nil, nil, nil, nil, nil
}

// Recycle prepares f, whose EVM is gone, for another EVM: it drops what a
// caller of its last run may still hold (the output buffer, which the
// run's return data aliases) and every pointer to the old EVM's data,
// keeping the stack array and the memory buffer for reuse.
func (f *Frame) Recycle() {
	f.Forget()
	f.outBuf = nil
	f.Mem.reset()
	if cap(f.Mem.store) > recycledMemory {
		f.Mem.store = nil // an idle frame does not keep a large memory
	}
}

// recycledMemory is the largest memory buffer a recycled frame keeps.
const recycledMemory = 64 << 10

// CallInputOffset returns the memory offset of the input of the call the
// frame is making; Mem.Holds tells whether a callee's input is that memory.
func (f *Frame) CallInputOffset() uint64 { return f.callInOff }

// Stack returns the live stack, bottom first.
func (f *Frame) Stack() []uint256.Int { return f.stack[:f.sp] }

// Push appends v to the stack; callers must respect StackLimit.
func (f *Frame) Push(v *uint256.Int) { f.stack[f.sp] = *v; f.sp++ }

func (f *Frame) pop() *uint256.Int  { f.sp--; return &f.stack[f.sp] }
func (f *Frame) peek() *uint256.Int { return &f.stack[f.sp-1] }

// back returns the n-th item from the top (0 = top).
func (f *Frame) back(n int) *uint256.Int { return &f.stack[f.sp-1-n] }

func (f *Frame) push() *uint256.Int { f.sp++; return &f.stack[f.sp-1] }

// useGas charges dynamic gas. On the traced path the first charge of an
// instruction is folded into the cost its trace line reports.
func (f *Frame) useGas(n uint64) bool {
	if f.Gas < n {
		if f.trace.pending {
			f.emitTraceErr(n, errOutOfGas) // the caller fails with errOutOfGas
		}
		return false
	}
	if f.trace.pending {
		f.emitTrace(n)
	}
	f.Gas -= n
	return true
}

func (f *Frame) opContext() tracing.OpContext { return opContext{f} }

// opContext adapts a frame to tracing.OpContext (whose method names clash
// with Frame's exported fields).
type opContext struct{ f *Frame }

// MemoryData is a guest's memory for a guest's instruction: HyVM's own area
// below blocks.HyVMMemStart is not the guest's.
func (c opContext) MemoryData() []byte {
	if c.f.trace.guest && len(c.f.Mem.store) >= blocks.HyVMMemStart {
		return c.f.Mem.store[blocks.HyVMMemStart:]
	}
	return c.f.Mem.store
}

// StackData shows a guest's memory offsets as the guest pushed them, also
// once HyVM has rewritten them for the instruction.
func (c opContext) StackData() []uint256.Int {
	st := c.f.stack[:c.f.sp]
	fx := &c.f.trace.fixed
	if !fx[0].set && !fx[1].set {
		return st
	}
	st = slices.Clone(st)
	for _, x := range fx {
		if x.set {
			st[len(st)-1-x.pos] = x.orig
		}
	}
	return st
}
func (c opContext) Caller() common.Address  { return c.f.Caller }
func (c opContext) Address() common.Address { return c.f.Address }
func (c opContext) CallValue() *uint256.Int { return &c.f.Value }
func (c opContext) CallInput() []byte       { return c.f.Input }
func (c opContext) ContractCode() []byte    { return c.f.Code }
