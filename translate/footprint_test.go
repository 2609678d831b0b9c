package translate

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// liveHeap returns the bytes of live heap objects, after collecting.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// contractCodes returns the runtime bytecode of the Solidity contracts in
// testdata.
func contractCodes(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../testdata/contracts/build/*.runtime.bin")
	if err != nil || len(files) == 0 {
		t.Fatalf("no contracts in ../testdata/contracts/build: %v", err)
	}
	codes := map[string][]byte{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		code, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		codes[strings.TrimSuffix(filepath.Base(file), ".runtime.bin")] = code
	}
	return codes
}

// buildAllGuest builds every block a run of the guest could start at
// instruction boundaries or after a JUMPDEST: what a thorough run keeps.
func buildAllGuest(g *Program) {
	for pc := uint32(0); int(pc) < len(g.code); {
		b, _ := g.guestAt(pc)
		if b.end > pc {
			pc = b.end
		} else { // a policy-checked instruction ends its block after itself
			pc++
		}
	}
	for pc, c := range g.code {
		if c == byte(blocks.JUMPDEST) {
			g.guestAt(uint32(pc) + 1)
		}
	}
}

// TestFootprintTracksHeap translates real contracts completely, in every
// mode, many times over, and compares what the programs say they retain
// with the growth of the live heap: the estimate must be close, so that a
// cache bounded by it bounds memory.
func TestFootprintTracksHeap(t *testing.T) {
	codes := contractCodes(t)
	modes := map[string]func(code []byte) *Program{
		"evm": func(code []byte) *Program {
			p, err := CompileCode(code, blocks.Latest, Options{})
			if err != nil {
				t.Fatal(err)
			}
			p.TranslateAll()
			return p
		},
		"traced": func(code []byte) *Program {
			p, err := CompileCode(code, blocks.Latest, Options{PerInstructionGas: true})
			if err != nil {
				t.Fatal(err)
			}
			p.TranslateAll()
			return p
		},
		"hyvm": func(code []byte) *Program {
			p := CompileHyVM(code, blocks.Latest, Options{})
			buildAllGuest(p)
			return p
		},
	}
	const copies = 20
	for mode, build := range modes {
		var estimated, measured int64
		for name, code := range codes {
			keep := make([]*Program, copies)
			before := liveHeap()
			for i := range keep {
				keep[i] = build(code)
			}
			grown := int64(liveHeap() - before)
			var est int64
			for _, p := range keep {
				est += p.Retained()
			}
			t.Logf("%s %s (%d bytes): %.1f bytes retained per code byte, heap grew %.1f",
				mode, name, len(code), float64(est)/copies/float64(len(code)), float64(grown)/copies/float64(len(code)))
			estimated += est
			measured += grown
			runtime.KeepAlive(keep)
		}
		ratio := float64(estimated) / float64(measured)
		t.Logf("%s: estimated / measured = %.2f", mode, ratio)
		if ratio < 0.85 || ratio > 1.3 {
			t.Errorf("%s: programs say they retain %d bytes, the heap grew %d (ratio %.2f, want 0.85-1.3)",
				mode, estimated, measured, ratio)
		}
	}
}

// TestAllocSize checks the size classes against the allocator.
func TestAllocSize(t *testing.T) {
	for _, n := range []int{16, 17, 33, 100, 1000, 1024, 1025, 5000, 20000, 40000} {
		// The least of a few tries: other goroutines may allocate too.
		got := int64(1 << 62)
		for range 3 {
			got = min(got, allocated(n))
		}
		if got != allocSize(n) {
			t.Errorf("allocSize(%d) = %d, the allocator gives %d", n, allocSize(n), got)
		}
	}
	for n := 1; n <= 2*smallestSizes; n++ { // the table agrees with the search
		i := 0
		for sizeClasses[i] < n {
			i++
		}
		if allocSize(n) != int64(sizeClasses[i]) {
			t.Fatalf("allocSize(%d) = %d, want %d", n, allocSize(n), sizeClasses[i])
		}
	}
}

// allocated returns the bytes the allocator takes for an n-byte slice.
func allocated(n int) int64 {
	const count = 200
	keep := make([][]byte, count)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range keep {
		keep[i] = make([]byte, n)
	}
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return int64(after.TotalAlloc-before.TotalAlloc) / count
}

// pushDataGuest returns a HyVM guest of about size bytes that jumps, one
// after the other, to every 0x5b inside the PUSH data of its body, which
// is made of PUSH1 0x5b; POP units: each landing resumes at a POP and runs
// straight-line code to the end of its segment, so that every landing
// builds blocks of its own (they start at offsets no other run starts at).
// It stops with no output.
func pushDataGuest(size int) []byte {
	// 0: PUSH3 first        the target counter t, kept on the stack
	// 4: JUMPDEST           the return point of every landing
	// 5: DUP1 PUSH3 last GT PUSH1 15 JUMPI STOP
	// 15: JUMPDEST DUP1 PUSH1 3 ADD SWAP1 PUSH1 4 SWAP1 PUSH1 0 SWAP1 JUMP
	//                       to t, with t+3, the return point and a word to pop below it
	c := []byte{0x62, 0, 0, 0, 0x5b, 0x80, 0x62, 0, 0, 0, 0x11, 0x60, 15, 0x57, 0x00,
		0x5b, 0x80, 0x60, 3, 0x01, 0x90, 0x60, 4, 0x90, 0x60, 0, 0x90, 0x56}
	first := len(c) + 1
	last := first
	for len(c) < size {
		for seg := 0; seg < 600 && len(c) < size-3; seg += 3 {
			c = append(c, 0x60, 0x5b, 0x50) // PUSH1 0x5b POP
		}
		// JUMP back, then a unit whose 0x5b keeps the stride of 3.
		c = append(c, 0x56, 0x5b, 0x50)
		last = len(c) - 2
	}
	c[1], c[2], c[3] = byte(first>>16), byte(first>>8), byte(first)
	c[7], c[8], c[9] = byte(last>>16), byte(last>>8), byte(last)
	return c
}

// runFrame runs p in a fresh frame with gas, returning a copy of its output
// and the gas left.
func runFrame(p *Program, code []byte, gas uint64) ([]byte, uint64, error) {
	f := new(Frame)
	f.Reset(&Env{Fork: blocks.Latest}, 1)
	f.Gas, f.Code = gas, code
	out, err := p.Run(f)
	return bytes.Clone(out), f.Gas, err
}

// TestPushDataGuestRetainsLittle runs, cold, a guest that jumps into its
// PUSH data at every 0x5b: each landing builds blocks no other run shares.
// Before per-program budgets it retained about 2,300 bytes per guest byte;
// now what it retains, counted and measured on the heap, stays within the
// budget of RetainPerCodeByte per byte (plus RetainBase).
func TestPushDataGuestRetainsLittle(t *testing.T) {
	guest := pushDataGuest(30_000)
	budget := retainBudget(len(guest))
	before := liveHeap()
	p := CompileHyVM(guest, blocks.Latest, Options{})
	_, left, err := runFrame(p, nil, 1<<40)
	if err != nil {
		t.Fatalf("guest failed: %v", err)
	}
	grown := int64(liveHeap() - before)
	perByte := float64(grown) / float64(len(guest))
	t.Logf("%d-byte guest, %d gas: retains %d bytes (%.1f per guest byte), heap grew %d (%.1f per byte); budget %d",
		len(guest), 1<<40-left, p.Retained(), float64(p.Retained())/float64(len(guest)), grown, perByte, budget)
	if p.Retained() > budget {
		t.Errorf("the guest retains %d bytes, over its budget %d", p.Retained(), budget)
	}
	if limit := float64(budget) * 1.2; float64(grown) > limit {
		t.Errorf("the heap grew %d bytes (%.0f per guest byte), want at most %.0f", grown, perByte, limit)
	}
	runtime.KeepAlive(p)
}

// budgetCases are programs with loops, merged JUMPDEST runs, static and
// dynamic jumps and code after JUMPIs, as EVM code, and as HyVM guests (the
// same bytes: their jumps land on JUMPDESTs).
var budgetCases = map[string]string{
	// lazy_test.go's loop: returns 0x2a.
	"loop": "6028" + "5b5b5b" + "6001900380601757" + "602a60005260206000f3" + "5b6002805056",
	// Counts 300 down through two JUMPDEST runs and a dynamic jump, then
	// returns the counter's last value with the gas left (GAS) mixed in.
	"loop2": "61012c" + "5b5b" + "600190038060" + "17" + "57" + "5a18" + "600052" + "60206000f3" +
		"5b5b5b" + "6003805056",
}

// TestRunWithoutKeeping runs programs whose budget is spent from the start,
// so that no block is kept, and checks that they behave exactly as fully
// cached ones: same output, same gas, traced and not, EVM and HyVM.
func TestRunWithoutKeeping(t *testing.T) {
	guests := map[string][]byte{"push-data": pushDataGuest(3000)}
	for name, h := range budgetCases {
		code, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		guests[name] = code
		for _, traced := range []bool{false, true} {
			compile := func() *Program {
				p, err := CompileCode(code, blocks.Latest, Options{PerInstructionGas: traced})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			full, starved := compile(), compile()
			starved.Attach(NewLedger(1, 1<<62, nil))
			base := starved.Retained()
			compareRuns(t, name, code, full, starved)
			if traced {
				// The traced path keeps each block's instruction list (one
				// per block start, so linear in the code) whatever the budget.
				continue
			}
			if starved.Retained() != base {
				t.Errorf("%s: a program with no budget kept %d bytes of blocks", name, starved.Retained()-base)
			}
		}
	}
	for name, guest := range guests {
		full, starved := CompileHyVM(guest, blocks.Latest, Options{}), CompileHyVM(guest, blocks.Latest, Options{})
		starved.Attach(NewLedger(1, 1<<62, nil))
		base := starved.Retained()
		compareRuns(t, "hyvm "+name, nil, full, starved)
		if starved.Retained() != base {
			t.Errorf("hyvm %s: a program with no budget kept %d bytes of blocks", name, starved.Retained()-base)
		}
	}
}

// compareRuns runs full and starved twice each (cold, then warm) and
// checks that every run has the same outcome.
func compareRuns(t *testing.T, name string, code []byte, full, starved *Program) {
	t.Helper()
	const gas = 1 << 32
	wantOut, wantLeft, wantErr := runFrame(full, code, gas)
	if wantErr != nil {
		t.Fatalf("%s: %v", name, wantErr)
	}
	for i, p := range []*Program{full, starved, starved} {
		out, left, err := runFrame(p, code, gas)
		if err != nil || !bytes.Equal(out, wantOut) || left != wantLeft {
			t.Errorf("%s run %d: out %x gas left %d err %v; want out %x gas left %d", name, i, out, left, err, wantOut, wantLeft)
		}
	}
}

// TestLedgerFollowsPrograms checks that a ledger is charged what its
// programs retain as they build blocks concurrently, and nothing more once
// they are detached, even if they keep building.
func TestLedgerFollowsPrograms(t *testing.T) {
	var overCalls atomic.Int32
	l := NewLedger(0, 1<<62, func() { overCalls.Add(1) })
	var progs []*Program
	var builds []func()
	for _, code := range contractCodes(t) {
		p, err := CompileCode(code, blocks.Latest, Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := CompileHyVM(code, blocks.Latest, Options{})
		progs = append(progs, p, g)
		builds = append(builds, p.TranslateAll, func() { buildAllGuest(g) })
	}
	for _, p := range progs {
		p.Attach(l)
	}
	sum := func(progs []*Program) (n int64) {
		for _, p := range progs {
			n += p.Retained()
		}
		return n
	}
	if l.Bytes() != sum(progs) {
		t.Fatalf("ledger %d after attaching, programs retain %d", l.Bytes(), sum(progs))
	}
	// Build every block from several goroutines at once, detaching half
	// of the programs while they grow.
	var wg sync.WaitGroup
	for range 4 {
		for _, build := range builds {
			wg.Go(build)
		}
	}
	for _, p := range progs[:len(progs)/2] {
		p.Detach()
	}
	wg.Wait()
	if attached := sum(progs[len(progs)/2:]); l.Bytes() != attached {
		t.Fatalf("ledger %d, the attached programs retain %d", l.Bytes(), attached)
	}
	for _, p := range progs {
		p.Detach()
	}
	if l.Bytes() != 0 {
		t.Fatalf("ledger %d with every program detached", l.Bytes())
	}
	if n := overCalls.Load(); n != 0 {
		t.Fatalf("over called %d times under an unreachable limit", n)
	}
}

// TestLedgerCallsOver checks that growth past the limit calls over, so a
// cache can evict before its next lookup.
func TestLedgerCallsOver(t *testing.T) {
	code := contractCodes(t)["Pair"]
	calls := 0
	p, err := CompileCode(code, blocks.Latest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := NewLedger(0, p.Retained()+1, func() { calls++ })
	p.Attach(l)
	if calls != 0 {
		t.Fatalf("over called on attach")
	}
	p.TranslateAll()
	if calls == 0 {
		t.Fatalf("ledger grew to %d past its limit %d without calling over", l.Bytes(), p.Retained()+1)
	}
}

// TestGuestBlockEndsAtPublishedBlock checks that a HyVM block stops where
// a published block starts, rather than translating its code again, and
// that no block keeps more than hvMaxInstrs instructions.
func TestGuestBlockEndsAtPublishedBlock(t *testing.T) {
	// 100 × (PUSH1 1 POP): one straight run, no JUMPDEST.
	guest := bytes.Repeat([]byte{0x60, 0x01, 0x50}, 100)
	g := CompileHyVM(guest, blocks.Latest, Options{})
	later, _ := g.guestAt(30)
	if want := uint32(30 + hvMaxInstrs/2*3); later.end != want {
		t.Errorf("block at 30 ends at %d, want %d after the cap of %d instructions", later.end, want, hvMaxInstrs)
	}
	first, _ := g.guestAt(0)
	if first.end != 30 || first.gas != 10*(guestGas(blocks.PUSH1)+guestGas(blocks.POP)) {
		t.Errorf("block at 0 ends at %d with gas %d, want 30 and the gas of 10 PUSH1 POP (where the block at 30 starts)", first.end, first.gas)
	}
}
