package translate

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Every constant of the frame ABI (abi.go) is the layout Go gives the
// fields: reordering or resizing one of them fails here.
func TestFrameABIOffsets(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the frame ABI is that of 64-bit platforms")
	}
	var f Frame
	var e Env
	var x ExitState
	mem := unsafe.Offsetof(f.Mem) + unsafe.Offsetof(f.Mem.store)
	ptr := unsafe.Sizeof(uintptr(0))
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"StackWordSize", unsafe.Sizeof(uint256.Int{}), StackWordSize},
		{"stack word alignment", unsafe.Alignof(uint256.Int{}), 8},
		{"stack size", unsafe.Sizeof(f.stack), StackLimit * StackWordSize},
		{"FrameStackOffset", unsafe.Offsetof(f.stack), FrameStackOffset},
		{"FrameSPOffset", unsafe.Offsetof(f.sp), FrameSPOffset},
		{"sp size", unsafe.Sizeof(f.sp), 8},
		{"FrameGasOffset", unsafe.Offsetof(f.Gas), FrameGasOffset},
		{"Gas size", unsafe.Sizeof(f.Gas), 8},
		{"FrameMemDataOffset", mem, FrameMemDataOffset},
		{"FrameMemLenOffset", mem + ptr, FrameMemLenOffset},
		{"FrameMemCapOffset", mem + 2*ptr, FrameMemCapOffset},
		{"slice header size", unsafe.Sizeof(f.Mem.store), 3 * ptr},
		{"FrameMemLastGasOffset", mem + unsafe.Offsetof(f.Mem.lastGasCost), FrameMemLastGasOffset},
		{"FrameMemAllowanceOffset", unsafe.Offsetof(f.memAllowance), FrameMemAllowanceOffset},
		{"FrameMemWatchLoOffset", mem + unsafe.Offsetof(f.Mem.watch) + unsafe.Offsetof(f.Mem.watch.lo), FrameMemWatchLoOffset},
		{"FrameMemWatchHiOffset", mem + unsafe.Offsetof(f.Mem.watch) + unsafe.Offsetof(f.Mem.watch.hi), FrameMemWatchHiOffset},
		{"FrameEnvOffset", unsafe.Offsetof(f.Env), FrameEnvOffset},
		{"FrameAddressOffset", unsafe.Offsetof(f.Address), FrameAddressOffset},
		{"FrameCallerOffset", unsafe.Offsetof(f.Caller), FrameCallerOffset},
		{"FrameValueOffset", unsafe.Offsetof(f.Value), FrameValueOffset},
		{"FrameInputDataOffset", unsafe.Offsetof(f.Input), FrameInputDataOffset},
		{"FrameInputLenOffset", unsafe.Offsetof(f.Input) + ptr, FrameInputLenOffset},
		{"EnvChainIDOffset", unsafe.Offsetof(e.ChainID), EnvChainIDOffset},
		{"EnvNumberOffset", unsafe.Offsetof(e.Number), EnvNumberOffset},
		{"EnvTimestampOffset", unsafe.Offsetof(e.Timestamp), EnvTimestampOffset},
		{"EnvGasLimitOffset", unsafe.Offsetof(e.GasLimit), EnvGasLimitOffset},
		{"EnvBaseFeeOffset", unsafe.Offsetof(e.BaseFee), EnvBaseFeeOffset},
		{"EnvAbortOffset", unsafe.Offsetof(e.Abort), EnvAbortOffset},
		{"Abort size", unsafe.Sizeof(e.Abort), 4},
		{"FrameExitOffset", unsafe.Offsetof(f.exit), FrameExitOffset},
		{"ExitCodeOffset", unsafe.Offsetof(x.Code), ExitCodeOffset},
		{"ExitSiteOffset", unsafe.Offsetof(x.Site), ExitSiteOffset},
		{"ExitPCOffset", unsafe.Offsetof(x.PC), ExitPCOffset},
		{"ExitCode size", unsafe.Sizeof(x.Code), 4},
		{"ExitState size", unsafe.Sizeof(x), 12},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, the layout has %d", c.name, c.want, c.got)
		}
	}
}

