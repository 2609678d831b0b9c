package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

// Contracts the trace corpus calls, besides the receiver.
var (
	returner   = common.HexToAddress("0xc1") // returns the word 42
	reverter   = common.HexToAddress("0xc2") // reverts with the word 1
	storer     = common.HexToAddress("0xc3") // stores caller and value, returns its address
	looper     = common.HexToAddress("0xc4") // loops until out of gas
	logger5    = common.HexToAddress("0xc5") // emits a log
	destructor = common.HexToAddress("0xc6") // self-destructs to 0xbeef
	recurser   = common.HexToAddress("0xc7") // calls itself while gas lasts
	emptyAcct  = common.HexToAddress("0xe0") // no code, no balance

	// Contracts that write, and so fail when called by STATICCALL.
	tstorer     = common.HexToAddress("0xc8")
	creator     = common.HexToAddress("0xc9")
	valueCaller = common.HexToAddress("0xca")
	create2er   = common.HexToAddress("0xcb")
)

// callees is the code of the contracts above.
func callees() map[common.Address][]byte {
	return map[common.Address][]byte{
		returner:    asm("PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN"),
		reverter:    asm("PUSH1 1 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 REVERT"),
		storer:      asm("CALLER PUSH1 0 SSTORE CALLVALUE PUSH1 1 SSTORE ADDRESS PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN"),
		looper:      asm("top: JUMPDEST PUSH1 1 POP PUSH1 :top JUMP"),
		logger5:     asm("PUSH1 7 PUSH1 0 MSTORE PUSH1 9 PUSH1 32 PUSH1 0 LOG1 STOP"),
		destructor:  asm("PUSH2 0xbeef SELFDESTRUCT"),
		tstorer:     asm("PUSH1 1 PUSH1 1 TSTORE STOP"),
		creator:     asm("PUSH1 0 PUSH1 0 PUSH1 0 CREATE STOP"),
		valueCaller: asm(callTo("CALL", returner, "GAS", 1) + " STOP"),
		create2er:   asm("PUSH1 0 PUSH1 0 PUSH1 0 PUSH1 0 CREATE2 STOP"),
		recurser: asm("PUSH1 0 DUP1 DUP1 DUP1 DUP1 ADDRESS GAS CALL PUSH1 0 SSTORE " +
			"PUSH1 1 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN"),
	}
}

// callTo is assembly calling addr with the given kind (CALL, CALLCODE,
// DELEGATECALL, STATICCALL), gas, value and in/out memory areas of 32 bytes
// at 0, leaving the success flag on the stack.
func callTo(kind string, addr common.Address, gas string, value int) string {
	args := "PUSH1 32 PUSH1 0 PUSH1 32 PUSH1 0"
	if kind == "CALL" || kind == "CALLCODE" {
		args += fmt.Sprintf(" PUSH1 %d", value)
	}
	return fmt.Sprintf("%s PUSH20 %#x %s %s", args, addr, gas, kind)
}

// traceProgram is one program of the trace corpus.
type traceProgram struct {
	name  string
	code  string // assembly
	input string // hex
	gas   uint64 // 0: 1,000,000
	value uint64
	heavy bool // tens of thousands of lines: latest fork only, no gas sweep
}

