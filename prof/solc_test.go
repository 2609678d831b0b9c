package prof_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/google/pprof/profile"

	"github.com/hyvm/hyvm/prof"
)

// compilation reads the build's standard-JSON output, the sources from
// the .sol files beside it.
func compilation(t *testing.T) *prof.Compilation {
	t.Helper()
	out, err := os.ReadFile(filepath.Join(contracts, "build", "standard-output.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := prof.ReadCompilation(out, func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(contracts, name))
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReadCompilation reads solc's standard-JSON output of the testdata
// contracts: the functions found in its ASTs are those compile.js found
// walking the same ASTs in JavaScript (sources.json, the generated sources'
// files), and each deployed contract's code, immutables filled in by its
// constructor, matches its contract; a byte changed matches none.
func TestReadCompilation(t *testing.T) {
	c := compilation(t)
	want := sources(t)
	if len(c.Files()) != len(want) {
		t.Fatalf("%d sources, want %d", len(c.Files()), len(want))
	}
	for i, f := range c.Files() {
		if f.ID != want[i].ID || f.Name != want[i].Name || !sameFunctions(f.Functions, want[i].Functions) {
			t.Errorf("source %d %s: %d functions, want source %d %s with %d", f.ID, f.Name, len(f.Functions), want[i].ID, want[i].Name, len(want[i].Functions))
		}
	}
	ex := deployExchange(t)
	for addr, name := range ex.names {
		m, got, ok := c.SourceMap(ex.code[addr])
		if !ok || got != name {
			t.Errorf("%s's code matched %q (%v), want %s", addr, got, ok, name)
			continue
		}
		// The compilation's map says what the build's files say of every pc.
		for pc := range ex.code[addr] {
			a, aok := m.At(uint64(pc))
			b, bok := ex.maps[addr].At(uint64(pc))
			if a != b || aok != bok {
				t.Fatalf("%s pc %d: %+v, the build's files say %+v", name, pc, a, b)
			}
		}
		changed := slices.Clone(ex.code[addr])
		changed[len(changed)/2] ^= 1
		if _, got, ok := c.SourceMap(changed); ok {
			t.Errorf("%s's code with a byte changed matched %s", name, got)
		}
	}
}

// sameFunctions compares two lists of functions in any order.
func sameFunctions(a, b []prof.Function) bool {
	key := func(fs []prof.Function) []string {
		var ks []string
		for _, f := range fs {
			b, _ := json.Marshal(f)
			ks = append(ks, string(b))
		}
		slices.Sort(ks)
		return ks
	}
	return slices.Equal(key(a), key(b))
}

// TestProfileCompilation profiles the swap with the compilation instead of
// per-address source maps: the same profile, its unmapped pcs named by
// contract.
func TestProfileCompilation(t *testing.T) {
	ex := deployExchange(t)
	byMaps, _ := ex.swap(prof.Options{SourceMaps: ex.maps, Names: ex.names})
	byCompilation, _ := ex.swap(prof.Options{Compilation: compilation(t)})
	if a, b := render(byCompilation.Profile()), render(byMaps.Profile()); a != b {
		t.Errorf("with the compilation:\n%s\nwith source maps:\n%s", a, b)
	}
}

// TestProfileByBlock attributes the swap to basic blocks: the same gas and
// instructions, every location the start of a block (the code's first
// byte, a JUMPDEST, the instruction after a JUMPI), fewer locations.
func TestProfileByBlock(t *testing.T) {
	ex := deployExchange(t)
	byPC, used := ex.swap(prof.Options{})
	byBlock, _ := ex.swap(prof.Options{ByBlock: true})
	if byBlock.Gas() != used {
		t.Errorf("by block: %d gas, the swap used %d", byBlock.Gas(), used)
	}
	pcs, blocks := byPC.Profile(), byBlock.Profile()
	if a, b := total(blocks, 1), total(pcs, 1); a != b {
		t.Errorf("by block: %d instructions, by pc %d", a, b)
	}
	if len(blocks.Location) >= len(pcs.Location) {
		t.Errorf("%d locations by block, %d by pc", len(blocks.Location), len(pcs.Location))
	}
	for _, l := range blocks.Location {
		code := ex.code[addressOf(t, l.Line[0].Function.Filename)]
		if !blockStart(code, l.Address) {
			t.Errorf("%s: pc %d starts no block", l.Line[0].Function.Name, l.Address)
		}
	}
}

// blockStart reports whether pc starts a basic block of code.
func blockStart(code []byte, pc uint64) bool {
	if pc == 0 || vm.OpCode(code[pc]) == vm.JUMPDEST {
		return true
	}
	for i := uint64(0); i < pc; i++ {
		op := vm.OpCode(code[i])
		next := i + 1
		if op.IsPush() {
			next += uint64(op - vm.PUSH0)
		}
		if next == pc {
			return op == vm.JUMPI
		}
		i = next - 1
	}
	return false
}

// TestProfileTime adds the time sample type: every instruction timed, or
// one in eight; gas and instructions as without it; no time without
// Options.Time.
func TestProfileTime(t *testing.T) {
	ex := deployExchange(t)
	plain, _ := ex.swap(prof.Options{})
	if n := len(plain.Profile().SampleType); n != 2 {
		t.Fatalf("%d sample types without Time", n)
	}
	timedSamples := map[int]int{}
	for _, every := range []int{1, 8} {
		p, _ := ex.swap(prof.Options{Time: true, TimeEvery: every})
		pp := p.Profile()
		if st := pp.SampleType[2]; st.Type != "time" || st.Unit != "nanoseconds" {
			t.Fatalf("sample type %+v", st)
		}
		if a, b := render(pp), render(plain.Profile()); a != b {
			t.Errorf("TimeEvery %d changed gas or instructions", every)
		}
		for _, s := range pp.Sample {
			if s.Value[2] > 0 {
				timedSamples[every]++
			}
		}
		if total(pp, 2) <= 0 {
			t.Errorf("TimeEvery %d: no time", every)
		}
		t.Logf("TimeEvery %d: %d ns in %d of %d samples", every, total(pp, 2), timedSamples[every], len(pp.Sample))
	}
	if timedSamples[8] >= timedSamples[1] {
		t.Errorf("one in 8 timed %d samples, every one %d", timedSamples[8], timedSamples[1])
	}
}

// total sums a profile's values of sample type i.
func total(p *profile.Profile, i int) int64 {
	var sum int64
	for _, s := range p.Sample {
		sum += s.Value[i]
	}
	return sum
}

// addressOf parses the address a location without a source map names as
// its file.
func addressOf(t *testing.T, file string) common.Address {
	t.Helper()
	if !common.IsHexAddress(file) {
		t.Fatalf("file %q is no address", file)
	}
	return common.HexToAddress(file)
}
