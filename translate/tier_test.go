package translate

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// loopCode counts from n down to 0 in a loop of 9 instructions, storing the
// counter at memory 0 each time, and returns the word at 0 and the gas left
// when it ends.
func loopCode(n uint16) []byte {
	code, _ := hex.DecodeString("61" + hex.EncodeToString([]byte{byte(n >> 8), byte(n)}) +
		"5b" + // 3: JUMPDEST
		"80600052" + // DUP1 PUSH1 0 MSTORE
		"6001900380" + // PUSH1 1 SWAP1 SUB DUP1
		"600357" + // PUSH1 3 JUMPI
		"5a602052" + // GAS PUSH1 32 MSTORE
		"60406000f3") // return memory [0, 64)
	return code
}

// runTier runs code compiled for tier in a fresh frame with gas.
func runTier(t *testing.T, p *Program, gas uint64) ([]byte, uint64, error) {
	t.Helper()
	f := new(Frame)
	f.Reset(&Env{Fork: blocks.Latest}, 1)
	f.Gas = gas
	f.Code = p.code
	out, err := p.Run(f)
	return bytes.Clone(out), f.Gas, err
}

// TestPromotion checks that a TierAuto program is promoted once it has run
// PromoteAfter instructions — in one long run, or over many short ones —
// and that every run, the one that switches to closures mid-loop included,
// ends exactly as on the closure and interpreter tiers: output, gas left
// (GAS inside the run observes it too) and outcome.
func TestPromotion(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    uint16
		runs int
	}{
		{"one long run", 2000, 1},    // 9 × 2000 instructions: promoted in the loop
		{"many short runs", 10, 100}, // 9 × 10 per run: promoted over runs
	} {
		t.Run(tt.name, func(t *testing.T) {
			code := loopCode(tt.n)
			auto, err := CompileCode(code, blocks.Latest, Options{Tier: TierAuto})
			if err != nil {
				t.Fatal(err)
			}
			for run := range tt.runs {
				got, gotGas, gotErr := runTier(t, auto, 10_000_000)
				for _, tier := range []Tier{TierClosure, TierInterp} {
					p, _ := CompileCode(code, blocks.Latest, Options{Tier: tier})
					want, wantGas, wantErr := runTier(t, p, 10_000_000)
					if !bytes.Equal(got, want) || gotGas != wantGas || gotErr != wantErr {
						t.Fatalf("run %d: auto %x, gas %d, %v; %v %x, gas %d, %v", run, got, gotGas, gotErr, tier, want, wantGas, wantErr)
					}
				}
			}
			q := auto.promo.to.Load()
			if q == nil {
				t.Fatalf("not promoted after %d runs of %d iterations (heat %d)", tt.runs, tt.n, auto.promo.heat.Load())
			}
			built := false
			for i := range q.table.pages {
				built = built || q.table.pages[i].Load() != nil
			}
			if !built { // a frame that switched ran blocks of q
				t.Error("promoted, but no run continued in the closure program")
			}
		})
	}
}

// TestInterpreterNeverPromotes checks that TierInterp stays interpreted.
func TestInterpreterNeverPromotes(t *testing.T) {
	p, err := CompileCode(loopCode(5000), blocks.Latest, Options{Tier: TierInterp})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runTier(t, p, 10_000_000); err != nil {
		t.Fatal(err)
	}
	if p.promo.to.Load() != nil || p.table.pages != nil {
		t.Error("an interpreted program was promoted or built a block table")
	}
}

// TestInterpreterAbortsStraightLineCode checks that a cancelled run of
// straight-line code, which takes no jump, stops within a few thousand
// instructions on the interpreter, for contracts and guests (a guest may
// be megabytes of it).
func TestInterpreterAbortsStraightLineCode(t *testing.T) {
	code := append(bytes.Repeat([]byte{byte(blocks.PUSH0), byte(blocks.POP)}, 20_000), byte(blocks.STOP))
	for _, p := range []*Program{
		func() *Program { p, _ := CompileCode(code, blocks.Latest, Options{Tier: TierInterp}); return p }(),
		CompileHyVM(code, blocks.Latest, Options{Tier: TierInterp}),
	} {
		f := new(Frame)
		env := &Env{Fork: blocks.Latest}
		f.Reset(env, 1)
		f.Gas, f.Code = 100_000_000, p.code
		env.Abort.Store(true)
		if _, err := p.Run(f); err != ErrAborted {
			t.Errorf("guest %v: %v, want ErrAborted", p.guest, err)
		}
		if used := 100_000_000 - f.Gas; used > 10_000*200 {
			t.Errorf("guest %v: %d gas used before stopping", p.guest, used)
		}
	}
}