// The offsets read what the frame holds, as generated code would: the
// stack's words as little-endian limbs, sp, gas, memory's slice header,
// the environment and its abort flag, the exit state.
func TestFrameABIReads(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the frame ABI is that of 64-bit platforms")
	}
	f := new(Frame)
	env := &Env{Fork: blocks.Latest}
	f.Reset(env, 1)
	f.Push(uint256.NewInt(1))
	w := new(uint256.Int).SetBytes(bytes.Repeat([]byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, 4))
	w[0], w[3] = 0xa0a1a2a3a4a5a6a7, 0xd0d1d2d3d4d5d6d7
	f.Push(w)
	f.Gas = 12345
	f.Mem.grow(64)
	f.Mem.store[63] = 0x9c
	env.Abort.Store(true)
	f.exit = ExitState{Code: ExitCallGo, Site: 7, PC: 9}

	base := unsafe.Pointer(f)
	at := func(off uintptr) unsafe.Pointer { return unsafe.Add(base, off) }
	u64 := func(off uintptr) uint64 { return *(*uint64)(at(off)) }
	u32 := func(p unsafe.Pointer, off uintptr) uint32 { return *(*uint32)(unsafe.Add(p, off)) }

	sp := u64(FrameSPOffset)
	if sp != 2 {
		t.Fatalf("sp = %d, want 2", sp)
	}
	top := uintptr(FrameStackOffset + (sp-1)*StackWordSize)
	for i := range 4 { // limb i at byte 8i: least significant first
		if got := u64(top + uintptr(8*i)); got != w[i] {
			t.Errorf("top word limb %d = %#x, want %#x", i, got, w[i])
		}
	}
	if got := u64(FrameStackOffset); got != 1 {
		t.Errorf("bottom word = %d, want 1", got)
	}
	if got := u64(FrameGasOffset); got != 12345 {
		t.Errorf("gas = %d", got)
	}
	data := *(*unsafe.Pointer)(at(FrameMemDataOffset))
	if data != unsafe.Pointer(unsafe.SliceData(f.Mem.store)) || *(*byte)(unsafe.Add(data, 63)) != 0x9c {
		t.Error("memory data pointer")
	}
	if got := u64(FrameMemLenOffset); got != 64 {
		t.Errorf("memory length = %d", got)
	}
	if got := u64(FrameMemCapOffset); got != uint64(cap(f.Mem.store)) {
		t.Errorf("memory capacity = %d, want %d", got, cap(f.Mem.store))
	}
	envp := *(*unsafe.Pointer)(at(FrameEnvOffset))
	if envp != unsafe.Pointer(env) {
		t.Fatal("env pointer")
	}
	if got := u32(envp, EnvAbortOffset); got == 0 {
		t.Error("abort flag reads 0 once set")
	}
	env.Abort.Store(false)
	if got := u32(envp, EnvAbortOffset); got != 0 {
		t.Errorf("abort flag reads %d once cleared", got)
	}
	exit := at(FrameExitOffset)
	if c, b, pc := u32(exit, ExitCodeOffset), u32(exit, ExitSiteOffset), u32(exit, ExitPCOffset); c != uint32(ExitCallGo) || b != 7 || pc != 9 {
		t.Errorf("exit state = %d, %d, %d", c, b, pc)
	}
	var _ *atomic.Bool = &env.Abort // EnvAbortOffset assumes atomic.Bool, one uint32
}

