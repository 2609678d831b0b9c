package blocks

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
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
			blocks := walkBlocks(mustHex(t, tt.code), tt.fork)
			if len(blocks) != len(tt.starts) {
				t.Fatalf("got %d blocks %+v, want %d", len(blocks), blocks, len(tt.starts))
			}
			for i, b := range blocks {
				if b.Start != tt.starts[i] || b.Term != tt.terms[i] || b.Gas != tt.gas[i] ||
					b.StackReq != tt.req[i] || b.StackGrowth != tt.growth[i] {
					t.Errorf("block %d = start %d term %d gas %d req %d growth %d; want %d %d %d %d %d", i,
						b.Start, b.Term, b.Gas, b.StackReq, b.StackGrowth,
						tt.starts[i], tt.terms[i], tt.gas[i], tt.req[i], tt.growth[i])
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

// walkBlocks returns the blocks a translator builds for code when every
// path runs: from 0, through fallthroughs and not-taken JUMPIs, and from
// every jump destination; code after a halt or a jump up to the next
// JUMPDEST is never entered.
func walkBlocks(code []byte, fork Fork) []Block {
	dests := JumpDests(code)
	var out []Block
	for next := uint32(0); ; {
		b := BuildBlock(code, next, fork, dests.Has)
		out = append(out, b)
		next = b.End
		if b.Term != Fallthrough && b.Term != JumpI {
			for int(next) < len(code) && !dests.Has(uint64(next)) {
				next += 1 + uint32(Opcode(code[next]).Info().Immediate)
			}
		}
		if int(next) >= len(code) {
			return out
		}
	}
}

func TestCheckRejects(t *testing.T) {
	if err := Check(make([]byte, MaxCodeSize+1), Osaka); err == nil {
		t.Error("oversized code accepted")
	}
	if err := Check(nil, Fork(99)); err == nil {
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

// FuzzBlocks fuzzes what the translators call: Check, JumpDests and
// BuildBlockInto over a program's jump destinations from any start (the EVM
// translator, which builds blocks at 0, at jump destinations and after
// JUMPIs), and BuildBlock with a block at every 0x5b (HyVM guests, which may
// jump into PUSH data). Every block is compared with refBlock, an
// independent decoder over go-ethereum's jump table, and so is the chain of
// blocks that follow it through fallthroughs and not-taken JUMPIs.
func FuzzBlocks(f *testing.F) {
	for _, code := range []string{
		"60015b56", "615b5b5b605b5b", "60055760015b0000", "00605b5b00", "60011e", "fe", "62aabb",
		"5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f9f", "7f" + strings.Repeat("5b", 40), "5c5d5e49", "a0a1a2a3a4",
	} {
		for fork := range byte(5) {
			f.Add(mustHex(f, code), uint16(0), fork, false, uint8(0))
			f.Add(mustHex(f, code), uint16(1), fork, true, uint8(3))
		}
	}
	// Every opcode in every fork, on a stack of pushes, then a jump
	// destination.
	for op := range 256 {
		for fork := range byte(4) {
			f.Add([]byte{0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, byte(op), 0x01, 0x5b, 0x00}, uint16(op%3), fork, op%2 == 0, uint8(op))
		}
	}
	// Random programs rich in jump destinations, pushes and terminators.
	rng := rand.New(rand.NewPCG(7, 11))
	special := []byte{0x5b, 0x5b, 0x60, 0x61, 0x7f, 0x56, 0x57, 0x00, 0xfe, 0x01, 0x80, 0x90, 0x5f, 0xf3, 0x1e}
	for range 300 {
		code := make([]byte, rng.IntN(80))
		for i := range code {
			if rng.IntN(2) == 0 {
				code[i] = special[rng.IntN(len(special))]
			} else {
				code[i] = byte(rng.UintN(256))
			}
		}
		f.Add(code, uint16(rng.UintN(100)), byte(rng.UintN(5)), rng.IntN(2) == 0, uint8(rng.UintN(8)))
	}
	f.Fuzz(func(t *testing.T, code []byte, start uint16, forkByte uint8, everyDest bool, spare uint8) {
		fork := Fork(forkByte)
		if err := Check(code, fork); (err == nil) != fork.Supported() {
			t.Fatalf("Check(%d bytes, %v) = %v", len(code), fork, err)
		}
		if !fork.Supported() {
			return
		}
		dests, want := JumpDests(code), refJumpDests(code)
		for pc := range uint64(len(code) + 130) {
			if got := dests.Has(pc); got != (pc < uint64(len(code)) && want[pc]) {
				t.Fatalf("code %x: JumpDests.Has(%d) = %v", code, pc, got)
			}
		}
		isDest := dests.Has
		if everyDest {
			isDest = func(uint64) bool { return true }
		}
		// A reused buffer with live entries, as translate's scratch may be.
		keep := int(spare % 4)
		buf := make([]Instr, keep, keep+int(spare/4%8))
		for i := range buf {
			buf[i] = Instr{PC: uint32(1000 + i), Op: PUSH1, Imm: []byte{byte(i)}}
		}
		pc := min(uint32(start), uint32(len(code)+1))
		for n := 0; ; n++ {
			want := refBlock(code, pc, fork, isDest)
			var got Block
			got, buf = BuildBlockInto(code, pc, fork, isDest, buf)
			compareBlock(t, code, fork, everyDest, got, want)
			if !reflect.DeepEqual(BuildBlock(code, pc, fork, isDest), got) {
				t.Fatalf("code %x at %d: BuildBlock differs from BuildBlockInto", code, pc)
			}
			for i := range keep {
				if buf[i].PC != uint32(1000+i) || buf[i].Op != PUSH1 || !bytes.Equal(buf[i].Imm, []byte{byte(i)}) {
					t.Fatalf("code %x at %d: BuildBlockInto overwrote entry %d of the buffer: %+v", code, pc, i, buf[i])
				}
			}
			if len(buf) != keep+len(got.Instrs) || (len(got.Instrs) > 0 && &buf[keep] != &got.Instrs[0]) {
				t.Fatalf("code %x at %d: buffer of %d entries after %d kept and %d decoded, not shared with the block", code, pc, len(buf), keep, len(got.Instrs))
			}
			buf = buf[:keep]
			if (got.Term != Fallthrough && got.Term != JumpI) || int(got.End) >= len(code) || got.End == pc {
				break
			}
			if n > len(code) {
				t.Fatalf("code %x: more blocks than bytes", code)
			}
			pc = got.End
		}
	})
}

// compareBlock fails unless got and want are the same block.
func compareBlock(t *testing.T, code []byte, fork Fork, everyDest bool, got, want Block) {
	t.Helper()
	same := got.Start == want.Start && got.End == want.End && got.Term == want.Term && got.Gas == want.Gas &&
		got.StackReq == want.StackReq && got.StackGrowth == want.StackGrowth && len(got.Instrs) == len(want.Instrs)
	for i := 0; same && i < len(got.Instrs); i++ {
		g, w := got.Instrs[i], want.Instrs[i]
		same = g.PC == w.PC && g.Op == w.Op && bytes.Equal(g.Imm, w.Imm) && len(g.Imm) == len(w.Imm)
	}
	if !same {
		t.Fatalf("code %x, %v, every 0x5b a destination %v, block at %d:\n got %+v\nwant %+v", code, fork, everyDest, want.Start, got, want)
	}
}
