package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// arithFixture is a state-test file with one test per fork (Cancun, Prague,
// Osaka), copied from the ethereum/tests VMTests.
const arithFixture = "testdata/arith.json"

// tamper copies the fixture with the expected state root of the tests whose
// name contains match replaced, and returns the copy's path.
func tamper(t *testing.T, dir, match string) string {
	t.Helper()
	data, err := os.ReadFile(arithFixture)
	if err != nil {
		t.Fatal(err)
	}
	var tests map[string]map[string]any
	if err := json.Unmarshal(data, &tests); err != nil {
		t.Fatal(err)
	}
	for name, test := range tests {
		if !strings.Contains(name, match) {
			continue
		}
		for _, posts := range test["post"].(map[string]any) {
			for _, p := range posts.([]any) {
				p.(map[string]any)["hash"] = "0x" + strings.Repeat("ab", 32)
			}
		}
	}
	out, err := json.Marshal(tests)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tampered.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStateTest(t *testing.T) {
	dir := t.TempDir()
	tampered := tamper(t, dir, "fork_Prague")
	mixed := filepath.Join(t.TempDir(), "mixed")
	if err := os.MkdirAll(filepath.Join(mixed, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(arithFixture)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"a.json": data, "sub/b.json": data, "notes.txt": []byte("not a fixture")} {
		if err := os.WriteFile(filepath.Join(mixed, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		args  []string
		fails []string // substrings of the FAIL lines, in order
		last  string
		exit  int
	}{
		{"file", []string{arithFixture}, nil, "3 passed, 0 failed", exitOK},
		{"directory tree", []string{"-j", "1", mixed}, nil, "6 passed, 0 failed", exitOK},
		{"fork filter", []string{"--fork", "osaka", arithFixture}, nil, "1 passed, 0 failed", exitOK},
		{"name filter", []string{"--run", "fork_(Cancun|Osaka)", arithFixture}, nil, "2 passed, 0 failed", exitOK},
		{"nothing selected", []string{"--run", "nomatch", arithFixture}, nil, "0 passed, 0 failed", exitOK},
		{"flags after paths", []string{arithFixture, "-j", "2"}, nil, "3 passed, 0 failed", exitOK},
		{"failure", []string{tampered, arithFixture}, []string{"tampered.json: ", "[Prague #0]: state root: got"},
			"5 passed, 1 failed", exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := hyvmc(t, append([]string{"statetest"}, tt.args...)...)
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if code != tt.exit || stderr != "" || lines[len(lines)-1] != tt.last {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, last line %q", code, stdout, stderr, tt.exit, tt.last)
			}
			if got := len(lines) - 1; got != min(len(tt.fails), 1) {
				t.Fatalf("%d FAIL lines, want %d:\n%s", got, min(len(tt.fails), 1), stdout)
			}
			for _, want := range tt.fails {
				if !strings.HasPrefix(lines[0], "FAIL ") || !strings.Contains(lines[0], want) {
					t.Errorf("FAIL line %q does not contain %q", lines[0], want)
				}
			}
		})
	}
}

// TestStateTestBrokenFixture checks that a malformed file among good ones
// still lets the good ones run, then exits 2 with a one-line error.
func TestStateTestBrokenFixture(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(arithFixture)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "good.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := hyvmc(t, "statetest", dir)
	if code != exitUsage || stdout != "3 passed, 0 failed\n" {
		t.Errorf("exit %d, stdout %q; want %d and the good file's summary", code, stdout, exitUsage)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "bad.json") || !strings.Contains(stderr, "invalid state-test JSON") {
		t.Errorf("stderr %q, want one line naming bad.json", stderr)
	}
}
