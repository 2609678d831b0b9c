package blocks

import (
	"encoding/hex"
	"testing"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestJumpDestsSkipPushData(t *testing.T) {
	// PUSH2 0x5b5b; JUMPDEST; PUSH1 0x5b; JUMPDEST
	code := mustHex(t, "615b5b5b605b5b")
	d := JumpDests(code)
	for pc, want := range map[uint64]bool{0: false, 1: false, 2: false, 3: true, 4: false, 5: false, 6: true, 7: false, 1000: false} {
		if got := d.Has(pc); got != want {
			t.Errorf("JumpDests.Has(%d) = %v, want %v", pc, got, want)
		}
	}
}

func TestAnalyzeBlocks(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		fork   Fork
		starts []uint32
		terms  []Terminator
		gas    []uint64
		req    []int
		growth []int
	}{
		{"empty", "", Osaka, []uint32{0}, []Terminator{Fallthrough}, []uint64{0}, []int{0}, []int{0}},
		// PUSH1 3 PUSH1 4 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
		{"straight line", "600360040160005260206000f3", Osaka, []uint32{0}, []Terminator{Return},
			[]uint64{3 + 3 + 3 + 3 + 3 + 3 + 3}, []int{0}, []int{2}},
		// ADD needs two items at entry; POP POP needs 2 then nothing more
		{"underflow need", "015050", Osaka, []uint32{0}, []Terminator{Fallthrough}, []uint64{3 + 2 + 2}, []int{3}, []int{0}},
		// PUSH1 5 JUMPI | PUSH1 1 | JUMPDEST STOP; dead code after STOP skipped
		{"jumpi splits", "60055760015b0000", Osaka, []uint32{0, 3, 5}, []Terminator{JumpI, Fallthrough, Stop},
			[]uint64{13, 3, 1}, []int{1, 0, 0}, []int{1, 1, 0}},
		// STOP; dead PUSH1; JUMPDEST
		{"dead code", "00605b5b00", Osaka, []uint32{0, 3}, []Terminator{Stop, Stop}, []uint64{0, 1}, []int{0, 0}, []int{0, 0}},
		{"clz undefined before osaka", "60011e", Cancun, []uint32{0}, []Terminator{Undefined}, []uint64{3}, []int{0}, []int{1}},
		{"clz defined in osaka", "60011e", Osaka, []uint32{0}, []Terminator{Fallthrough}, []uint64{8}, []int{0}, []int{1}},
		{"invalid", "fe", Osaka, []uint32{0}, []Terminator{Invalid}, []uint64{0}, []int{0}, []int{0}},
		{"truncated push", "62aabb", Osaka, []uint32{0}, []Terminator{Fallthrough}, []uint64{3}, []int{0}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Analyze(mustHex(t, tt.code), tt.fork)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Blocks) != len(tt.starts) {
				t.Fatalf("got %d blocks %+v, want %d", len(p.Blocks), p.Blocks, len(tt.starts))
			}
			for i, b := range p.Blocks {
				if b.Start != tt.starts[i] || b.Term != tt.terms[i] || b.Gas != tt.gas[i] ||
					b.StackReq != tt.req[i] || b.StackGrowth != tt.growth[i] {
					t.Errorf("block %d = start %d term %d gas %d req %d growth %d; want %d %d %d %d %d", i,
						b.Start, b.Term, b.Gas, b.StackReq, b.StackGrowth,
						tt.starts[i], tt.terms[i], tt.gas[i], tt.req[i], tt.growth[i])
				}
				if p.BlockAt(uint64(b.Start)) != i {
					t.Errorf("BlockAt(%d) = %d, want %d", b.Start, p.BlockAt(uint64(b.Start)), i)
				}
			}
		})
	}
}

func TestBuildBlockInsidePushData(t *testing.T) {
	// PUSH2 0x5b01; the 0x5b at offset 1 starts a block (HyVM jumps there).
	code := mustHex(t, "615b0100")
	b := BuildBlock(code, 1, Osaka, JumpDests(code).Has)
	if len(b.Instrs) != 3 || b.Instrs[0].Op != JUMPDEST || b.Instrs[1].Op != ADD || b.Term != Stop {
		t.Fatalf("block at 1 = %+v", b)
	}
}

func TestAnalyzeRejects(t *testing.T) {
	if _, err := Analyze(make([]byte, MaxCodeSize+1), Osaka); err == nil {
		t.Error("oversized code accepted")
	}
	if _, err := Analyze(nil, Fork(99)); err == nil {
		t.Error("unknown fork accepted")
	}
}

func TestParseFork(t *testing.T) {
	for _, f := range Forks() {
		got, err := ParseFork(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFork(%q) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseFork("Frontier"); err == nil {
		t.Error("ParseFork accepted an unsupported fork")
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{0x60, 0x01, 0x56, 0x5b})
	f.Fuzz(func(t *testing.T, code []byte) {
		p, err := Analyze(code, Osaka)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range p.Blocks {
			if b.End < b.Start || int(b.End) > len(code) {
				t.Fatalf("block range [%d,%d) outside code of %d bytes", b.Start, b.End, len(code))
			}
		}
	})
}
