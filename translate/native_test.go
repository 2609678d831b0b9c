package translate

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

// nativeCases are programs whose every outcome the machine-code tier must
// reproduce: halts of each kind, both jump kinds, the block checks, and
// instructions inlined and not.
var nativeCases = []struct{ name, code string }{
	{"stop", "00"},
	{"empty", ""},
	{"implicit stop", "6001600201"},
	{"return sum", "6001600201" + "60005260206000f3"},
	{"revert", "60016000526020" + "6000fd"},
	{"invalid opcode", "6001fe"},
	{"undefined opcode", "600121"},
	{"static jump", "600456" + "fe" + "5b" + "602a60005260206000f3"},
	{"static jump to a non-JUMPDEST", "600356" + "00"},
	{"dynamic jump", "6000356004015600" + "5b00"},
	{"dynamic jump out of the code", "61ffff56"},
	{"dynamic jump to a non-JUMPDEST", "6000351560" + "0a" + "01" + "5600" + "5b00"},
	{"dynamic jump past 2^64", "7f01000000000000000000000000000000000000000000000000000000000000000056"},
	{"jumpi taken and not", "600160" + "07" + "5700" + "5b6000600b57" + "00"},
	{"jumpi dynamic", "60003560" + "0a" + "015760" + "0000" + "5b600160005260206000f3"},
	{"stack underflow", "01"},
	{"stack overflow", strings.Repeat("5f", 1025)},
	{"out of gas at a block", strings.Repeat("6001", 300) + "00"},
	{"loop", hex.EncodeToString(loopCode(300))},
	{"sstore exits to Go", "602a600055600054600052" + "60206000f3"},
	{"call data", "600035602035016000526020" + "6000f3"},
	// Runs of blocks that only fall through (lone JUMPDESTs, a push popped
	// before a JUMPDEST), entered at their start and in their middle.
	{"jumpdest run", "600856" + strings.Repeat("5b", 5) + "5b" + strings.Repeat("5b", 20) + "6001600052" + "60206000f3"},
	{"pushes popped in a run", "5b60015058" + "5b" + "600150" + "5b5b" + "6001600101" + "00"},
	{"jumpdest run at the end", "6003565b5b5b"},
	{"jumpdest run into a jump", "5b5b5b600656" + "00"},
}

// runNativeAndClosure runs code on the closure tier and on machine code
// with the same input and gas, failing on any difference.
func runNativeAndClosure(t *testing.T, code []byte, input []byte, gas uint64) {
	t.Helper()
	comparePair(t, nil, code, input, gas)
}

// tierPairs keeps the two programs of each code a test compares, so that
// it runs one code with many inputs without compiling it again.
type tierPairs map[string]*[2]*Program

// comparePair is runNativeAndClosure taking the programs from pairs, if
// not nil.
func comparePair(t *testing.T, pairs tierPairs, code []byte, input []byte, gas uint64) {
	t.Helper()
	compareTiers(t, pairs, false, code, input, gas)
}

