package amd64

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// TestAssembleError checks that golang-asm's complaints, panics and the
// mistakes it would assemble silently come back as errors, and that nothing
// is printed on the way.
func TestAssembleError(t *testing.T) {
	ax, none := Reg(x86.REG_AX), obj.Addr{}
	errBuild := errors.New("build failed")
	cases := []struct {
		name, want string
		build      func(b *Builder) error
	}{
		{"imm64 operand", "invalid instruction: 00000 ADDQ $1099511627776, AX", func(b *Builder) error {
			b.Inst(x86.AADDQ, Imm(1<<40), ax)
			return nil
		}},
		{"two diagnostics", "MOVQ (AX), (BX) (and 1 more)", func(b *Builder) error {
			b.Inst(x86.AMOVQ, Mem(x86.REG_AX, 0), Mem(x86.REG_BX, 0))
			b.Inst(x86.AMOVQ, Mem(x86.REG_AX, 0), Mem(x86.REG_BX, 0))
			return nil
		}},
		{"panic", "panic: runtime error", func(b *Builder) error { // an opcode past its tables
			b.Inst(x86.ALAST+1, ax, ax)
			return nil
		}},
		{"branch without target", "JMP 0(PC): branch without target", func(b *Builder) error {
			b.Jump(obj.AJMP, nil)
			return nil
		}},
		{"sign-extended imm32", "ANDQ $4294967295, AX: constant in [2^31, 2^32)", func(b *Builder) error {
			b.Inst(x86.AANDQ, Imm(0xFFFFFFFF), ax)
			return nil
		}},
		{"POPQ operand in From", "POPQ AX: lone operand in the wrong slot", func(b *Builder) error {
			b.Inst(x86.APOPQ, ax, none)
			return nil
		}},
		{"empty", "empty program", func(*Builder) error { return nil }},
		{"build error", errBuild.Error(), func(*Builder) error { return errBuild }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			printed := captureStdout(t, func() { _, err = Assemble(c.build) })
			if err == nil || !strings.HasPrefix(err.Error(), "amd64: assemble: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want amd64: assemble: ...%s...", err, c.want)
			}
			if printed != "" {
				t.Fatalf("printed %q", printed)
			}
		})
	}
	if _, err := Assemble(func(*Builder) error { return errBuild }); !errors.Is(err, errBuild) {
		t.Fatalf("build error not wrapped: %v", err)
	}
}

// captureStdout returns what f wrote to os.Stdout.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	f()
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
