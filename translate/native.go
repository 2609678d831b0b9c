package translate

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/twitchyliquid64/golang-asm/obj"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

// The machine-code tier: a program's blocks lowered to amd64 by
// lower_native.go, run through the exit protocol of abi.go. A native
// program is made from a closure program's blocks: each block's IR is
// lowered twice, to closures (what Go runs when the machine code exits for
// an instruction it does not inline) and to machine code, so both halves
// render the same IR and share the frame. Machine code lives outside the Go
// heap (translate/amd64) and is unmapped when the program is collected.

// errNoNative says this build cannot run machine code.
var errNoNative = errors.New("translate: no machine-code tier on this platform")

// nativeProgram is a program compiled to machine code, immutable once made
// and shared by every goroutine running it.
type nativeProgram struct {
	code  *amd64.Code
	entry uintptr
	// sites are the places machine code leaves to Go and resumes: what Go
	// runs there and where it re-enters (ExitState.Site indexes them).
	sites []exitSite
	// jumps holds, for every offset of the code, the address of the block
	// starting at that JUMPDEST, 0 elsewhere: the dynamic jump's table,
	// read by machine code at its address.
	jumps []uintptr
}

// exitSite is one place machine code exits to Go.
type exitSite struct {
	ops    []opFn  // the closures Go runs (ExitCallGo)
	resume uintptr // where the code continues
}

// yieldEvery is how many jumps machine code takes before it returns to Go
// for a moment: native code is not preemptible, so a long loop must let
// the scheduler and the garbage collector in.
const yieldEvery = 1 << 16

// nativeState is what a program keeps of its machine code: made once, on
// the first run of a TierAMD64 program or when a promoted TierAuto one has
// run after gas; err is why there is none (then it runs as closures).
type nativeState struct {
	once sync.Once
	prog atomic.Pointer[nativeProgram]
	err  error
	// after is, for a program of TierAuto, the gas it runs as closures
	// before it is compiled (0: never); heat is the gas run so far, runs
	// the runs that ended; started, that a run set out to compile it.
	after   uint64
	heat    atomic.Uint64
	runs    atomic.Uint64
	started atomic.Bool
}

// DefaultNativeAfter is the default Options.NativeAfter: gas per byte of
// code. Compiling costs about 4 µs per byte of code and machine code saves
// about 2-3 ns per unit of gas over closures on the main suite, so a
// program repays its compilation after about 1,500 gas per byte.
const DefaultNativeAfter = 2000

// nativeThreshold returns the gas after which a program of n bytes is
// compiled, for Options.NativeAfter perByte (0: never).
func nativeThreshold(perByte, n int) uint64 {
	switch {
	case perByte < 0 || !amd64.Supported:
		return 0
	case perByte == 0:
		perByte = DefaultNativeAfter
	}
	return uint64(perByte) * uint64(max(n, 1))
}

// machineCode returns p's machine code, compiling it on first use; nil
// when it cannot be made, and the program runs as closures.
func (p *Program) machineCode() *nativeProgram {
	if n := p.nat.prog.Load(); n != nil {
		return n
	}
	p.nat.once.Do(func() {
		n, err := p.compileNative()
		p.nat.err = err
		if n != nil {
			p.nat.prog.Store(n)
		}
	})
	return p.nat.prog.Load()
}

// runHeating runs a closure program that moves to machine code once it is
// hot: the gas each run uses is its heat, and the first run to end past
// the threshold compiles it for the next ones, unless it is the program's
// first run (code run once, however long, never pays for compiling).
func (p *Program) runHeating(f *Frame) ([]byte, error) {
	if n := p.nat.prog.Load(); n != nil {
		return n.run(p, f)
	}
	gas := f.Gas
	out, err := p.runBlocks(f, p.entryBlock())
	heat := p.nat.heat.Add(gas - f.Gas)
	if runs := p.nat.runs.Add(1); runs > 1 && heat >= p.nat.after && p.nat.started.CompareAndSwap(false, true) {
		p.machineCode()
	}
	return out, err
}

// NativeErr returns why a TierAMD64 program runs without machine code (nil
// while it has it or has not run yet).
func (p *Program) NativeErr() error { return p.nat.err }

// CompileNative compiles a TierAMD64 program to machine code now, as its
// first run would (for warming up and measuring), and returns why it
// could not.
func (p *Program) CompileNative() error {
	if p.tier != TierAMD64 || p.traced {
		return fmt.Errorf("translate: a %v program is not compiled to machine code", p.tier)
	}
	if p.machineCode() == nil {
		return p.nat.err
	}
	return nil
}