// TestDecidedJumpIPricing pins what the builder assumes when it turns a
// guest's JUMPI whose condition is a nonzero constant into a JUMP, moving
// the taken extra to block entry (takenAtEntry): a bad destination then
// costs the JUMP's bad extra on top, which must equal what a taken JUMPI to
// a bad destination costs beyond a taken one.
func TestDecidedJumpIPricing(t *testing.T) {
	taken, bad := guestJumpExtra(true, true), guestJumpExtra(true, false)
	if taken+guestJumpExtra(false, false) != bad || guestJumpExtra(false, true) != 0 {
		t.Errorf("JUMPI taken +%d, bad +%d; JUMP bad +%d: a decided JUMPI would be mispriced", taken, bad, guestJumpExtra(false, false))
	}
}

// TestEveryOpcodeRunsAlike runs every opcode on every fork, as a contract
// and as a HyVM guest, after seventeen pushes (enough operands for DUP16
// and SWAP16) and a byte stored in memory, then returns the top of the stack, on the interpreter and
// on the closure tier: the same outcome, output and gas left. The
// interpreter dispatches on the opcode byte and each case checks the step
// the profile gave it, so an opcode HyVM does not run (PUSH0) must still
// revert in a guest. The test host answers calls and state; every case
// must run on both tiers.
func TestEveryOpcodeRunsAlike(t *testing.T) {
	ran := 0
	for _, fork := range blocks.Forks() {
		for g := range stepTables[fork] {
			for i := range 256 {
				// A byte in memory first, where a MLOAD of the operands
				// (0x10) sees it: a guest's offsets are rewritten.
				code := []byte{byte(blocks.PUSH1), 0x77, byte(blocks.PUSH1), 0x20, byte(blocks.MSTORE8)}
				code = append(code, bytes.Repeat([]byte{byte(blocks.PUSH1), 0x10}, 17)...)
				code = append(code, byte(i),
					byte(blocks.PUSH1), 0, byte(blocks.MSTORE), byte(blocks.PUSH1), 32, byte(blocks.PUSH1), 0, byte(blocks.RETURN))
				run := func(tier Tier) (out []byte, gas uint64, err error, panicked bool) {
					defer func() { panicked = recover() != nil }()
					var p *Program
					if g == 1 {
						p = CompileHyVM(code, fork, Options{Tier: tier})
					} else {
						var cerr error
						if p, cerr = CompileCode(code, fork, Options{Tier: tier}); cerr != nil {
							t.Fatal(cerr)
						}
					}
					f := new(Frame)
					f.Reset(testEnv(t), 1)
					f.Env.Fork = fork
					f.Gas, f.Code = 100_000, p.code
					out, err = p.Run(f)
					return bytes.Clone(out), f.Gas, err, false
				}
				want, wantGas, wantErr, panicked := run(TierClosure)
				if panicked {
					t.Fatalf("%v guest=%d %v: the closure tier panicked", fork, g, blocks.Opcode(i))
				}
				got, gotGas, gotErr, panicked := run(TierInterp)
				if panicked {
					t.Fatalf("%v guest=%d %v: the interpreter panicked where closures did not", fork, g, blocks.Opcode(i))
				}
				// Exceptional halts may differ in detail between tiers
				// (block-entry checks report no heights): their class must not.
				if exceptional(gotErr) != exceptional(wantErr) || !exceptional(gotErr) && (!sameOutcome(gotErr, wantErr) ||
					!bytes.Equal(got, want) || gotGas != wantGas) {
					t.Errorf("%v guest=%d %v: interpreter %x, gas %d, %v; closures %x, gas %d, %v",
						fork, g, blocks.Opcode(i), got, gotGas, gotErr, want, wantGas, wantErr)
				}
				ran++
			}
		}
	}
	if want := len(blocks.Forks()) * 2 * 256; ran != want {
		t.Errorf("%d fork × profile × opcode cases ran, want %d", ran, want)
	}
}
