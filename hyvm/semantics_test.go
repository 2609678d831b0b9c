package hyvm_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

var (
	host  = common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	owner = common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")
)

func newState(t testing.TB) *state.StateDB {
	st, err := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	if err != nil {
		t.Fatal(err)
	}
	st.SetNonce(host, 1, tracing.NonceChangeUnspecified)
	st.SetBalance(host, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)
	return st
}

func run(t testing.TB, guest []byte, gas uint64, static bool, cache *runtime.Cache) *hyvm.Result {
	t.Helper()
	res, err := hyvm.Run(context.Background(), newState(t), hyvm.Context{
		Fork:  blocks.Prague,
		Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Host:  host, Caller: owner, Origin: owner, Gas: gas, Static: static, Depth: 1, Cache: cache, StateDiff: true,
	}, guest)
	if err != nil {
		t.Fatalf("guest %x: %v", guest, err)
	}
	return res
}

// hx builds a guest from hex pieces; "*n" after a piece repeats it n times.
func hx(parts ...string) []byte {
	var b []byte
	for _, p := range parts {
		piece, rep := p, 1
		if i := strings.IndexByte(p, '*'); i >= 0 {
			piece = p[:i]
			rep, _ = strconv.Atoi(p[i+1:])
		}
		b = append(b, bytes.Repeat(common.FromHex(piece), rep)...)
	}
	return b
}

func word(v uint64) string { return common.BigToHash(new(big.Int).SetUint64(v)).Hex() }

const allGas = ^uint64(0) // gasUsed: everything (exceptional halt)

// HyVM's gas, as ../shared/hyvm/gas-overhead.md records it: derived from
// the HyVM contract's Huff source and measured by running it on
// go-ethereum, not produced by this engine. Each instruction costs its
// native gas plus HyVM's overhead (dispatch 64 + handler), written here as
// "native + overhead" from the doc's per-opcode table; TestGasFromDoc checks
// every constant against the doc.
const (
	gStartup       = 204      // "startup", paid once before the first dispatch
	gStop          = 0 + 65   // STOP, also running off the end of the code
	gPush          = 3 + 109  // PUSH1..PUSH32
	gPush0         = 2 + 66   // PUSH0
	gBase          = 2 + 65   // CODESIZE, POP, GAS (native 2)
	gVeryLow       = 3 + 65   // ADD, SUB, DUPn, SWAPn (native 3)
	gCalldataload  = 3 + 67   // CALLDATALOAD
	gCalldatasize  = 2 + 66   // CALLDATASIZE
	gMstore        = 3 + 77   // MSTORE, before memory growth (mem)
	gReturn        = 0 + 77   // RETURN, before memory growth (mem)
	gMsize         = 2 + 83   // MSIZE
	gPC            = 2 + 75   // PC
	gJumpdest      = 1 + 64   // JUMPDEST executed in straight-line code
	gJump          = 9 + 105  // JUMP, its landing JUMPDEST included
	gJumpiTaken    = 11 + 120 // JUMPI taken, its landing JUMPDEST included
	gJumpiNotTaken = 10 + 73  // JUMPI not taken
	gJumpBad       = 121      // JUMP to a byte that is not 0x5b: revert(0, 0)
	gJumpiBad      = 138      // JUMPI taken to a byte that is not 0x5b: revert(0, 0)
	gUnsupported   = 71       // CALLCODE, SELFDESTRUCT, TSTORE...: revert(0, 0)
)

// mem is the gas of growing guest memory from a to b words: guest words are
// priced on top of HyVM's 26 reserved words (0x340 bytes), C(w) = 3w +
// floor(w²/512) ("Memory expansion and the 0x340 reserved area").
func mem(a, b uint64) uint64 {
	c := func(w uint64) uint64 { w += 0x340 / 32; return 3*w + w*w/512 }
	return c(b) - c(a)
}