func traceCorpus() []traceProgram {
	// The runtime code a creation deploys: "PUSH1 42 PUSH1 0 MSTORE PUSH1 32
	// PUSH1 0 RETURN" is 11 bytes; the initcode copies it from its own code.
	runtimeCode := asm("PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN")
	deploy := asm(fmt.Sprintf("PUSH1 %d PUSH1 12 PUSH1 0 CODECOPY PUSH1 %d PUSH1 0 RETURN", len(runtimeCode), len(runtimeCode)))
	deploy = append(deploy, runtimeCode...)
	if len(deploy) != 12+len(runtimeCode) {
		panic(fmt.Sprintf("deploy prefix is %d bytes", len(deploy)-len(runtimeCode)))
	}
	revertingInit := asm("PUSH1 5 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 REVERT")
	n := func(code []byte) int { return len(code) }

	return []traceProgram{
		{name: "arithmetic", code: "PUSH1 3 PUSH1 4 ADD PUSH1 5 MUL PUSH1 2 SWAP1 SUB PUSH1 7 SWAP1 DIV PUSH1 3 SWAP1 MOD " +
			"PUSH1 0xff NOT SDIV PUSH1 5 PUSH1 0xf9 SMOD PUSH1 7 PUSH1 9 PUSH1 11 ADDMOD PUSH1 7 PUSH1 9 PUSH1 11 MULMOD " +
			"PUSH1 0x80 PUSH1 0 SIGNEXTEND LT PUSH1 1 GT PUSH1 2 SLT PUSH1 3 SGT PUSH1 4 EQ ISZERO " +
			"PUSH1 0x0f PUSH1 0x3c AND PUSH1 0x01 OR PUSH1 0xff XOR PUSH1 31 BYTE PUSH1 4 SHL PUSH1 2 SHR PUSH1 1 SAR " +
			"DUP1 DUP2 DUP3 SWAP2 SWAP3 POP POP POP PUSH0 PC MSIZE STOP"},
		{name: "exp", code: "PUSH1 2 PUSH1 3 EXP PUSH2 0x1234 PUSH1 7 EXP PUSH32 0x" + strings.Repeat("ff", 32) + " PUSH1 3 EXP PUSH1 0 PUSH1 0 EXP STOP"},
		{name: "memory expansion", code: "PUSH1 1 PUSH1 0 MSTORE PUSH1 2 PUSH1 100 MSTORE8 PUSH2 1000 MLOAD MSIZE " +
			"PUSH1 64 PUSH1 0 PUSH2 2000 MCOPY PUSH1 32 PUSH1 0 PUSH2 3000 CALLDATACOPY PUSH1 16 PUSH1 2 PUSH2 4000 CODECOPY MSIZE STOP",
			input: "00112233445566778899"},
		{name: "memory expansion out of gas", code: "PUSH1 1 PUSH4 0x00ffffff MSTORE STOP"},
		{name: "sstore sload cold and warm", code: "PUSH1 1 SLOAD PUSH1 1 SLOAD PUSH1 5 PUSH1 1 SSTORE PUSH1 6 PUSH1 1 SSTORE " +
			"PUSH1 0 PUSH1 1 SSTORE PUSH1 1 SLOAD PUSH1 9 PUSH1 2 SSTORE PUSH1 2 SLOAD PUSH1 3 PUSH1 3 TSTORE PUSH1 3 TLOAD STOP"},
		{name: "call with code", code: callTo("CALL", returner, "GAS", 0) + " RETURNDATASIZE PUSH1 0 PUSH1 64 RETURNDATACOPY PUSH1 64 MLOAD " +
			callTo("CALL", returner, "PUSH2 5000", 0) + " STOP"},
		{name: "call with value", code: callTo("CALL", storer, "PUSH3 100000", 3) + " " + callTo("CALL", storer, "PUSH1 0", 1) + " STOP",
			value: 10},
		{name: "callcode", code: callTo("CALLCODE", storer, "GAS", 2) + " PUSH1 0 SLOAD STOP", value: 5},
		{name: "delegatecall", code: callTo("DELEGATECALL", storer, "GAS", 0) + " PUSH1 1 SLOAD PUSH1 0 MLOAD STOP", value: 7},
		{name: "staticcall", code: callTo("STATICCALL", returner, "GAS", 0) + " " + callTo("STATICCALL", storer, "GAS", 0) +
			" " + callTo("STATICCALL", logger5, "GAS", 0) + " STOP"},
		{name: "call reverting", code: callTo("CALL", reverter, "GAS", 0) + " RETURNDATASIZE PUSH1 0 PUSH1 0 RETURNDATACOPY PUSH1 0 MLOAD STOP"},
		{name: "call out of gas", code: callTo("CALL", looper, "PUSH2 30000", 0) + " " + callTo("CALL", looper, "GAS", 0) + " STOP", gas: 300000, heavy: true},
		{name: "call empty and precompile-less accounts", code: callTo("CALL", emptyAcct, "GAS", 0) + " " +
			callTo("CALL", common.HexToAddress("0xe1"), "GAS", 1) + " PUSH1 0xe2 BALANCE PUSH1 0xe0 EXTCODESIZE PUSH1 0xe0 EXTCODEHASH STOP", value: 1},
		{name: "call log", code: callTo("CALL", logger5, "GAS", 0) + " STOP"},
		{name: "recursion", code: callTo("CALL", recurser, "GAS", 0) + " STOP", gas: 200000, heavy: true},
		{name: "create", code: storeCode(deploy) + fmt.Sprintf(" PUSH1 %d PUSH1 0 PUSH1 0 CREATE DUP1 EXTCODESIZE POP ", n(deploy)) +
			"PUSH1 32 PUSH1 0 PUSH1 0 PUSH1 0 PUSH1 0 DUP6 GAS CALL PUSH1 0 MLOAD STOP"},
		{name: "create2", code: storeCode(deploy) + fmt.Sprintf(" PUSH1 0x77 PUSH1 %d PUSH1 0 PUSH1 3 CREATE2 DUP1 EXTCODEHASH POP ", n(deploy)) +
			"PUSH1 8 PUSH1 0 PUSH2 500 DUP4 EXTCODECOPY " +
			storeCode(deploy) + fmt.Sprintf(" PUSH1 0x77 PUSH1 %d PUSH1 0 PUSH1 0 CREATE2 STOP", n(deploy)), value: 10},
		{name: "create reverting", code: storeCode(revertingInit) + fmt.Sprintf(" PUSH1 %d PUSH1 0 PUSH1 0 CREATE RETURNDATASIZE STOP", n(revertingInit))},
		{name: "create out of gas", code: storeCode(deploy) + fmt.Sprintf(" PUSH1 %d PUSH1 0 PUSH1 0 CREATE STOP", n(deploy)), gas: 40000},
		{name: "revert", code: "PUSH1 0xaa PUSH1 0 MSTORE PUSH1 32 PUSH1 0 REVERT"},
		{name: "run off the end", code: "PUSH1 1 PUSH1 2 ADD"},
		{name: "jumpi not taken off the end", code: "PUSH1 0 PUSH1 0 JUMPI"},
		{name: "out of gas mid-block", code: "PUSH1 1 PUSH1 2 ADD PUSH1 3 MUL PUSH1 4 ADD PUSH1 5 MUL POP STOP", gas: 20},
		{name: "out of gas in loop", code: "top: JUMPDEST PUSH1 1 PUSH1 2 ADD POP PUSH1 :top JUMP", gas: 500, heavy: true},
		{name: "invalid jump", code: "PUSH1 1 PUSH1 2 ADD PUSH1 3 JUMP JUMPDEST STOP"},
		{name: "invalid jumpi", code: "PUSH1 1 PUSH1 0 JUMPI PUSH1 1 PUSH1 4 JUMPI STOP"},
		{name: "jump into push data", code: "PUSH1 4 JUMP PUSH1 0x5b STOP"},
		{name: "jumpi loop", code: "PUSH1 5 top: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 :top JUMPI STOP"},
		{name: "stack underflow", code: "PUSH1 1 PUSH1 2 ADD ADD STOP"},
		{name: "stack underflow dup", code: "PUSH1 1 DUP2 STOP"},
		{name: "stack overflow", code: "top: JUMPDEST PUSH0 PUSH1 :top JUMP", heavy: true},
		{name: "gas in a long block", code: "GAS PUSH1 1 PUSH1 2 ADD GAS PUSH1 3 MUL POP GAS PUSH1 0 MSTORE GAS STOP"},
		{name: "log", code: "PUSH1 0x11 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 LOG0 PUSH1 1 PUSH1 5 PUSH1 64 LOG1 " +
			"PUSH1 1 PUSH1 2 PUSH1 3 PUSH1 4 PUSH1 16 PUSH1 8 LOG4 PUSH1 1 PUSH1 2 PUSH1 0 PUSH1 0 LOG2 STOP"},
		{name: "keccak256", code: "PUSH1 0xab PUSH1 0 MSTORE PUSH1 32 PUSH1 0 KECCAK256 PUSH1 100 PUSH1 50 KECCAK256 PUSH1 0 PUSH1 0 KECCAK256 STOP"},
		{name: "returndatacopy out of bounds", code: callTo("CALL", returner, "GAS", 0) + " PUSH1 33 PUSH1 0 PUSH1 0 RETURNDATACOPY STOP"},
		{name: "precompiles", code: "PUSH1 0xab PUSH1 0 MSTORE " + callTo("STATICCALL", common.HexToAddress("0x2"), "GAS", 0) + " " +
			callTo("STATICCALL", common.HexToAddress("0x4"), "GAS", 0) + " " + callTo("CALL", common.HexToAddress("0x1"), "GAS", 0) + " " +
			callTo("STATICCALL", common.HexToAddress("0x3"), "PUSH1 10", 0) + " RETURNDATASIZE STOP"},
		{name: "selfdestruct", code: callTo("CALL", destructor, "GAS", 0) + " PUSH1 0xe3 SELFDESTRUCT", value: 4},
		{name: "invalid opcode", code: "PUSH1 1 PUSH1 2 ADD INVALID STOP"},
		{name: "undefined opcode", code: "PUSH1 1 0x0c STOP"},
		{name: "environment", code: "ADDRESS BALANCE ORIGIN CALLER CALLVALUE CALLDATASIZE CODESIZE GASPRICE PUSH1 0xc1 EXTCODESIZE " +
			"PUSH1 0 BLOCKHASH COINBASE TIMESTAMP NUMBER 0x44 GASLIMIT CHAINID SELFBALANCE BASEFEE PUSH1 0 BLOBHASH BLOBBASEFEE " +
			"PUSH1 0 CALLDATALOAD RETURNDATASIZE STOP", input: "aabbcc", value: 3},
		{name: "return with memory", code: "PUSH1 0x42 PUSH1 0 MSTORE PUSH1 40 PUSH1 10 RETURN"},
		{name: "clz", code: "PUSH1 1 CLZ PUSH0 CLZ STOP"},
		{name: "writes in a static frame", code: callTo("STATICCALL", tstorer, "GAS", 0) + " " + callTo("STATICCALL", creator, "GAS", 0) +
			" " + callTo("STATICCALL", valueCaller, "GAS", 0) + " " + callTo("STATICCALL", create2er, "GAS", 0) +
			" " + callTo("STATICCALL", destructor, "GAS", 0) + " STOP", value: 1},
		{name: "mstore beyond the gas formula", code: "PUSH1 1 PUSH5 0x1000000000 MSTORE STOP"},
		{name: "mstore at 2^40", code: "PUSH1 1 PUSH6 0x010000000000 MSTORE STOP"},
		{name: "mstore at 2^64-1", code: "PUSH1 1 PUSH8 0xffffffffffffffff MSTORE STOP"},
		{name: "mload at 2^70", code: "PUSH9 0x400000000000000000 MLOAD STOP"},
		{name: "keccak of 2^40 bytes", code: "PUSH6 0x010000000000 PUSH1 0 KECCAK256 STOP"},
		{name: "calldatacopy 2^63 bytes", code: "PUSH8 0x8000000000000000 PUSH1 0 PUSH1 0 CALLDATACOPY STOP"},
		{name: "return 2^64 bytes", code: "PUSH9 0x010000000000000000 PUSH1 0 RETURN"},
		{name: "call with huge return area", code: "PUSH6 0x010000000000 PUSH1 0 PUSH1 0 PUSH1 0 PUSH1 0 PUSH1 0xc1 GAS CALL STOP"},
		{name: "create with too much initcode", code: "PUSH3 0x00c001 PUSH1 0 PUSH1 0 CREATE STOP", gas: 10_000_000},
		{name: "log with 2^40 bytes", code: "PUSH6 0x010000000000 PUSH1 0 LOG0 STOP"},
		{name: "exp of a huge exponent out of gas", code: "PUSH32 0x" + strings.Repeat("ff", 32) + " PUSH1 2 EXP STOP", gas: 1000},
	}
}