// compileNative lowers every block of p to machine code: the code is swept
// from its start, each block starting where the previous one ended, so
// every JUMPDEST starts one and a fallthrough needs no jump.
func (p *Program) compileNative() (n *nativeProgram, err error) {
	if !amd64.Supported {
		return nil, errNoNative
	}
	defer func() {
		if r := recover(); r != nil { // a lowering fault must not escape
			n, err = nil, fmt.Errorf("%w: compiling machine code: %v", ErrInternal, r)
		}
	}()
	n = &nativeProgram{jumps: make([]uintptr, len(p.code))}
	g := nativeGen{p: p, n: n, starts: make(map[uint32]*obj.Prog), placed: make(map[uint32]bool)}
	if p.guest {
		// The 0x5b bytes that are not PUSH data: the sweep starts a block
		// one past each, where a jump to it lands.
		g.guestDests = blocks.JumpDests(p.code)
	}
	machine, err := amd64.Assemble(g.lowerProgram)
	if err != nil {
		return nil, fmt.Errorf("translate: machine code of %d bytes: %w", len(p.code), err)
	}
	code, err := amd64.NewCode(machine)
	if err != nil {
		return nil, fmt.Errorf("translate: machine code of %d bytes: %w", len(p.code), err)
	}
	n.code = code
	base := code.Addr()
	n.entry = base + uintptr(g.entry.Pc)
	for pc, l := range g.starts {
		switch {
		case !p.guest && p.jumpDests.Has(uint64(pc)):
			n.jumps[pc] = base + uintptr(l.Pc)
		case p.guest && pc > 0 && g.guestDests.Has(uint64(pc-1)):
			n.jumps[pc-1] = base + uintptr(l.Pc) // a guest's jump to pc-1 lands at pc
		}
	}
	n.sites = make([]exitSite, len(g.sites))
	for i, s := range g.sites {
		n.sites[i] = exitSite{ops: g.ops[s.block][s.instr : s.instr+s.n], resume: base + uintptr(s.resume.Pc)}
	}
	return n, nil
}

// run runs the frame in machine code until it halts: Go's side of the
// exit protocol. p is the program n was compiled from, where a guest goes
// on in closures after a jump machine code leaves to it.
func (n *nativeProgram) run(p *Program, f *Frame) ([]byte, error) {
	at := n.entry
	for {
		// Converted in the call itself: Enter is assembly, so f stays
		// alive and in place while it runs (unsafe.Pointer rule 4).
		amd64.Enter(at, uintptr(unsafe.Pointer(f)), 0)
		switch f.exit.Code {
		case ExitCallGo:
			s := &n.sites[f.exit.Site]
			for _, op := range s.ops {
				if err := op(f); err != nil {
					return nil, err
				}
			}
			at = s.resume
		case ExitYield:
			runtime.Gosched()
			at = n.sites[f.exit.Site].resume
		case ExitGuestJump:
			runtime.KeepAlive(n)
			return p.guestJumpFromNative(f)
		case ExitGuestEnter:
			runtime.KeepAlive(n)
			t, _ := p.guestAt(f.exit.PC)
			return p.runBlocks(f, t)
		default:
			runtime.KeepAlive(n)
			return f.exitOutcome()
		}
	}
}

// nativeBlock is what the sweep keeps of a block while lowering it.
type nativeBlock struct {
	head blockHead
	last blocks.Instr // the block's last instruction (an invalid one's pc)
}

// lowerProgram lowers every block of p into b (the sweep of compileNative).
func (g *nativeGen) lowerProgram(b *amd64.Builder) error {
	g.b = b
	g.halts = [exitCodeCount]*obj.Prog{}
	sc := getScratch()
	defer scratchPool.Put(sc)
	g.entry = g.resumePoint(nil)
	var empties []blockHead
	for pc := uint32(0); int(pc) < len(g.p.code); {
		var code blockCode
		var src blocks.Block
		if g.p.guest {
			src = g.p.translateGuestAt(pc, &code, sc)
		} else {
			src, _ = g.p.translateAt(pc, &code, sc)
		}
		nb := nativeBlock{head: code.blockHead, last: src.Instrs[len(src.Instrs)-1]}
		g.ops = append(g.ops, code.ops)
		pc = src.End
		if len(sc.ir.instrs) == 0 && nb.head.term == blocks.Fallthrough && int(pc) < len(g.p.code) {
			empties = append(empties, nb.head) // lowered with the block it falls into
			continue
		}
		if err := g.lowerBlock(uint32(len(g.ops)-1), &nb, &sc.ir, empties); err != nil {
			return err
		}
		empties = empties[:0]
	}
	if g.p.guest {
		// Past the end HyVM runs STOP, which it charges.
		end := uint32(len(g.p.code))
		g.ops = append(g.ops, nil)
		nb := nativeBlock{head: blockHead{gas: blocks.HyVMStopGas, term: blocks.Stop, start: end, end: end}}
		if err := g.lowerBlock(uint32(len(g.ops)-1), &nb, &irBlock{}, nil); err != nil {
			return err
		}
	}
	for pc := range g.starts {
		if !g.placed[pc] {
			return fmt.Errorf("translate: a jump to %d, where no block was lowered", pc)
		}
	}
	g.emitHalts()
	return nil
}
