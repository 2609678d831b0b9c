package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBench(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := hyvmc(t, "bench", "--time", "10ms", "--run", "micro/signextend", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	want := []string{
		"benchmark hyvm ns/op geth ns/op hyvm allocs/op geth/hyvm",
		"micro/signextend/one",
		"micro/signextend/zero",
		"",
		"geomean cases hyvm ns/op geth ns/op geth/hyvm",
		"micro 2",
	}
	if len(lines) != len(want) {
		t.Fatalf("stdout:\n%s", stdout)
	}
	for i, w := range want {
		if got := strings.Join(strings.Fields(lines[i]), " "); !strings.HasPrefix(got, w) {
			t.Errorf("line %d = %q, want it to start with %q", i, got, w)
		}
	}
	// Progress: a check per case, then a timing per case and engine.
	if !strings.HasPrefix(stderr, "[1/6] check micro/signextend/one\n") || !strings.HasSuffix(stderr, "[6/6] micro/signextend/zero geth\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
	for _, name := range []string{"bench.md", "bench.svg"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "signextend/one") {
			t.Errorf("%s does not name the cases:\n%s", name, data)
		}
	}
}

func TestBenchBadInput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--time", "0"},
		{"--time", "soon"},
		{"--count", "0"},
		{"--engines", "hyvm,evmone"},
		{"--engines", "hyvm,hyvm"},
		{"--engines", ""},
		{"--run", "("},
		{"--run", "no such case"},
		{"--suite", filepath.Join(file, "missing")},
		{"--contracts", file},
		{"--out", filepath.Join(file, "dir"), "--run", "signextend"},
		{"--no-such-flag"},
		{"extra"},
		{"--engines", "hyvm-aot,geth", "--run", "signextend"}, // built without -tags hyvmaot
	} {
		code, stdout, stderr := hyvmc(t, append([]string{"bench"}, args...)...)
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, "hyvmc bench: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and one line", args, code, stdout, stderr, exitUsage)
		}
		if args[0] == "--engines" && strings.HasPrefix(args[1], "hyvm-aot") && !strings.Contains(stderr, "-tags hyvmaot") {
			t.Errorf("hyvm-aot without the hyvmaot tag: %q does not say how to get it", stderr)
		}
	}
}

func TestBenchHelp(t *testing.T) {
	code, stdout, stderr := hyvmc(t, "bench", "-h")
	if code != exitOK || !strings.HasPrefix(stdout, "Usage: hyvmc bench") || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, flag := range []string{"-run", "-time", "-count", "-suite", "-contracts", "-out", "-engines"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("bench -h does not mention %s", flag)
		}
	}
}

// A benchmark go-ethereum cannot run is a failure, before any timing.
func TestBenchReferenceFails(t *testing.T) {
	suite := t.TempDir()
	for _, dir := range []string{"main", "micro"} {
		fixture := `{"invalid": {"pre": {"0xbe7c43a580000000000000000000000000000001": {"code": "0xfe"}},
			"transaction": {"to": "0xbe7c43a580000000000000000000000000000001", "data": ["0x"], "gasLimit": ["0x186a0"]}}}`
		if err := os.MkdirAll(filepath.Join(suite, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(suite, dir, "invalid.json"), []byte(fixture), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := hyvmc(t, "bench", "--suite", suite, "--time", "10ms", "--run", "^main/")
	want := "hyvmc bench: bench: main/invalid/0: go-ethereum failed: invalid opcode: INVALID\n"
	if code != exitFailed || stdout != "" || !strings.HasSuffix(stderr, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, exitFailed, want)
	}
}
