package blocks

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkJumpDests scans the testdata contracts' runtime code: all the
// analysis a fresh contract costs the interpreter before it runs.
func BenchmarkJumpDests(b *testing.B) {
	files, _ := filepath.Glob("../testdata/contracts/build/*.runtime.bin")
	if len(files) == 0 {
		b.Fatal("no runtime code in ../testdata/contracts/build")
	}
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		code, err := hex.DecodeString(strings.TrimSpace(string(text)))
		if err != nil {
			b.Fatalf("%s: %v", file, err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(file), ".runtime.bin"), func(b *testing.B) {
			b.SetBytes(int64(len(code)))
			b.ReportAllocs()
			for b.Loop() {
				JumpDests(code)
			}
		})
	}
}