// Expected gas is HyVM's, summed instruction by instruction from the costs
// above in execution order; allGas for exceptional halts.
func TestSemantics(t *testing.T) {
	two160 := "74" + "01" + strings.Repeat("00", 20) // PUSH21 2^160
	// returnWord is PUSH1 0 MSTORE (a first word of memory) PUSH1 32
	// PUSH1 0 RETURN, the common tail of the guests.
	returnWord := gPush + gMstore + mem(0, 1) + 2*gPush + gReturn
	tests := []struct {
		name    string
		guest   []byte
		ok      bool
		ret     string
		gasUsed uint64
	}{
		{"empty", nil, true, "0x", gStartup + gStop},
		{"stop", hx("00"), true, "0x", gStartup + gStop},
		{"run off end", hx("6001"), true, "0x", gStartup + gPush + gStop},
		{"truncated push32", hx("7f01"), true, "0x", gStartup + gPush + gStop},
		{"truncated push2 at end", hx("6001", "61ff"), true, "0x", gStartup + 2*gPush + gStop},
		{"mstore offset masked", hx("6042", two160, "52", "6020", "6000", "f3"), true, word(0x42),
			gStartup + 2*gPush + gMstore + mem(0, 1) + 2*gPush + gReturn},
		{"return offset masked", hx("6042", "6000", "52", "6020", two160, "f3"), true, word(0x42),
			gStartup + gPush + returnWord},
		{"offset low bits too big", hx("6001", "67ffffffffffffffff", "52"), false, "0x", allGas},
		{"zero size at huge offset", hx("6000", "7f"+strings.Repeat("ff", 32), "f3"), true, "0x", gStartup + 2*gPush + gReturn},
		{"msize excludes reserved area", hx("59", "6000", "52", "59", "6020", "52", "6040", "6000", "f3"), true,
			word(0) + word(0x20)[2:],
			gStartup + gMsize + gPush + gMstore + mem(0, 1) + gMsize + gPush + gMstore + mem(1, 2) + 2*gPush + gReturn},
		{"calldata is empty", hx("6000", "35", "36", "01", "6000", "52", "6020", "6000", "f3"), true, word(0),
			gStartup + gPush + gCalldataload + gCalldatasize + gVeryLow + returnWord},
		{"codesize is the guest's", hx("38", "6000", "52", "6020", "6000", "f3"), true, word(9), gStartup + gBase + returnWord},
		{"pc", hx("5b", "58", "6000", "52", "6020", "6000", "f3"), true, word(1), gStartup + gJumpdest + gPC + returnWord},
		{"jump into push data", hx("6004", "56", "625b602a", "6000", "52", "6020", "6000", "f3"), true, word(0x2a),
			gStartup + gPush + gJump + gPush + returnWord}, // lands on the 0x5b of PUSH3 5b602a, runs PUSH1 2a
		{"jump into push data then underflow", hx("600456625b60010160005260206000f3"), false, "0x", allGas},
		{"jump to non-jumpdest", hx("600456000000"), false, "0x", gStartup + gPush + gJumpBad},
		{"jump past end", hx("61100056"), false, "0x", gStartup + gPush + gJumpBad},
		{"jump to huge dest", hx("7f"+strings.Repeat("ff", 32), "56"), false, "0x", gStartup + gPush + gJumpBad},
		{"jumpi taken to bad dest", hx("6001606357601160005260206000f3"), false, "0x", gStartup + 2*gPush + gJumpiBad},
		{"jumpi not taken to bad dest", hx("6000606357601160005260206000f3"), true, word(0x11),
			gStartup + 2*gPush + gJumpiNotTaken + gPush + returnWord},
		{"jumpi taken", hx("600261001057601160005260206000f35b602260005260206000f3"), true, word(0x22),
			gStartup + 2*gPush + gJumpiTaken + gPush + returnWord},
		// PUSH1 0 PUSH1 10, JUMPDEST, then 10 rounds of SWAP1 DUP2 ADD SWAP1
		// PUSH1 1 SWAP1 SUB DUP1 PUSH2 4 JUMPI (taken 9 times), POP, return.
		{"loop", hx("6000600a5b908101906001900380610004575060005260206000f3"), true, word(55),
			gStartup + 2*gPush + gJumpdest + 10*(7*gVeryLow+2*gPush) + 9*gJumpiTaken + gJumpiNotTaken + gBase + returnWord},
		{"jumpdest in straight line", hx("5b5b5860005260206000f3"), true, word(2), gStartup + 2*gJumpdest + gPC + returnWord},
		{"callcode reverts", hx("f2"), false, "0x", gStartup + gUnsupported},
		{"selfdestruct reverts", hx("6000ff"), false, "0x", gStartup + gPush + gUnsupported},
		{"tstore reverts", hx("6001", "6001", "5d"), false, "0x", gStartup + 2*gPush + gUnsupported},
		{"invalid halts", hx("fe"), false, "0x", allGas},
		{"underflow", hx("01"), false, "0x", allGas},
		{"push0 x1021", hx("5f*1021"), true, "0x", gStartup + 1021*gPush0 + gStop},
		{"push0 x1022", hx("5f*1022"), false, "0x", allGas},
		{"dup1 to 1021", hx("5f", "80*1020"), true, "0x", gStartup + gPush0 + 1020*gVeryLow + gStop},
		{"dup1 to 1022", hx("5f", "80*1021"), false, "0x", allGas},
		{"push1 x1020", hx("6001*1020"), true, "0x", gStartup + 1020*gPush + gStop},
		{"push1 x1021", hx("6001*1021"), false, "0x", allGas},
		{"push32 x1020 then pop", hx("7f"+strings.Repeat("11", 32)+"*1020", "50"), true, "0x", gStartup + 1020*gPush + gBase + gStop},
		{"push1 on 1020 items", hx("5f*1020", "6001"), false, "0x", allGas},
		// GAS sees the gas left after start-up and its own cost.
		{"gas sees HyVM overhead", hx("5a60005260206000f3"), true, word(3_000_000 - (gStartup + gBase)), gStartup + gBase + returnWord},
		{"below start-up gas", nil, false, "0x", allGas},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gas := uint64(3_000_000)
			if tt.name == "below start-up gas" {
				gas = 203
			}
			res := run(t, tt.guest, gas, false, nil)
			want := tt.gasUsed
			if want == allGas {
				want = gas
			}
			if res.Success != tt.ok || !bytes.Equal(res.ReturnData, common.FromHex(tt.ret)) || res.GasUsed != want {
				t.Errorf("got success %v ret %x gas %d (%v); want %v %s %d", res.Success, res.ReturnData, res.GasUsed, res.Err, tt.ok, tt.ret, want)
			}
			if !tt.ok && res.GasUsed < gas && !errors.Is(res.Err, vm.ErrExecutionReverted) {
				t.Errorf("failure returning gas is %v, want a revert", res.Err)
			}
		})
	}
}

