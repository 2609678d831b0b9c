package translate

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
)

// nativeGuestCases are guests at the edges of HyVM's control flow in
// machine code: jumps landing one past a 0x5b, priced by outcome, into
// PUSH data (where the frame goes on in closures), to a 0x5b that is the
// last byte (HyVM's STOP past the end), and opcodes HyVM lacks.
var nativeGuestCases = []struct{ name, code string }{
	{"static jump", "6003 56 5b 6001 6000 52 6020 6000 f3"},
	{"static jump bad", "6003 56 00 6001 6000 52 6020 6000 f3"},
	{"static jumpi taken", "6001 6006 57 00 5b 6002 6000 52 6020 6000 f3"},
	{"static jumpi not taken", "5f 6006 57 6003 6000 52 6020 6000 f3 5b 00"},
	{"static jumpi bad taken", "6001 6005 57 00 00 5b 00"},
	{"straight through a 0x5b", "6001 5b 6002 01 6000 52 6020 6000 f3"},
	// CALLVALUE (0 here) keeps a destination from being a constant.
	{"dynamic jump", "34 6007 01 56 00 00 5b 6004 6000 52 6020 6000 f3"},
	{"dynamic jump bad", "34 6005 01 56 00 5b 00"},
	{"dynamic jump huge", "34 7f0100000000000000000000000000000000000000000000000000000000000025 01 56 5b 00"},
	{"dynamic jumpi taken", "6001 34 6008 01 57 00 5b 6005 6000 52 6020 6000 f3"},
	{"dynamic jumpi not taken", "34 34 6008 01 57 6006 6000 52 6020 6000 f3 5b 00"},
	{"dynamic jumpi bad taken", "6001 34 6007 01 57 00 00 5b 00"},
	// PUSH4 0x5b602a00 hides a 0x5b at 1: a jump to 1 lands at 2 in its
	// data (PUSH1 0x2a; STOP), where no block was compiled.
	{"static jump into push data", "635b602a00 6001 56"},
	{"dynamic jump into push data", "635b602a00 34 6001 01 56"},
	{"dynamic jumpi into push data", "635b602a00 6001 34 6001 01 57"},
	{"jump to a last 0x5b", "6003 56 5b"},
	{"dynamic jump to a last 0x5b", "34 6005 01 56 5b"},
	{"fallthrough past the end", "6001 6002 01"},
	{"unsupported opcode", "6001 5c 00"},
	{"unsupported after work", "6001 6002 01 6000 52 6020 6000 5c"},
	{"loop", "6010 5b 6001 90 03 80 6002 57 00"},
	{"memory", "602a 6040 52 6040 51 6000 52 59 6020 52 6040 6000 f3"},
	// Computed offsets (CALLVALUE added) that HyVM rewrites: low, growing,
	// with bits at and above 2^160 (dropped) and below it (kept: far out).
	{"memory computed", "602a 34 6040 01 52 34 6040 01 51 34 6001 01 53 34 5f 01 51 6000 52 6020 6000 f3"},
	{"memory computed grows", "602a 34 610400 01 52 34 610400 01 51 6000 52 6020 6000 f3"},
	{"memory above 2^160", "602a 34 7f0000000100000000000000000000000000000000000000000000000000000020 01 52" +
		" 34 7f1000000000000000000000000000000000000000000000000000000000000020 01 51 6000 52" +
		" 60ee 34 7fff00000000000000000000000000000000000000000000000000000000001f 01 53" +
		" 34 6020 01 51 6020 52 6040 6000 f3"},
	{"memory below 2^160", "602a 34 611000 01 52" + // memory grown past 0x20 first, so a wrong offset would land in it
		" 602a 34 7f" + strings.Repeat("00", 12) + "01" + strings.Repeat("00", 18) + "20 01 52 00"},
	{"gas", "5a 6000 52 6020 6000 f3"},
}

// TestNativeGuests runs each guest case on the closure tier and in
// machine code at generous gas and at every gas around what HyVM's
// start-up leaves, requiring the same output, gas left, error and stack.
func TestNativeGuests(t *testing.T) {
	for _, tt := range nativeGuestCases {
		t.Run(tt.name, func(t *testing.T) {
			code, err := hex.DecodeString(strings.ReplaceAll(tt.code, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			pairs := tierPairs{}
			for _, gas := range []uint64{1_000_000, 10_000} {
				compareTiers(t, pairs, true, code, nil, gas)
			}
			for gas := range uint64(120) { // startup, memory, then every step
				compareTiers(t, pairs, true, code, nil, blocks.HyVMStartupGas+gas)
			}
			// Every jump to a 0x5b that is an instruction stays in
			// machine code: the jump table holds where it lands.
			if n := pairs[string(code)][1].nat.prog.Load(); n != nil {
				dests := blocks.JumpDests(code)
				for d := range code {
					if dests.Has(uint64(d)) && n.jumps[d] == 0 {
						t.Errorf("no jump table entry for the 0x5b at %d", d)
					}
				}
			}
		})
	}
}