// traceLines runs program p under fork on machine m with go-ethereum's JSON
// logger (memory and return data included) and returns the trace lines.
func traceLines(t *testing.T, p traceProgram, fork blocks.Fork, newMachine machineFactory) ([]map[string]any, *runResult) {
	t.Helper()
	gas := p.gas
	if gas == 0 {
		gas = 1_000_000
	}
	input, err := parseHex(p.input)
	if err != nil {
		t.Fatal(err)
	}
	opts := &runOptions{
		code: asm(p.code), input: input, gas: gas, value: uint256.NewInt(p.value),
		sender: defaultSender, receiver: defaultReceiver, fork: fork,
		trace:    &logger.Config{EnableMemory: true, EnableReturnData: true},
		accounts: callees(),
	}
	var buf bytes.Buffer
	res := execute(opts, newMachine, &buf)
	var lines []map[string]any
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("trace line %q: %v", sc.Text(), err)
		}
		lines = append(lines, line)
	}
	return lines, res
}

// newGeth returns a factory of go-ethereum EVMs.
func newGeth() machineFactory {
	return func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork, tracer *tracing.Hooks) runtime.Machine {
		return reference.New(block, statedb, runtime.ChainConfig(fork), vm.Config{Tracer: tracer})
	}
}

// requiredFields must be equal on every opcode line (EIP-3155's core).
var requiredFields = []string{"pc", "op", "gas", "gasCost", "stack", "depth"}