// gasDoc reads shared/hyvm/gas-overhead.md, beside or above the
// repository. A missing file fails: CI always has shared/.
func gasDoc(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if b, err := os.ReadFile(filepath.Join(dir, "shared", "hyvm", "gas-overhead.md")); err == nil {
			return string(b)
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("shared/hyvm/gas-overhead.md not found beside or above the working directory")
		}
	}
}

// TestGasFromDoc checks the gas constants TestSemantics sums against
// gas-overhead.md: per-opcode rows "| 0x01 | ADD | native | overhead
// derived | overhead measured | yes |", the fixed costs, the frame-ending
// costs and the memory surcharge table.
// gasDocData is what gas-overhead.md's tables give.
type gasDocData struct {
	text     string
	rows     []gasDocRow       // the per-opcode table
	total    map[string]uint64 // native + overhead, by the name column
	fixed    map[string]uint64 // the fixed-costs table, by item
	memRows  [][4]uint64       // from, to words; native, HyVM instruction gas
	abortOps []byte            // the opcodes that revert(0, 0), from "Opcodes that end the frame"
	abortGas uint64
}

// gasDocRow is a row of the per-opcode table.
type gasDocRow struct {
	op               byte
	name             string
	native, overhead uint64
}

func parseGasDoc(t *testing.T) *gasDocData {
	t.Helper()
	d := &gasDocData{text: gasDoc(t), total: map[string]uint64{}, fixed: map[string]uint64{}}
	num := func(s string) uint64 {
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			t.Fatalf("gas-overhead.md: %q is not a number", s)
		}
		return n
	}
	memRow := regexp.MustCompile(`^\| (\d+) -> (\d+) words \([^)]*\) \| (\d+) \| (\d+) \|`)
	hexRange := regexp.MustCompile(`0x([0-9a-f]{2})(?:-0x([0-9a-f]{2}))?`)
	for _, line := range strings.Split(d.text, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) == 8 && strings.HasPrefix(strings.TrimSpace(cells[1]), "0x") {
			name := strings.TrimSpace(cells[2])
			if cells[4] != cells[5] || strings.TrimSpace(cells[6]) != "yes" {
				t.Fatalf("gas-overhead.md: %s derived and measured overheads differ", name)
			}
			op, err := strconv.ParseUint(strings.TrimSpace(cells[1])[2:], 16, 8)
			if err != nil {
				t.Fatalf("gas-overhead.md: opcode %q", cells[1])
			}
			r := gasDocRow{op: byte(op), name: name, native: num(cells[3]), overhead: num(cells[4])}
			d.rows = append(d.rows, r)
			d.total[name] = r.native + r.overhead
		}
		if len(cells) == 5 {
			if n, err := strconv.ParseUint(strings.TrimSpace(cells[2]), 10, 64); err == nil {
				d.fixed[strings.TrimSpace(cells[1])] = n
			}
			if strings.HasPrefix(strings.TrimSpace(cells[1]), "CALLCODE (0xf2)") {
				for _, m := range hexRange.FindAllStringSubmatch(cells[1], -1) {
					from, _ := strconv.ParseUint(m[1], 16, 8)
					to := from
					if m[2] != "" {
						to, _ = strconv.ParseUint(m[2], 16, 8)
					}
					for op := from; op <= to; op++ {
						d.abortOps = append(d.abortOps, byte(op))
					}
				}
				d.abortGas = num(cells[2])
			}
		}
		if m := memRow.FindStringSubmatch(line); m != nil {
			d.memRows = append(d.memRows, [4]uint64{num(m[1]), num(m[2]), num(m[3]), num(m[4])})
		}
	}
	if len(d.rows) == 0 || len(d.abortOps) == 0 || len(d.memRows) < 5 {
		t.Fatalf("gas-overhead.md: %d opcode rows, %d reverting opcodes, %d memory rows found", len(d.rows), len(d.abortOps), len(d.memRows))
	}
	return d
}