// Each halting exit code gives the output and the error the closure
// backend gives for the same halt: the program halts there on the closure
// backend, then the same frame is told it exited with the code.
func TestExitOutcomeMatchesClosureBackend(t *testing.T) {
	tests := []struct {
		code  ExitCode
		hex   string
		gas   uint64
		pc    uint32 // the exit's pc, for ExitInvalidOpcode
		abort bool
		guest bool // run as a HyVM guest
	}{
		{ExitOK, "600100", 100, 0, false, false},
		{ExitOK, "6001", 100, 0, false, false}, // implicit STOP
		{ExitReturn, "600360040160005260206000f3", 100, 0, false, false},
		{ExitRevert, "60aa60005260206000fd", 100, 0, false, false},
		{ExitOutOfGas, "6001600201", 8, 0, false, false},
		{ExitStackUnderflow, "01", 100, 0, false, false},
		{ExitStackOverflow, strings.Repeat("5f", StackLimit+1), 1 << 20, 0, false, false},
		{ExitInvalidJump, "600356", 100, 0, false, false},
		{ExitInvalidJump, "6001600257", 100, 0, false, false},
		{ExitInvalidOpcode, "fe", 100, 0, false, false},
		{ExitInvalidOpcode, "60010c", 100, 2, false, false},
		{ExitAborted, "5b600056", 1 << 20, 0, true, false},
		{ExitGuestAbort, "60015c", 1 << 20, 0, false, true},     // TLOAD: HyVM lacks it
		{ExitGuestAbort, "6001600356", 1 << 20, 0, false, true}, // a jump to a byte other than 0x5b
	}
	seen := map[ExitCode]bool{}
	for _, tt := range tests {
		seen[tt.code] = true
		t.Run(tt.code.String()+"/"+tt.hex[:min(len(tt.hex), 12)], func(t *testing.T) {
			raw, err := hex.DecodeString(tt.hex)
			if err != nil {
				t.Fatal(err)
			}
			p, err := CompileCode(raw, blocks.Latest, Options{})
			if tt.guest {
				p = CompileHyVM(raw, blocks.Latest, Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			f := new(Frame)
			f.Reset(&Env{Fork: blocks.Latest}, 1)
			f.Gas, f.Code = tt.gas, raw
			f.Env.Abort.Store(tt.abort)
			want, wantErr := p.Run(f)

			f.exit = ExitState{Code: tt.code, PC: tt.pc}
			got, gotErr := f.exitOutcome()
			if !sameExitError(gotErr, wantErr) || errString(gotErr) != errString(wantErr) {
				t.Errorf("error %v, the closure backend's %v", gotErr, wantErr)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output %x, the closure backend's %x", got, want)
			}
		})
	}
	for c := ExitCode(0); c < exitCodeCount; c++ {
		if !seen[c] && !slices.Contains(notHalts, c) {
			t.Errorf("no case for halting exit code %v", c)
		}
	}
}

// notHalts are the exit codes after which Go re-enters the code or goes on
// in closures.
var notHalts = []ExitCode{ExitCallGo, ExitYield, ExitGuestJump, ExitGuestEnter}

// The codes that are not halts, and an unknown code, are not outcomes:
// reaching exitOutcome with one is an engine fault.
func TestExitOutcomeFaults(t *testing.T) {
	for _, c := range append(notHalts, exitCodeCount, 1<<31) {
		f := new(Frame)
		f.exit = ExitState{Code: c, PC: 3}
		out, err := f.exitOutcome()
		if out != nil || !errors.Is(err, ErrInternal) || !HaltsExecution(err) {
			t.Errorf("exit %v: %x, %v; want an internal error", c, out, err)
		}
	}
	// An invalid opcode past the code cannot be: the code ends in a STOP.
	f := new(Frame)
	f.exit = ExitState{Code: ExitInvalidOpcode, PC: 0}
	if _, err := f.exitOutcome(); !errors.Is(err, ErrInternal) {
		t.Errorf("invalid opcode past the code: %v", err)
	}
}

func TestExitCodeNames(t *testing.T) {
	names := map[string]bool{}
	for c := ExitCode(0); c < exitCodeCount; c++ {
		n := c.String()
		if n == "" || names[n] {
			t.Errorf("exit code %d: name %q empty or repeated", uint32(c), n)
		}
		names[n] = true
	}
	if got := ExitCode(42).String(); got != "exit code 42" {
		t.Errorf("unknown code reads %q", got)
	}
}

// sameExitError tells whether got is want for errors.Is, or, for
// go-ethereum's error types with unexported fields (stack underflow and
// overflow, invalid opcode), whether errors.As finds the same type in both.
func sameExitError(got, want error) bool {
	if got == nil || want == nil {
		return got == want
	}
	var u *vm.ErrStackUnderflow
	var o *vm.ErrStackOverflow
	var op *vm.ErrInvalidOpCode
	switch {
	case errors.As(want, &u):
		return errors.As(got, &u)
	case errors.As(want, &o):
		return errors.As(got, &o)
	case errors.As(want, &op):
		return errors.As(got, &op)
	}
	return errors.Is(got, want)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
