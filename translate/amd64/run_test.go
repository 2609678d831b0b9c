//go:build linux && amd64

package amd64

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// testFrame stands in for the caller's Frame object: DI points at it.
type testFrame struct {
	a, b, c, d uint64
	table      [2]uintptr
}

var (
	rAX, rCX, rDI, rSI = Reg(x86.REG_AX), Reg(x86.REG_CX), Reg(x86.REG_DI), Reg(x86.REG_SI)
	none               obj.Addr
)

func ret(b *Builder) *obj.Prog { return b.Inst(obj.ARET, none, none) }

// sumTo emits f.b = f.a + (f.a-1) + ... + 1: a forward Jump out of the loop
// and a backward Jump to a Label.
func sumTo(b *Builder) {
	b.Inst(x86.AMOVQ, Mem(x86.REG_DI, 0), rCX)
	b.Inst(x86.AXORL, rAX, rAX)
	top := b.Label()
	b.Inst(x86.ATESTQ, rCX, rCX)
	exit := b.Jump(x86.AJEQ, nil)
	b.Inst(x86.AADDQ, rCX, rAX)
	b.Inst(x86.ADECQ, none, rCX)
	b.Jump(obj.AJMP, top)
	exit.To.SetTarget(b.Label())
	b.Inst(x86.AMOVQ, rAX, Mem(x86.REG_DI, 8))
	ret(b)
}

// runCode assembles build, maps it and enters it at the Prog build returns
// (nil: the first byte) with f in DI and in SI what resume returns for the
// mapped code (resume may also fill f from it).
func runCode(f *testFrame, build func(b *Builder) *obj.Prog, resume func(c *Code) uintptr) error {
	var entry *obj.Prog
	machine, err := Assemble(func(b *Builder) error { entry = build(b); return nil })
	if err != nil {
		return err
	}
	c, err := NewCode(machine)
	if err != nil {
		return err
	}
	at, si := c.Addr(), uintptr(0)
	if entry != nil {
		at += uintptr(entry.Pc)
	}
	if resume != nil {
		si = resume(c)
	}
	Enter(at, uintptr(unsafe.Pointer(f)), si)
	return c.Free() // which also keeps c alive while it runs
}

func mustRun(t *testing.T, f *testFrame, build func(b *Builder) *obj.Prog, resume func(c *Code) uintptr) {
	t.Helper()
	if err := runCode(f, build, resume); err != nil {
		t.Fatal(err)
	}
}

func TestAssembleAndRun(t *testing.T) {
	t.Run("store", func(t *testing.T) {
		var f testFrame
		mustRun(t, &f, func(b *Builder) *obj.Prog {
			b.Inst(x86.AMOVQ, Imm(42), Mem(x86.REG_DI, 8))
			b.Inst(x86.AMOVQ, rSI, Mem(x86.REG_DI, 16))
			b.Inst(x86.AMOVQ, Imm(-1<<63), rAX) // a 64-bit immediate
			b.Inst(x86.AMOVQ, rAX, Mem(x86.REG_DI, 24))
			ret(b)
			return nil
		}, func(*Code) uintptr { return 0xC0DE })
		if f.b != 42 || f.c != 0xC0DE || f.d != 1<<63 {
			t.Fatalf("frame = %+v", f)
		}
	})
	t.Run("loop", func(t *testing.T) {
		f := testFrame{a: 100}
		mustRun(t, &f, func(b *Builder) *obj.Prog { sumTo(b); return nil }, nil)
		if f.b != 5050 {
			t.Fatalf("sum = %d, want 5050", f.b)
		}
	})
	t.Run("entry at Pc", func(t *testing.T) {
		var f testFrame
		mustRun(t, &f, func(b *Builder) *obj.Prog {
			b.Inst(x86.AMOVQ, Imm(1), Mem(x86.REG_DI, 8))
			ret(b)
			second := b.Inst(x86.AMOVQ, Imm(2), Mem(x86.REG_DI, 16))
			ret(b)
			return second
		}, nil)
		if f.b != 0 || f.c != 2 {
			t.Fatalf("frame = %+v, want only the second part run", f)
		}
	})
	t.Run("jump table and resume", func(t *testing.T) {
		// An absolute jump table lives in Go memory, filled from p.Pc once
		// the code is mapped; so does the resume address passed in SI.
		for sel := range uint64(2) {
			f := testFrame{a: sel}
			var l0, l1, back *obj.Prog
			mustRun(t, &f, func(b *Builder) *obj.Prog {
				b.Inst(x86.AMOVQ, Mem(x86.REG_DI, 0), rCX)
				b.Inst(obj.AJMP, none, MemIndex(x86.REG_DI, x86.REG_CX, 8, 32))
				l0 = b.Inst(x86.AMOVQ, Imm(10), Mem(x86.REG_DI, 8))
				b.Inst(obj.AJMP, none, rSI)
				l1 = b.Inst(x86.AMOVQ, Imm(11), Mem(x86.REG_DI, 8))
				b.Inst(obj.AJMP, none, rSI)
				back = b.Inst(x86.AMOVQ, Imm(7), Mem(x86.REG_DI, 16))
				ret(b)
				return nil
			}, func(c *Code) uintptr {
				f.table = [2]uintptr{c.Addr() + uintptr(l0.Pc), c.Addr() + uintptr(l1.Pc)}
				return c.Addr() + uintptr(back.Pc)
			})
			if f.b != 10+sel || f.c != 7 {
				t.Fatalf("selector %d: frame = %+v", sel, f)
			}
		}
	})
	t.Run("local call and stack", func(t *testing.T) {
		// At entry only the return address separates SP from the saved BP
		// (Enter handed its whole frame over); the Call below is forward.
		var f testFrame
		mustRun(t, &f, func(b *Builder) *obj.Prog {
			b.Inst(x86.AMOVQ, Reg(x86.REG_BP), rAX)
			b.Inst(x86.ASUBQ, Reg(x86.REG_SP), rAX)
			b.Inst(x86.AMOVQ, rAX, Mem(x86.REG_DI, 8))
			sub := b.Prog() // a forward target: made now, added later
			sub.As, sub.From, sub.To = x86.AMOVQ, Imm(5), Mem(x86.REG_DI, 16)
			b.Call(sub)
			ret(b)
			b.Add(sub)
			for range StackBudget/8 - 1 { // the Call took 8 bytes
				b.Inst(x86.APUSHQ, rDI, none)
			}
			for range StackBudget/8 - 1 {
				b.Inst(x86.APOPQ, none, rDI)
			}
			ret(b)
			return nil
		}, nil)
		if f.b != 8 || f.c != 5 {
			t.Fatalf("frame = %+v, want BP-SP = 8 and the subroutine run", f)
		}
	})
}

// TestConcurrentAssemble assembles and runs from many goroutines at once
// (run it with -race): the assembler lock must keep golang-asm's shared
// tables consistent.
func TestConcurrentAssemble(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				n := uint64(g*50 + i)
				f := testFrame{a: n}
				err := runCode(&f, func(b *Builder) *obj.Prog { sumTo(b); return nil }, nil)
				if err != nil || f.b != n*(n+1)/2 {
					t.Errorf("sum to %d = %d, %v", n, f.b, err)
				}
			}
		})
	}
	wg.Wait()
}