func TestGasFromDoc(t *testing.T) {
	d := parseGasDoc(t)
	doc, total, fixed, memRows := d.text, d.total, d.fixed, d.memRows
	for _, c := range []struct {
		name string
		gas  uint64
	}{
		{"STOP", gStop}, {"PUSH1", gPush}, {"PUSH21", gPush}, {"PUSH32", gPush}, {"PUSH0", gPush0},
		{"CODESIZE", gBase}, {"POP", gBase}, {"GAS", gBase},
		{"ADD", gVeryLow}, {"SUB", gVeryLow}, {"DUP1", gVeryLow}, {"DUP2", gVeryLow}, {"SWAP1", gVeryLow},
		{"CALLDATALOAD", gCalldataload}, {"CALLDATASIZE", gCalldatasize}, {"MSTORE", gMstore}, {"RETURN", gReturn},
		{"MSIZE", gMsize}, {"PC", gPC}, {"JUMPDEST", gJumpdest},
		{"JUMP (incl. landing JUMPDEST)", gJump}, {"JUMPI (taken, incl. landing JUMPDEST)", gJumpiTaken},
		{"JUMPI (not taken)", gJumpiNotTaken},
	} {
		if got, ok := total[c.name]; !ok || got != c.gas {
			t.Errorf("%s: the test uses %d gas, gas-overhead.md says %d (found %v)", c.name, c.gas, got, ok)
		}
	}
	if fixed["startup"] != gStartup || fixed["empty guest program"] != gStartup+gStop {
		t.Errorf("startup %d, empty program %d; gas-overhead.md: %d, %d", gStartup, gStartup+gStop, fixed["startup"], fixed["empty guest program"])
	}
	if !strings.Contains(doc, "| JUMP: "+strconv.Itoa(gJumpBad)+", JUMPI: "+strconv.Itoa(gJumpiBad)+" |") {
		t.Errorf("gas-overhead.md does not give JUMP %d, JUMPI %d to a non-JUMPDEST", gJumpBad, gJumpiBad)
	}
	if !regexp.MustCompile(`\| CALLCODE \(0xf2\), SELFDESTRUCT \(0xff\), [^|]*TSTORE[^|]*\| ` + strconv.Itoa(gUnsupported) + ` \|`).MatchString(doc) {
		t.Errorf("gas-overhead.md does not give %d gas for CALLCODE, SELFDESTRUCT and TSTORE", gUnsupported)
	}
	for _, r := range memRows {
		if got := gMstore + mem(r[0], r[1]); got != r[3] {
			t.Errorf("MSTORE growing guest memory %d -> %d words: %d, gas-overhead.md measured %d", r[0], r[1], got, r[3])
		}
	}
}

