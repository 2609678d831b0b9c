package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hyvmc runs the command in-process and returns its exit status and output.
func hyvmc(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// word is a 32-byte big-endian word holding the hex digits v, as printed.
func word(v string) string { return strings.Repeat("0", 64-len(v)) + v }

func TestRunPrograms(t *testing.T) {
	codeFile := filepath.Join(t.TempDir(), "code.hex")
	if err := os.WriteFile(codeFile, []byte("0x600360040160005260206000f3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		output string // without 0x
		status string
		gas    string
		exit   int
	}{
		{"add and return 255 bytes", []string{"600360040160005260ff6000f3"},
			word("7") + strings.Repeat("00", 255-32), "success", "45", exitOK},
		{"add and return a word", []string{"0x600360040160005260206000f3"}, word("7"), "success", "24", exitOK},
		{"code file", []string{"--code-file", codeFile}, word("7"), "success", "24", exitOK},
		{"empty code", []string{""}, "", "success", "0", exitOK},
		{"stop", []string{"00"}, "", "success", "0", exitOK},
		{"flags after code", []string{"3460005260206000f3", "--value", "1000"}, word("3e8"), "success", "17", exitOK},
		{"largest value", []string{"--value", "0x" + strings.Repeat("ff", 32), "3460005260206000f3"},
			strings.Repeat("ff", 32), "success", "17", exitOK},
		{"hex value", []string{"--value", "0x00ff", "3460005260206000f3"}, word("ff"), "success", "17", exitOK},
		{"calldata", []string{"--input", "0x" + word("2a"), "60003560005260206000f3"}, word("2a"), "success", "21", exitOK},
		{"caller", []string{"--sender", "0x00000000000000000000000000000000000000aa", "3360005260206000f3"},
			word("aa"), "success", "17", exitOK},
		{"address", []string{"--receiver", "00000000000000000000000000000000000000bb", "3060005260206000f3"},
			word("bb"), "success", "17", exitOK},
		{"gas limit", []string{"--gas", "100000", "5a60005260206000f3"}, word("1869e"), "success", "17", exitOK},
		{"sstore", []string{"600160005500"}, "", "success", "22106", exitOK},
		{"revert", []string{"60006000fd"}, "", "revert", "6", exitFailed},
		{"revert with data", []string{"600160005260206000fd"}, word("1"), "revert", "18", exitFailed},
		{"invalid opcode", []string{"--gas", "1000", "fe"}, "", "error: invalid opcode: INVALID", "1000", exitFailed},
		{"out of gas", []string{"--gas", "4", "6001600101"}, "", "error: out of gas", "4", exitFailed},
		{"invalid jump", []string{"--gas", "1000", "600056"}, "", "error: invalid jump destination", "1000", exitFailed},
		// The block path names the block's requirement, not the instruction's.
		{"stack underflow", []string{"--gas", "1000", "01"}, "", "error: stack underflow*", "1000", exitFailed},
		{"clz on osaka", []string{"60011e60005260206000f3"}, word("ff"), "success", "23", exitOK},
		{"clz before osaka", []string{"--fork", "cancun", "--gas", "1000", "60011e"}, "",
			"error: invalid opcode: CLZ", "1000", exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := hyvmc(t, append([]string{"run", "--mode", "evm"}, tt.args...)...)
			want := "output: 0x" + tt.output + "\nstatus: " + tt.status + "\ngas used: " + tt.gas + "\n"
			if prefix, ok := strings.CutSuffix(tt.status, "*"); ok { // any detail after the prefix
				if i, j := strings.Index(stdout, prefix), strings.Index(stdout, "\ngas used"); i > 0 && j > i {
					stdout = stdout[:i] + tt.status + stdout[j:]
				}
			}
			if code != tt.exit || stdout != want || stderr != "" {
				t.Errorf("exit %d, stdout:\n%s\nstderr: %q\nwant exit %d, stdout:\n%s", code, stdout, stderr, tt.exit, want)
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	tests := []struct {
		code string
		want jsonResult
	}{
		{"600360040160005260206000f3", jsonResult{Output: bytesOf(t, word("7")), Status: "success", GasUsed: 24}},
		{"00", jsonResult{Output: []byte{}, Status: "success"}},
		{"600160005260206000fd", jsonResult{Output: bytesOf(t, word("1")), Status: "revert", GasUsed: 18}},
		{"6000", jsonResult{Output: []byte{}, Status: "success", GasUsed: 3}},
		{"fe", jsonResult{Output: []byte{}, Status: "error", GasUsed: 50000, Error: "invalid opcode: INVALID"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := hyvmc(t, "run", "--mode", "evm", "--json", "--gas", "50000", tt.code)
		var got map[string]any
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%s: output %q is not JSON: %v", tt.code, stdout, err)
		}
		if strings.Count(stdout, "\n") != 1 || stderr != "" {
			t.Errorf("%s: want one JSON line and no stderr, got %q, %q", tt.code, stdout, stderr)
		}
		wantJSON, _ := json.Marshal(tt.want)
		var want map[string]any
		json.Unmarshal(wantJSON, &want)
		if !equalJSON(got, want) {
			t.Errorf("%s: got %s want %s", tt.code, stdout, wantJSON)
		}
		if wantExit := map[bool]int{true: exitOK, false: exitFailed}[tt.want.Status == "success"]; code != wantExit {
			t.Errorf("%s: exit %d, want %d", tt.code, code, wantExit)
		}
	}
}

func bytesOf(t *testing.T, h string) []byte {
	b, err := parseHex(h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestBadInput checks that every kind of bad input gives exit status 2, one
// line on stderr and nothing on stdout.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	malformed := filepath.Join(dir, "malformed.json")
	if err := os.WriteFile(malformed, []byte(`{"test": {"env": `), 0o644); err != nil {
		t.Fatal(err)
	}
	wrongShape := filepath.Join(dir, "wrong.json")
	if err := os.WriteFile(wrongShape, []byte(`[1, 2, 3]`), 0o644); err != nil {
		t.Fatal(err)
	}
	codeFile := filepath.Join(dir, "code.hex")
	if err := os.WriteFile(codeFile, []byte("60zz"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	tests := []struct {
		args []string
		want string // substring of the error line
	}{
		{nil, "missing command"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"--frob"}, `unknown command "--frob"`},
		{[]string{"run"}, "missing CODE"},
		{[]string{"run", "600"}, "odd number of hex digits"},
		{[]string{"run", "0x6"}, "odd number of hex digits"},
		{[]string{"run", "60zz"}, "invalid hex character 'z'"},
		{[]string{"run", "0x0x00"}, "invalid hex character 'x'"},
		{[]string{"run", "00", "01"}, "unexpected arguments"},
		{[]string{"run", "--fork", "Berlin", "00"}, `unknown fork "Berlin"`},
		{[]string{"run", "--fork", "", "00"}, "unknown fork"},
		{[]string{"run", "--gas", "lots", "00"}, `invalid value "lots" for flag -gas`},
		{[]string{"run", "--gas", "-1", "00"}, "-gas"},
		{[]string{"run", "--bogus", "00"}, "flag provided but not defined: -bogus"},
		{[]string{"run", "00", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"run", "--input", "123", "00"}, "--input: odd number"},
		{[]string{"run", "--input", "0xgg", "00"}, "--input: invalid hex"},
		{[]string{"run", "--sender", "0x12", "00"}, "--sender: address must be 20 bytes"},
		{[]string{"run", "--receiver", "xyz", "00"}, "--receiver: odd number"},
		{[]string{"run", "--value", "-1", "00"}, "--value: invalid number"},
		{[]string{"run", "--value", "ten", "00"}, "--value: invalid number"},
		{[]string{"run", "--value", "0x1" + strings.Repeat("0", 64), "00"}, "exceeds 256 bits"},
		{[]string{"run", "--code-file", missing}, "reading code"},
		{[]string{"run", "--code-file", codeFile}, "invalid hex character"},
		{[]string{"run", "--code-file", codeFile, "00"}, "not both"},
		{[]string{"run", "--gas"}, "flag needs an argument"},
		{[]string{"statetest"}, "missing PATH"},
		{[]string{"statetest", missing}, "no such file"},
		{[]string{"statetest", "--fork", "Frontier", "testdata"}, `unknown fork "Frontier"`},
		{[]string{"statetest", "--run", "(", "testdata"}, "--run: error parsing regexp"},
		{[]string{"statetest", "-j", "-1", "testdata"}, "-j: must not be negative"},
		{[]string{"statetest", "-j", "many", "testdata"}, "invalid value"},
		{[]string{"statetest", "--bogus", "testdata"}, "flag provided but not defined"},
		{[]string{"statetest", malformed}, "invalid state-test JSON"},
		{[]string{"statetest", wrongShape}, "invalid state-test JSON"},
	}
	for _, tt := range tests {
		code, stdout, stderr := hyvmc(t, tt.args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tt.args, code, exitUsage, stderr)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: stderr %q, want one line containing %q", tt.args, stderr, tt.want)
		}
		// A broken fixture still gets the summary of the files that ran.
		if stdout != "" && stdout != "0 passed, 0 failed\n" {
			t.Errorf("%q: stdout %q, want nothing", tt.args, stdout)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"run", "-h"}, {"run", "--help"}, {"statetest", "-h"}} {
		code, stdout, stderr := hyvmc(t, args...)
		if code != exitOK || !strings.HasPrefix(stdout, "Usage: hyvmc") || stderr != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	_, stdout, _ := hyvmc(t, "run", "-h")
	for _, flag := range []string{"-mode", "-input", "-gas", "-value", "-sender", "-receiver", "-fork", "-json", "-trace", "-code-file"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("run -h does not mention %s", flag)
		}
	}
}