// TestTraceConformance runs every program of the corpus on hyvm and on
// go-ethereum with go-ethereum's JSON logger and requires the same lines:
// first the EIP-3155 core fields, then every other field (memory, refund,
// return data, error, and the end-of-frame lines).
func TestTraceConformance(t *testing.T) {
	var programs, lines int
	for _, p := range traceCorpus() {
		for _, fork := range blocks.Forks() {
			if (p.name == "clz" || p.heavy) && fork < blocks.Osaka {
				continue
			}
			t.Run(fmt.Sprintf("%s/%v", p.name, fork), func(t *testing.T) {
				got, gotRes := traceLines(t, p, fork, newHyvm(runtime.BackendAuto))
				want, wantRes := traceLines(t, p, fork, newGeth())
				programs++
				lines += len(want)
				compareTraces(t, got, want)
				if !bytes.Equal(gotRes.output, wantRes.output) || gotRes.gasUsed != wantRes.gasUsed || status(gotRes.err) != status(wantRes.err) {
					t.Errorf("result: hyvm %x %d %v, geth %x %d %v", gotRes.output, gotRes.gasUsed, gotRes.err,
						wantRes.output, wantRes.gasUsed, wantRes.err)
				}
			})
		}
	}
	t.Logf("%d program runs, %d trace lines compared", programs, lines)
}