// compareTiers is comparePair for code run as a contract or, if guest, as
// a HyVM guest (which ignores input: a guest's calldata is empty).
func compareTiers(t *testing.T, pairs tierPairs, guest bool, code []byte, input []byte, gas uint64) {
	t.Helper()
	progs := pairs[string(code)]
	if progs == nil {
		progs = new([2]*Program)
		for i, tier := range []Tier{TierClosure, TierAMD64} {
			if guest {
				progs[i] = CompileHyVM(code, blocks.Latest, Options{Tier: tier})
				continue
			}
			p, err := CompileCode(code, blocks.Latest, Options{Tier: tier})
			if err != nil {
				t.Fatal(err)
			}
			progs[i] = p
		}
		if pairs != nil {
			pairs[string(code)] = progs
		}
	}
	run := func(p *Program) ([]byte, uint64, []uint256.Int, error) {
		f := new(Frame)
		f.Reset(testEnv(t), 1)
		f.Gas, f.Code, f.Input = gas, p.code, input
		out, err := runRecovering(p, f)
		return bytes.Clone(out), f.Gas, append([]uint256.Int(nil), f.Stack()...), err
	}
	want, wantGas, wantStack, wantErr := run(progs[0])
	got, gotGas, gotStack, gotErr := run(progs[1])
	if p := progs[1]; amd64.Supported && p.machineCode() == nil {
		t.Fatalf("no machine code: %v", p.NativeErr())
	}
	// After an exceptional halt the frame's gas is gone whatever is left
	// in it (the caller takes it all). A guest's blocks differ between
	// the tiers: closures cut them every hvWindow bytes, machine code
	// does not, and charges a run of blocks that only fall through at its
	// start: a halt may come at another instruction, for another reason
	// (out of gas before a stack overflow), with other gas left, none of
	// which anything observes. Every other outcome is exactly the same.
	if guest && exceptional(gotErr) && exceptional(wantErr) {
		gotErr, gotGas = wantErr, wantGas
	}
	if !bytes.Equal(got, want) || gotGas != wantGas || !sameOutcome(gotErr, wantErr) {
		t.Errorf("amd64: %x, gas %d, %v; closures: %x, gas %d, %v", got, gotGas, gotErr, want, wantGas, wantErr)
	}
	if wantErr == nil && fmt.Sprint(gotStack) != fmt.Sprint(wantStack) {
		t.Errorf("amd64 stack %v, closures %v", gotStack, wantStack)
	}
}

// exceptional reports whether err is an exceptional halt: neither a
// success, nor a revert, nor a panic (an engine fault).
func exceptional(err error) bool {
	return err != nil && err != errExecReverted && !strings.HasPrefix(err.Error(), "panic: ")
}

// testEnv returns an environment for frames of one test run: an empty
// state, a block, and a host whose calls and creations return at once
// with their gas, so that no instruction fails for want of them.
func testEnv(t *testing.T) *Env {
	return &Env{Fork: blocks.Latest, State: testState(t), Host: nopHost{},
		Block: &vm.BlockContext{Random: &common.Hash{1}, GetHash: func(n uint64) common.Hash { return common.Hash{byte(n)} }}}
}

// nopHost is a host whose callees do nothing.
type nopHost struct{}

func (nopHost) Call(_ *Frame, _ CallKind, _ common.Address, _ []byte, gas uint64, _ *uint256.Int) ([]byte, uint64, error) {
	return nil, gas, nil
}

func (nopHost) Create(_ *Frame, _ CallKind, _ []byte, gas uint64, _, _ *uint256.Int) ([]byte, common.Address, uint64, error) {
	return nil, common.Address{}, gas, nil
}

// testState returns an empty state in memory.
func testState(t *testing.T) *state.StateDB {
	st, err := state.New(types.EmptyRootHash, state.NewDatabase(triedb.NewDatabase(rawdb.NewMemoryDatabase(), nil), nil))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// runRecovering runs p in f, a panic being an error (an engine fault,
// which must happen alike on every tier).
func runRecovering(p *Program, f *Frame) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return p.Run(f)
}

// sameOutcome reports whether two tiers' errors are the same: the same
// value, or errors of the same type with the same text.
func sameOutcome(got, want error) bool {
	if got == nil || want == nil {
		return got == want
	}
	return got == want || fmt.Sprintf("%T %v", got, got) == fmt.Sprintf("%T %v", want, want)
}

