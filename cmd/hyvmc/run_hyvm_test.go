package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// In HyVM mode (the default) CODE is a guest: HyVM's gas (start-up 204,
// per-instruction overhead, memory priced from 0x340), its memory layout
// and its empty calldata, in the receiver's context.
func TestRunHyVM(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		output string // without 0x
		status string
		gas    string
		exit   int
	}{
		// mstore(0, 7) lands at 0x340; return(0, 0xff) reads from there.
		{"add and return 255 bytes", []string{"600360040160005260ff6000f3"},
			word("7") + strings.Repeat("00", 255-32), "success", "1014", exitOK},
		{"explicit mode", []string{"--mode", "hyvm", "600360040160005260206000f3"}, word("7"), "success", "992", exitOK},
		{"empty guest", []string{""}, "", "success", "269", exitOK},
		{"callvalue", []string{"--value", "1000", "3460005260206000f3"}, word("3e8"), "success", "767", exitOK},
		{"wallet holds the value", []string{"--value", "5", "4760005260206000f3"}, word("5"), "success", "770", exitOK},
		{"address is the wallet", []string{"--receiver", "00000000000000000000000000000000000000bb", "3060005260206000f3"},
			word("bb"), "success", "767", exitOK},
		{"caller is the sender", []string{"--sender", "00000000000000000000000000000000000000aa", "3360005260206000f3"},
			word("aa"), "success", "767", exitOK},
		{"calldata is empty", []string{"3660005260206000f3"}, word("0"), "success", "768", exitOK},
		{"msize excludes the reserved area", []string{"5f5f525960205260206020f3"}, word("20"), "success", "0", exitOK},
		{"unsupported opcode reverts", []string{"600160015d"}, "", "revert", "499", exitFailed},
		{"invalid halts", []string{"--gas", "1000", "fe"}, "", "error: invalid opcode: INVALID", "1000", exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := hyvmc(t, append([]string{"run"}, tt.args...)...)
			want := "output: 0x" + tt.output + "\nstatus: " + tt.status + "\ngas used: " + tt.gas + "\n"
			if tt.gas == "0" { // not priced by hand: only output and status matter
				if i := strings.Index(stdout, "gas used: "); i >= 0 {
					stdout = stdout[:i] + "gas used: 0\n"
				}
			}
			if code != tt.exit || stdout != want || stderr != "" {
				t.Errorf("exit %d, stdout:\n%s\nstderr: %q\nwant exit %d, stdout:\n%s", code, stdout, stderr, tt.exit, want)
			}
		})
	}
}

func TestRunHyVMJSON(t *testing.T) {
	code, stdout, stderr := hyvmc(t, "run", "--json", "600360040160005260206000f3")
	want := `{"output":"0x` + word("7") + `","status":"success","gasUsed":992}` + "\n"
	if code != exitOK || stdout != want || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
}

func TestRunModeErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--input", "0x01", "00"}, "--input: a HyVM guest's calldata is empty"},
		{[]string{"--mode", "wasm", "00"}, `--mode: unknown mode "wasm"`},
	} {
		code, stdout, stderr := hyvmc(t, append([]string{"run"}, tt.args...)...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want one line containing %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// TestRunHyVMTrace checks a guest's trace: guest pcs, HyVM's gas per
// instruction (native gas plus the overheads of gas-overhead.md: PUSH1 109,
// MSTORE 77, RETURN 77, after HyVM's start-up of 204) adding up to the gas
// used, and the guest's view of memory and of its offsets.
func TestRunHyVMTrace(t *testing.T) {
	code, stdout, stderr := hyvmc(t, "run", "--trace", "602a60005260206000f3")
	if code != exitOK || !strings.Contains(stdout, "gas used: 812") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	type line struct {
		PC      uint64         `json:"pc"`
		Gas     hexutil.Uint64 `json:"gas"`
		Cost    hexutil.Uint64 `json:"gasCost"`
		MemSize int            `json:"memSize"`
		Stack   []*hexutil.Big `json:"stack"`
		Op      string         `json:"opName"`
	}
	want := []struct {
		pc      uint64
		op      string
		cost    uint64
		memSize int
		stack   string
	}{
		{0, "PUSH1", 3 + 109, 0, "[]"},
		{2, "PUSH1", 3 + 109, 0, "[0x2a]"},
		{4, "MSTORE", 3 + 77 + 3, 0, "[0x2a 0x0]"}, // the offset as the guest pushed it
		{5, "PUSH1", 3 + 109, 32, "[]"},            // the guest's memory, not HyVM's 0x340 bytes
		{7, "PUSH1", 3 + 109, 32, "[0x20]"},
		{9, "RETURN", 0 + 77, 32, "[0x20 0x0]"},
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != len(want)+1 {
		t.Fatalf("%d trace lines, want %d and the summary:\n%s", len(lines), len(want), stderr)
	}
	gas := uint64(10_000_000_000 - 204)
	for i, w := range want {
		var l line
		if err := json.Unmarshal([]byte(lines[i]), &l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		stack := fmt.Sprint(l.Stack)
		if l.PC != w.pc || l.Op != w.op || uint64(l.Cost) != w.cost || uint64(l.Gas) != gas || l.MemSize != w.memSize || stack != w.stack {
			t.Errorf("line %d: %s\nwant pc %d %s gas %d cost %d memSize %d stack %s", i, lines[i], w.pc, w.op, gas, w.cost, w.memSize, w.stack)
		}
		gas -= w.cost
	}
}