func compareTraces(t *testing.T, got, want []map[string]any) {
	t.Helper()
	for i := 0; i < min(len(got), len(want)); i++ {
		g, w := got[i], want[i]
		var diffs []string
		for _, k := range requiredFields {
			if !reflect.DeepEqual(g[k], w[k]) {
				diffs = append(diffs, fmt.Sprintf("%s: hyvm %v geth %v", k, g[k], w[k]))
			}
		}
		if len(diffs) == 0 && !reflect.DeepEqual(g, w) {
			for k := range union(g, w) {
				if !reflect.DeepEqual(g[k], w[k]) {
					diffs = append(diffs, fmt.Sprintf("%s: hyvm %v geth %v", k, g[k], w[k]))
				}
			}
		}
		if len(diffs) > 0 {
			t.Fatalf("line %d differs (%s):\n  hyvm %s\n  geth %s\n%s", i+1, strings.Join(diffs, "; "),
				encode(g), encode(w), linesBefore(want, i))
		}
	}
	if len(got) != len(want) {
		extra, from := want, "geth"
		if len(got) > len(want) {
			extra, from = got, "hyvm"
		}
		t.Fatalf("hyvm wrote %d lines, geth %d; first extra line (%s): %s", len(got), len(want), from, encode(extra[min(len(got), len(want))]))
	}
}