// TestNativeCases checks that machine code ends every case as the closure
// tier does: output, gas left, error and (on success) the stack.
func TestNativeCases(t *testing.T) {
	input := make([]byte, 64)
	input[31], input[63] = 7, 0xff
	for _, tt := range nativeCases {
		t.Run(tt.name, func(t *testing.T) {
			code, err := hex.DecodeString(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			for _, gas := range []uint64{100_000, 1_000, 20} {
				runNativeAndClosure(t, code, input, gas)
			}
			for gas := range uint64(60) { // every gas limit a short case can meet
				runNativeAndClosure(t, code, input, gas)
			}
		})
	}
}

// nativeWordOps are the operations machine code inlines on words.
var nativeWordOps = []blocks.Opcode{
	blocks.ADD, blocks.SUB, blocks.AND, blocks.OR, blocks.XOR, blocks.NOT, blocks.ISZERO,
	blocks.EQ, blocks.LT, blocks.GT, blocks.SLT, blocks.SGT,
	blocks.MUL, blocks.SHL, blocks.SHR, blocks.SAR, blocks.BYTE, blocks.SIGNEXTEND,
	blocks.DIV, blocks.SDIV, blocks.MOD, blocks.SMOD,
}

// TestNativeWordOps checks every inlined operation on edge and random
// words, with both operands in slots and with either one a constant the
// code embeds (narrow and wide), against the closure tier.
func TestNativeWordOps(t *testing.T) {
	edges := []uint256.Int{
		{}, {1}, {^uint64(0)}, {0, 1}, {^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)},
		{0, 0, 0, 1 << 63}, {^uint64(0), ^uint64(0), ^uint64(0), 1<<63 - 1}, {1 << 31}, {1<<31 - 1},
		{0xffffffff80000000, ^uint64(0), ^uint64(0), ^uint64(0)},
		// Shift amounts and byte indexes at every boundary.
		{7}, {8}, {15}, {23}, {30}, {31}, {32}, {63}, {64}, {65}, {127}, {128}, {129}, {200}, {255}, {256},
		{0x8000000000000000, 0x0123456789abcdef, 0xfedcba9876543210, 0x8123456789abcdef},
		// Dividends below 2^128 and divisors below 2^64 (DIVQ), with the
		// high limb below the divisor and not.
		{0xdeadbeefcafe, 0x1234}, {1_000_000_000_000_000_000}, {^uint64(0) - 1, ^uint64(0) - 2}, {3}, {10},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 6 {
		edges = append(edges, uint256.Int{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()})
	}
	word := func(w *uint256.Int) string { b := w.Bytes32(); return hex.EncodeToString(b[:]) }
	for _, op := range nativeWordOps {
		t.Run(op.String(), func(t *testing.T) {
			pairs := tierPairs{}
			for _, a := range edges {
				for _, b := range edges {
					ab, bb := a.Bytes32(), b.Bytes32()
					input := append(ab[:], bb[:]...)
					ret := fmt.Sprintf("%02x", byte(op)) + "60005260206000f3"
					// Both in slots: b below a, a on top.
					slots := "602035600035" + ret
					// a a constant, b loaded; then b a constant, a loaded.
					constA := "602035" + "7f" + word(&a) + ret
					constB := "7f" + word(&b) + "600035" + ret
					for _, code := range []string{slots, constA, constB} {
						c, _ := hex.DecodeString(code)
						comparePair(t, pairs, c, input, 100_000)
					}
				}
			}
		})
	}
}

// TestNativeCancel checks that an endless loop in machine code stops soon
// after Env.Abort is set, and that the garbage collector completes while
// it runs (the code yields at jumps).
func TestNativeCancel(t *testing.T) {
	if !amd64.Supported {
		t.Skip("no machine code on this platform")
	}
	p, err := CompileCode([]byte{0x5b, 0x5f, 0x56}, blocks.Latest, Options{Tier: TierAMD64}) // JUMPDEST PUSH0 JUMP
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Fork: blocks.Latest}
	f := new(Frame)
	f.Reset(env, 1)
	f.Gas, f.Code = 1<<62, p.code
	done := make(chan error, 1)
	go func() { _, err := p.Run(f); done <- err }()
	time.Sleep(20 * time.Millisecond)
	gcDone := make(chan struct{})
	go func() { runtime.GC(); close(gcDone) }()
	select {
	case <-gcDone:
	case <-time.After(5 * time.Second):
		t.Fatal("the garbage collector did not complete while machine code looped")
	}
	start := time.Now()
	env.Abort.Store(true)
	select {
	case err := <-done:
		t.Logf("stopped %v after Abort", time.Since(start))
		if err != ErrAborted {
			t.Fatalf("err = %v, want ErrAborted", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("machine code did not stop after Abort")
	}
}

// TestNativeShifts checks the inlined shifts by a constant (SHL, SHR, and
// multiplication and division by powers of two) at every limb boundary.
func TestNativeShifts(t *testing.T) {
	values := []uint256.Int{
		{1}, {^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)},
		{0x0123456789abcdef, 0xfedcba9876543210, 0x0f1e2d3c4b5a6978, 0x8796a5b4c3d2e1f0},
	}
	for _, k := range []uint{0, 1, 7, 63, 64, 65, 127, 128, 129, 191, 192, 200, 255, 256, 300} {
		for _, v := range values {
			vb := v.Bytes32()
			pow := new(uint256.Int).Lsh(uint256.NewInt(1), k).Bytes32()
			kb := uint256.NewInt(uint64(k)).Bytes32()
			ret := "60005260206000f3"
			codes := []string{
				"600035" + "7f" + hex.EncodeToString(kb[:]) + "1b" + ret, // SHL
				"600035" + "7f" + hex.EncodeToString(kb[:]) + "1c" + ret, // SHR
			}
			if k < 256 {
				codes = append(codes,
					"600035"+"7f"+hex.EncodeToString(pow[:])+"02"+ret, // MUL by 2^k
					"7f"+hex.EncodeToString(pow[:])+"600035"+"04"+ret, // DIV by 2^k
				)
			}
			for _, code := range codes {
				c, _ := hex.DecodeString(code)
				runNativeAndClosure(t, c, vb[:], 100_000)
			}
		}
	}
}

// TestNativeMemory checks MLOAD and MSTORE in machine code: within the
// memory the frame has (inline) and beyond it (Go grows it), at constant
// and computed offsets, including offsets no memory can reach.
func TestNativeMemory(t *testing.T) {
	word := func(v uint64) string { b := uint256.NewInt(v).Bytes32(); return hex.EncodeToString(b[:]) }
	for _, tt := range []struct{ name, code string }{
		{"constant offsets", "7f" + strings.Repeat("a5", 32) + "600052" + // grows
			"7f" + strings.Repeat("5a", 31) + "01" + "600152" + // inside, unaligned
			"600051" + "602051" + "601f51" + "01" + "01" + "608052" + // loads inside
			"60c051" + "60a0526101006000f3"}, // a load that grows
		{"computed offsets", "600035" + "7f" + strings.Repeat("c3", 32) + "81" + "52" + // MSTORE at input word 0
			"602035" + "51" + "600035" + "51" + "01" + "604052" + "6101006000f3"},
		// MSTORE8 at constant offsets (growing by one byte's word, then
		// inside), at input offsets, the words around read back.
		{"mstore8", "61abcd" + "601f53" + "60ee" + "600053" + "6000356101ff" + "8153" + "50" +
			"602035607b" + "8153" + "51" + "600051" + "01" + "602051" + "01" + "606052" + "6101006000f3"},
	} {
		for _, offs := range [][2]uint64{{0, 0}, {1, 33}, {64, 200}, {0x1FFFFFFFE0, 0}, {0, 1 << 40}} {
			input, _ := hex.DecodeString(word(offs[0]) + word(offs[1]))
			t.Run(fmt.Sprintf("%s/%d,%d", tt.name, offs[0], offs[1]), func(t *testing.T) {
				c, _ := hex.DecodeString(tt.code)
				for _, gas := range []uint64{1_000_000, 200} {
					runNativeAndClosure(t, c, input, gas)
				}
			})
		}
	}
}

// TestNativeMstoreWatched checks that machine code writing memory a caller
// watches (memory_watch.go) leaves the write to Go, which notes it.
func TestNativeMstoreWatched(t *testing.T) {
	if !amd64.Supported {
		t.Skip("no machine code on this platform")
	}
	p, err := CompileCode([]byte{0x60, 0x01, 0x60, 0x00, 0x52, 0x00}, blocks.Latest, Options{Tier: TierAMD64}) // MSTORE(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := new(Frame)
	f.Reset(&Env{Fork: blocks.Latest}, 1)
	f.Gas, f.Code = 100_000, p.code
	f.Mem.store = append(f.Mem.store[:0], make([]byte, 64)...)
	tok := f.Mem.Watch(0, 32)
	if _, err := p.Run(f); err != nil {
		t.Fatal(err)
	}
	if p.machineCode() == nil || f.Mem.store[31] != 1 {
		t.Fatalf("machine code %v, memory %x", p.machineCode() != nil, f.Mem.store[:32])
	}
	if f.Mem.Unwritten(0, 32, tok) {
		t.Error("a write into watched memory went unnoticed")
	}
}

// TestNativeConcurrent runs one program's machine code on 16 goroutines at
// once, each with its own frame, from its first compilation on: every run
// must end as a lone run does (run with -race).
func TestNativeConcurrent(t *testing.T) {
	code := loopCode(200)
	p, err := CompileCode(code, blocks.Latest, Options{Tier: TierAMD64})
	if err != nil {
		t.Fatal(err)
	}
	solo, _ := CompileCode(code, blocks.Latest, Options{Tier: TierClosure})
	want, wantGas, wantErr := runTier(t, solo, 1_000_000)
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			for range 20 {
				got, gas, err := runTier(t, p, 1_000_000)
				if !bytes.Equal(got, want) || gas != wantGas || err != wantErr {
					errs <- fmt.Errorf("%x, gas %d, %v; want %x, gas %d, %v", got, gas, err, want, wantGas, wantErr)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if amd64.Supported && p.machineCode() == nil {
		t.Fatalf("no machine code: %v", p.NativeErr())
	}
}

// FuzzNativeTier runs the fuzzer's bytes as code, with the fuzzer's input,
// and as a HyVM guest, on the closure tier and in machine code: the two
// must end alike.
func FuzzNativeTier(f *testing.F) {
	for _, tt := range nativeCases {
		code, _ := hex.DecodeString(tt.code)
		f.Add(code, []byte{7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32})
	}
	f.Add(loopCode(50), []byte{})
	f.Fuzz(func(t *testing.T, code, input []byte) {
		code = code[:min(len(code), 24576)]
		if _, err := CompileCode(code, blocks.Latest, Options{}); err != nil {
			return // not code any tier runs
		}
		for _, gas := range []uint64{30_000, 300} {
			runNativeAndClosure(t, code, input, gas)
		}
		for _, gas := range []uint64{60_000, blocks.HyVMStartupGas + 400} {
			compareTiers(t, nil, true, code, nil, gas) // as a HyVM guest
		}
	})
}

// TestNativePromotion checks that a TierAuto program goes interpreted,
// then closures, then machine code once it has run NativeAfter gas per
// byte, every run ending as on the closure tier; and that a negative
// NativeAfter never compiles.
func TestNativePromotion(t *testing.T) {
	if !amd64.Supported {
		t.Skip("no machine code on this platform")
	}
	code := loopCode(100)
	solo, _ := CompileCode(code, blocks.Latest, Options{Tier: TierClosure})
	want, wantGas, wantErr := runTier(t, solo, 1_000_000)
	for _, tt := range []struct {
		after  int
		native bool
	}{{1, true}, {-1, false}} {
		p, err := CompileCode(code, blocks.Latest, Options{Tier: TierAuto, NativeAfter: tt.after})
		if err != nil {
			t.Fatal(err)
		}
		for run := range 40 {
			got, gas, err := runTier(t, p, 1_000_000)
			if !bytes.Equal(got, want) || gas != wantGas || err != wantErr {
				t.Fatalf("NativeAfter %d, run %d: %x, gas %d, %v; want %x, gas %d, %v", tt.after, run, got, gas, err, want, wantGas, wantErr)
			}
		}
		q := p.promo.to.Load()
		if q == nil {
			t.Fatalf("NativeAfter %d: never promoted to closures", tt.after)
		}
		if got := q.nat.prog.Load() != nil; got != tt.native {
			t.Errorf("NativeAfter %d: machine code %v, want %v (heat %d of %d)", tt.after, got, tt.native, q.nat.heat.Load(), q.nat.after)
		}
	}
}

// TestNativeCodeFreed checks that the machine code of programs nobody
// keeps is unmapped: compiling many, dropping them and collecting brings
// the live mappings back to where they were.
func TestNativeCodeFreed(t *testing.T) {
	if !amd64.Supported {
		t.Skip("no machine code on this platform")
	}
	runtime.GC()
	before, _ := amd64.Mapped()
	kept := make([]*Program, 0, 500)
	for i := range 500 {
		code := append(loopCode(uint16(i)), byte(i)) // distinct programs
		p, err := CompileCode(code, blocks.Latest, Options{Tier: TierAMD64})
		if err != nil {
			t.Fatal(err)
		}
		if p.machineCode() == nil {
			t.Fatalf("no machine code: %v", p.NativeErr())
		}
		kept = append(kept, p)
	}
	mid, _ := amd64.Mapped()
	if mid < 500 { // other tests' code may be collected meanwhile
		t.Fatalf("%d mappings with 500 programs kept, %d before", mid, before)
	}
	runtime.KeepAlive(kept)
	kept = nil
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		now, _ := amd64.Mapped()
		if now <= before {
			t.Logf("mappings: %d before, %d with the programs, %d after", before, mid, now)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mappings: %d before, %d with the programs, still %d after collecting", before, mid, now)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNativePushes checks the frame and block values machine code pushes
// (ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, the block's words, PC and GAS)
// against the closure tier, with every byte of them distinct.
func TestNativePushes(t *testing.T) {
	var code []byte
	ops := []blocks.Opcode{blocks.ADDRESS, blocks.CALLER, blocks.CALLVALUE, blocks.CALLDATASIZE,
		blocks.NUMBER, blocks.TIMESTAMP, blocks.GASLIMIT, blocks.BASEFEE, blocks.CHAINID, blocks.PC, blocks.GAS}
	for i, op := range ops {
		// op, then MSTORE it at 32*i; a JUMPDEST-free block, so GAS sees
		// gas still due after it.
		code = append(code, byte(op), 0x61, byte(32*i>>8), byte(32*i), 0x52)
	}
	code = append(code, 0x61, 0x01, 0x60, 0x5f, 0xf3) // RETURN(0, 0x160)
	run := func(tier Tier) ([]byte, uint64, error) {
		p, err := CompileCode(code, blocks.Latest, Options{Tier: tier})
		if err != nil {
			t.Fatal(err)
		}
		env := &Env{Fork: blocks.Latest}
		for i, w := range []*uint256.Int{&env.Number, &env.Timestamp, &env.GasLimit, &env.BaseFee, &env.ChainID} {
			for l := range w {
				w[l] = uint64(i+1)<<56 | uint64(l)<<8 | 0x81
			}
		}
		f := new(Frame)
		f.Reset(env, 1)
		for i := range 20 {
			f.Address[i], f.Caller[i] = byte(0xa0+i), byte(0x10+i)
		}
		f.Value = uint256.Int{0x0102030405060708, 0x1112131415161718, 0x2122232425262728, 0x3132333435363738}
		f.Gas, f.Code, f.Input = 100_000, p.code, make([]byte, 77)
		out, err := p.Run(f)
		if tier == TierAMD64 && amd64.Supported && p.machineCode() == nil {
			t.Fatalf("no machine code: %v", p.NativeErr())
		}
		return bytes.Clone(out), f.Gas, err
	}
	want, wantGas, wantErr := run(TierClosure)
	got, gotGas, gotErr := run(TierAMD64)
	if !bytes.Equal(got, want) || gotGas != wantGas || gotErr != wantErr {
		t.Errorf("amd64: %x, gas %d, %v\nclosures: %x, gas %d, %v", got, gotGas, gotErr, want, wantGas, wantErr)
	}
	if len(want) != 0x160 || wantErr != nil {
		t.Fatalf("the program returned %d bytes, %v", len(want), wantErr)
	}
}

// TestNativeCallDataLoad checks CALLDATALOAD in machine code at offsets
// within the input, reaching past its end, beyond it and beyond 2^64.
func TestNativeCallDataLoad(t *testing.T) {
	input := make([]byte, 70)
	for i := range input {
		input[i] = byte(0x30 + i)
	}
	pairs := tierPairs{}
	for _, off := range []string{"00", "01", "26", "27", "28", "45", "46", "ff", "ffffffffffffffff", "010000000000000000"} {
		w, _ := hex.DecodeString(strings.Repeat("0", 64-len(off)) + off)
		// CALLDATALOAD(CALLDATALOAD(0)) with the offset as the input's
		// first word, then the word at offset 3 as a constant.
		in := append(append([]byte(nil), w...), input...)
		code, _ := hex.DecodeString("600035" + "35" + "600052" + "600335" + "602052" + "60406000f3")
		comparePair(t, pairs, code, in, 100_000)
	}
}

// TestNativeMemoryGrowth checks memory growing word by word in a loop, as
// machine code does it within the buffer's capacity: its gas at every
// limit around the loop's needs, and the frame's memory cap.
func TestNativeMemoryGrowth(t *testing.T) {
	// i = 40; do { MSTORE((41-i)*32 + 7, i); i-- } while i, each store
	// growing the memory; then MLOAD past the end (a load that grows),
	// RETURN(0, MSIZE). Each run is on a frame whose buffer holds 0xff
	// bytes from an earlier run: growing must clear them.
	code, _ := hex.DecodeString("6028" + "5b" + "8080" + "602903" + "60051b" + "600701" + "52" + "6001900380600257" +
		"50" + "6104005150" + "596000f3")
	// dirty: i = 0x60; do { MSTORE(i*32, ~0) } while i -= 1.
	dirty, err := CompileCode(common.FromHex("6060"+"5b"+"6000198160051b52"+"6001900380600257"+"00"), blocks.Latest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := func(tier Tier, gas uint64, limits MemoryLimits) ([]byte, uint64, error) {
		p, err := CompileCode(code, blocks.Latest, Options{Tier: tier})
		if err != nil {
			t.Fatal(err)
		}
		f := new(Frame)
		f.Reset(&Env{Fork: blocks.Latest}, 1)
		f.Gas, f.Code = 1_000_000, dirty.code
		if _, err := dirty.Run(f); err != nil {
			t.Fatal(err)
		}
		f.Reset(&Env{Fork: blocks.Latest, MemoryLimits: limits}, 1)
		f.Gas, f.Code = gas, p.code
		out, err := p.Run(f)
		return bytes.Clone(out), f.Gas, err
	}
	want, _, wantErr := run(TierClosure, 1_000_000, MemoryLimits{})
	if wantErr != nil || len(want) < 40*32 {
		t.Fatalf("the program returned %d bytes, %v", len(want), wantErr)
	}
	for _, limits := range []MemoryLimits{{}, {Frame: 600}, {Frame: 1 << 10, Total: 1 << 10}} {
		for gas := uint64(4_000); gas < 12_000; gas += 37 {
			want, wantGas, wantErr := run(TierClosure, gas, limits)
			got, gotGas, gotErr := run(TierAMD64, gas, limits)
			if !bytes.Equal(got, want) || gotGas != wantGas || !sameOutcome(gotErr, wantErr) {
				t.Fatalf("limits %+v, gas %d: amd64 %d bytes, gas %d, %v; closures %d bytes, gas %d, %v",
					limits, gas, len(got), gotGas, gotErr, len(want), wantGas, wantErr)
			}
		}
	}
}