// Every byte of HyVM's unsupported opcodes ends the frame with revert(0, 0)
// and 71 gas (gUnsupported), without reading the stack.
func TestUnsupportedOpcodes(t *testing.T) {
	var unsupported []byte
	for _, r := range [][2]byte{{0x0c, 0x0f}, {0x1e, 0x1f}, {0x21, 0x2f}, {0x49, 0x4f}, {0x5c, 0x5e}, {0xa5, 0xef}, {0xf6, 0xf9}} {
		for op := int(r[0]); op <= int(r[1]); op++ {
			unsupported = append(unsupported, byte(op))
		}
	}
	unsupported = append(unsupported, 0xf2, 0xfb, 0xfc, 0xff)
	for _, op := range unsupported {
		res := run(t, []byte{op}, 100_000, false, nil)
		if res.Success || len(res.ReturnData) != 0 || res.GasUsed != gStartup+gUnsupported || !errors.Is(res.Err, vm.ErrExecutionReverted) {
			t.Errorf("opcode %#x: success %v ret %x gas %d err %v; want revert(0,0) with %d gas", op, res.Success, res.ReturnData, res.GasUsed, res.Err, gStartup+gUnsupported)
		}
	}
}

func TestStaticContext(t *testing.T) {
	res := run(t, hx("6001600155"), 100_000, true, nil)
	if res.Success || res.GasUsed != 100_000 {
		t.Errorf("SSTORE in static HyVM: %+v", res)
	}
	if res := run(t, hx("6001600155"), 100_000, false, nil); !res.Success || len(res.StateDiff[host].Storage) != 1 {
		t.Errorf("SSTORE: %+v", res)
	}
}

// Bad input is a result, never a Go error or panic: huge guests and random
// garbage included.
func TestBadGuests(t *testing.T) {
	if res := run(t, make([]byte, 1<<20), 3_000_000, false, nil); !res.Success || res.GasUsed != gStartup+gStop {
		t.Errorf("1 MiB of zeros: %+v", res)
	}
	if res := run(t, bytes.Repeat([]byte{0x5b}, 1<<20), 3_000_000, false, nil); res.Success || res.GasUsed != 3_000_000 {
		t.Errorf("1 MiB of JUMPDESTs: %+v", res)
	}
	// A loop jumping back onto a 0x5b inside its own PUSH data.
	if res := run(t, hx("605b600156"), 100_000, false, nil); res.Success || res.GasUsed != 100_000 {
		t.Errorf("endless loop: %+v", res)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cache := runtime.NewCache(0)
	for i := range 500 {
		guest := make([]byte, rng.IntN(300))
		for j := range guest {
			guest[j] = byte(rng.UintN(256))
		}
		const gas = 200_000
		res := run(t, guest, gas, false, cache)
		if res.GasUsed > gas || (res.Success && res.Err != nil) {
			t.Fatalf("guest %d %x: %+v", i, guest, res)
		}
		if !res.Success && !errors.Is(res.Err, vm.ErrExecutionReverted) && res.GasUsed != gas {
			t.Fatalf("guest %d %x: exceptional halt %v left gas", i, guest, res.Err)
		}
		if !res.Success && (len(res.Logs) != 0 || len(res.StateDiff) != 0) {
			t.Fatalf("guest %d %x: failed run kept effects", i, guest)
		}
		if again := run(t, guest, gas, false, cache); again.GasUsed != res.GasUsed || !bytes.Equal(again.ReturnData, res.ReturnData) {
			t.Fatalf("guest %d %x: cached translation differs", i, guest)
		}
	}
}