func union(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func encode(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// linesBefore shows the geth lines before line i.
func linesBefore(lines []map[string]any, i int) string {
	var b strings.Builder
	for j := max(0, i-3); j < i; j++ {
		fmt.Fprintf(&b, "  before: %s\n", encode(lines[j]))
	}
	return b.String()
}

// TestTraceConformanceGasSweep runs programs with just too little and just
// enough gas for each of their top-level instructions, so that every
// instruction's charge fails in turn (out of gas mid-block, in dynamic gas,
// part-way through a CALL's charges), and compares the traces.
func TestTraceConformanceGasSweep(t *testing.T) {
	var runs, lines int
	for _, p := range traceCorpus() {
		if p.heavy {
			continue
		}
		name := p.name
		full, _ := traceLines(t, p, blocks.Latest, newGeth())
		start := parseQuantity(t, full[0]["gas"])
		limits := map[uint64]bool{}
		for _, line := range full {
			if line["depth"] != float64(1) || line["error"] != nil {
				continue
			}
			used := start - parseQuantity(t, line["gas"])
			cost := parseQuantity(t, line["gasCost"])
			limits[used+cost] = true
			if used+cost > 0 {
				limits[used+cost-1] = true
			}
		}
		for g := range limits {
			q := p
			q.gas = g
			if g == 0 {
				continue // 0 means the default gas
			}
			t.Run(fmt.Sprintf("%s/%d", name, g), func(t *testing.T) {
				got, _ := traceLines(t, q, blocks.Latest, newHyvm(runtime.BackendAuto))
				want, _ := traceLines(t, q, blocks.Latest, newGeth())
				compareTraces(t, got, want)
				runs++
				lines += len(want)
			})
		}
	}
	t.Logf("%d runs, %d trace lines compared", runs, lines)
}

// parseQuantity reads a logger gas field ("0x..").
func parseQuantity(t *testing.T, v any) uint64 {
	t.Helper()
	s, _ := v.(string)
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("gas field %v: %v", v, err)
	}
	return n
}

// TestRunTraceFlag checks the command's --trace output byte for byte
// against go-ethereum's EVM traced by the same logger with the command's
// defaults (geth's "evm run": memory and return data off, stack on).
func TestRunTraceFlag(t *testing.T) {
	code := asm(callTo("CALL", defaultReceiver, "PUSH2 3000", 0) + " PUSH1 0x20 PUSH1 0 KECCAK256 PUSH1 1 SSTORE" +
		" PUSH1 8 PUSH1 0 REVERT")
	for _, extra := range [][]string{nil, {"--trace.nomemory=false", "--trace.noreturndata=false"}, {"--trace.nostack"}} {
		args := append([]string{"run", "--mode", "evm", "--trace", "--input", "0x01"}, extra...)
		exit, stdout, stderr := hyvmc(t, append(args, fmt.Sprintf("%x", code))...)
		if exit != exitFailed || !strings.Contains(stdout, "status: revert") {
			t.Fatalf("%q: exit %d, stdout %q", extra, exit, stdout)
		}
		cfg := &logger.Config{DisableStack: len(extra) == 1}
		if len(extra) == 2 {
			cfg.EnableMemory, cfg.EnableReturnData = true, true
		}
		opts := &runOptions{code: code, input: []byte{1}, gas: defaultGas, value: new(uint256.Int),
			sender: defaultSender, receiver: defaultReceiver, fork: blocks.Latest, trace: cfg}
		var want bytes.Buffer
		execute(opts, newGeth(), &want)
		if stderr != want.String() {
			t.Errorf("%q: trace differs from go-ethereum's:\nhyvm:\n%s\ngeth:\n%s", extra, stderr, want.String())
		}
		if n := strings.Count(stderr, "\n"); n < 30 {
			t.Errorf("%q: only %d trace lines", extra, n)
		}
	}
}
