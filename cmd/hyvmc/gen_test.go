package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenRoundTrip compiles a contract ahead of time with "hyvmc gen",
// builds the generated package into a program with go run, and runs a
// call through runtime.EVM with the registry and without it (closures):
// the same output and gas, and with the registry nothing was translated (the
// generated code ran: the EVM's translation cache stayed empty). The source is
// the same bytes when generated again, and vet-clean.
func TestGenRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	// Store 3+4 at slot 0, loop 10 times, then return the word at memory 0
	// (MSTORE of the counter), with a dynamic jump through a JUMPDEST.
	const code = "6003600401600055" + // SSTORE(0, 7)
		"600a" + // counter 10
		"5b" + "6001900380" + "600a57" + // at 10: JUMPDEST; counter-1; JUMPI back while non-zero
		"600052" + "60206000f3" // MSTORE(0, counter); RETURN(0, 32)
	arith := arithCode()
	// HyVM guest templates: the control flow HyVM has and contracts do
	// not. Destinations are computed (CALLVALUE, 0, added) so that they
	// stay dynamic.
	guests := []string{
		// A loop taking a dynamic JUMPI back to the 0x5b at 2 four times,
		// a dynamic JUMPI not taken, a dynamic JUMP to the 0x5b inside
		// PUSH2's data at 0x1b (landing on 0x60 0x07: PUSH1 7), then
		// MSTORE(0, 7) and RETURN(0, 32).
		"6005" + "5b" + "600190038060023401" + "57" + "50" + "60006002340157" + "601b340156" + "615b60" + "07" + "600052" + "60206000f3",
		"600356" + "00",                            // a static jump to a byte that is not 0x5b: revert(0, 0)
		"6005340156" + "0000",                      // the same, dynamic
		"600456" + "625b602a" + "60005260206000f3", // a static jump into PUSH3's data: PUSH1 42 there
		"600434015700" + "5b",                      // a dynamic JUMPI with nothing under the destination: stack underflow
		// Too large for one generated function (translate's
		// aotSplitBytes): 600 blocks each adding 1 to a word, run three
		// times by a dynamic JUMPI from the last part back to the 0x5b at
		// 4 in the first; MSTORE(0, 1800) and RETURN(0, 32).
		"6000" + "6003" + "5b" + strings.Repeat("5b"+"90600101"+"90", 600) + "60019003" + "80" + "6100043401" + "57" + "50600052" + "60206000f3",
	}
	var guestArgs []string
	// The module's own directory: the program imports hyvm's packages.
	dir, err := os.MkdirTemp("testdata", "roundtrip-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	hex := filepath.Join(dir, "loop.hex")
	if err := os.WriteFile(hex, []byte(code+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	arithHex := filepath.Join(dir, "arith.hex")
	if err := os.WriteFile(arithHex, []byte(arith+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, g := range guests {
		f := filepath.Join(dir, fmt.Sprintf("guest%d.hex", i))
		if err := os.WriteFile(f, []byte(g), 0o644); err != nil {
			t.Fatal(err)
		}
		guestArgs = append(guestArgs, "--guest", fmt.Sprintf("Guest%d=%s", i, f))
	}
	pkgDir := filepath.Join(dir, "loopaot")
	if err := os.Mkdir(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(pkgDir, "loop_gen.go")
	if status, stdout, stderr := hyvmc(t, append([]string{"gen", "-pkg", "loopaot", "-o", out, "--stats", "Loop=" + hex, "Arith=" + arithHex}, guestArgs...)...); status != exitOK || stdout != "" || !strings.Contains(stderr, "MB/s") {
		t.Fatalf("exit %d: %q %q", status, stdout, stderr)
	}
	first, _ := os.ReadFile(out)
	if !bytes.Contains(first, []byte("func runGuest5_1(")) {
		t.Error("the large guest was not split into several functions")
	}
	if _, again, _ := hyvmc(t, append([]string{"gen", "-pkg", "loopaot", "Loop=" + hex, "Arith=" + arithHex}, guestArgs...)...); again != string(first) {
		t.Error("generated twice, the source differs")
	}
	main := `package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/cmd/hyvmc/` + filepath.ToSlash(pkgDir) + `"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

func main() {
	reg := runtime.NewAOTRegistry()
	if err := loopaot.Register(reg); err != nil {
		panic(err)
	}
	code := common.FromHex("` + code + `")
	arith := common.FromHex("` + arith + `")
	block := vm.BlockContext{CanTransfer: core.CanTransfer, Transfer: core.Transfer,
		GetHash: func(uint64) common.Hash { return common.Hash{} }, BlockNumber: big.NewInt(1), Time: 1,
		Difficulty: big.NewInt(0), GasLimit: 30_000_000, BaseFee: big.NewInt(0), BlobBaseFee: big.NewInt(0), Random: &common.Hash{}}
	call := func(r *runtime.AOTRegistry, c, input []byte) ([]byte, uint64, error, bool) {
		st := runtime.NewMemoryState()
		to := common.HexToAddress("0xc0de")
		st.SetCode(to, c, tracing.CodeChangeUnspecified)
		cache := runtime.NewCache(0)
		evm := runtime.NewEVM(block, st, blocks.Latest, runtime.Config{AOT: r, Cache: cache, Backend: runtime.BackendClosure})
		out, left, err := evm.Call(context.Background(), common.Address{1}, to, input, 1000000, new(uint256.Int))
		return out, 1000000 - left, err, cache.Len() == 0 // ahead of time: nothing translated
	}
	for _, r := range []*runtime.AOTRegistry{reg, nil} {
		out, gas, err, found := call(r, code, nil)
		fmt.Printf("%x %d %v %v\n", out, gas, err, found)
	}
	// Arith on words with every limb pattern: the same on both.
	rng := rand.New(rand.NewPCG(1, 2))
	limb := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return ^uint64(0)
		case 2:
			return rng.Uint64() >> rng.IntN(64)
		}
		return rng.Uint64()
	}
	// Words of one limb sign-extended, and the signed division's edges
	// (-2^63 by -1 and 1, signs mixed), for the one-limb fast paths.
	word := func(input []byte, i int, v int64) {
		for j := range 3 {
			binary.BigEndian.PutUint64(input[32*i+8*j:], uint64(v>>63))
		}
		binary.BigEndian.PutUint64(input[32*i+24:], uint64(v))
	}
	edges := [][2]int64{{math.MinInt64, -1}, {math.MinInt64, 1}, {-7, 2}, {7, -2}, {-7, -2}, {0, -1}, {-1, math.MinInt64}, {5, 0}, {-5, 0}}
	differ := 0
	for n := range 300 {
		input := make([]byte, 64)
		for i := range 8 {
			binary.BigEndian.PutUint64(input[8*i:], limb())
		}
		switch {
		case n < len(edges):
			word(input, 0, edges[n][0])
			word(input, 1, edges[n][1])
		case n%3 == 0:
			word(input, 0, int64(rng.Uint64())>>rng.IntN(64))
			word(input, 1, int64(rng.Uint64())>>rng.IntN(64))
		}
		a, ga, ea, fa := call(reg, arith, input)
		b, gb, eb, _ := call(nil, arith, input)
		if !fa || !bytes.Equal(a, b) || ga != gb || fmt.Sprint(ea) != fmt.Sprint(eb) {
			if differ++; differ == 1 {
				for i := 0; i+32 <= len(a) && i+32 <= len(b); i += 32 {
					if !bytes.Equal(a[i:i+32], b[i:i+32]) {
						fmt.Printf("arith %x: word %d: aot %x, closures %x\n", input, i/32, a[i:i+32], b[i:i+32])
						break
					}
				}
			}
		}
	}
	fmt.Printf("arith: %d of 300 differ\n", differ)
	// The guests through hyvm.Run: the same outcome, and no guest
	// translated with the registry.
	for i, g := range []string{` + "\"" + strings.Join(guests, "\", \"") + "\"" + `} {
		var res [2]string
		for j, r := range []*runtime.AOTRegistry{reg, nil} {
			cache := runtime.NewCache(0)
			c := hyvm.Context{Fork: blocks.Latest, Block: block, Host: common.HexToAddress("0xc0de"), Caller: common.Address{1}, Gas: 5_000_000, Cache: cache, AOT: r, Backend: runtime.BackendClosure}
			out, err := hyvm.Run(context.Background(), runtime.NewMemoryState(), c, common.FromHex(g))
			if err != nil {
				panic(err)
			}
			res[j] = fmt.Sprintf("%v %x %d %v", out.Success, out.ReturnData, out.GasUsed, out.Err)
			if j == 0 && cache.Len() != 0 {
				res[j] += " (translated)"
			}
		}
		fmt.Printf("guest %d: %s | %s\n", i, res[0], res[1])
	}
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("go", "vet", "./"+filepath.ToSlash(pkgDir)).CombinedOutput(); err != nil {
		t.Fatalf("go vet of the generated package: %v\n%s", err, b)
	}
	b, err := exec.Command("go", "run", "./"+filepath.ToSlash(dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var guestLines []string
	for len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], "guest ") {
		guestLines = append(guestLines, lines[len(lines)-1])
		lines = lines[:len(lines)-1]
	}
	if len(guestLines) != len(guests) {
		t.Fatalf("%d guests ran, want %d: %q", len(guestLines), len(guests), lines)
	}
	wantGuest := []string{"true 0x0000000000000000000000000000000000000000000000000000000000000007", "false", "false", "true 0x000000000000000000000000000000000000000000000000000000000000002a", "false",
		"true 0x0000000000000000000000000000000000000000000000000000000000000708"}
	for _, l := range guestLines {
		var i int
		fmt.Sscanf(l, "guest %d:", &i)
		aot, closures, _ := strings.Cut(strings.SplitN(l, ": ", 2)[1], " | ")
		if aot != closures || !strings.HasPrefix(aot, strings.Replace(wantGuest[i], " 0x", " ", 1)) {
			t.Errorf("guest %d: ahead of time %q, closures %q (want %s...)", i, aot, closures, wantGuest[i])
		}
	}
	t.Logf("guests: %q", guestLines)
	if len(lines) != 3 || lines[len(lines)-1] != "arith: 0 of 300 differ" || !strings.HasSuffix(lines[0], " true") || !strings.HasSuffix(lines[1], " false") ||
		strings.TrimSuffix(lines[0], " true") != strings.TrimSuffix(lines[1], " false") || !strings.Contains(lines[0], " <nil> ") {
		t.Fatalf("generated code and closures: %q", lines)
	}
	t.Logf("AOT and closures: %s", lines[0])
	if !bytes.Contains(first, []byte("DO NOT EDIT")) {
		t.Error("no generated-code header")
	}
}

// arithCode is a contract computing, from calldata words a and b, the
// instructions generated code renders over limbs or calls directly, with slot operands and
// with constants of every limb pattern, each result stored in memory, all
// returned.
func arithCode() string {
	var b strings.Builder
	n := 0
	store := func() { fmt.Fprintf(&b, "61%04x52", 32*n); n++ } // MSTORE(n*32, result)
	a, bw := "600035", "602035"                                // CALLDATALOAD(0), CALLDATALOAD(32)
	consts := []string{
		"7f" + strings.Repeat("ff", 16) + strings.Repeat("00", 16),
		"7f" + strings.Repeat("00", 8) + strings.Repeat("ff", 8) + strings.Repeat("12", 16),
		"6008", "6010", "6020", "6003", "6040", "6064", "60c8", "6081", "61ffff",
	}
	for _, op := range []string{"01", "02", "03", "16", "17", "18", "14", "10", "11", "04", "06", "1b", "1c", "05", "07", "12", "13", "1a", "1d", "0b"} {
		b.WriteString(bw + a + op) // op(a, b): a on top
		store()
		b.WriteString(a + bw + op) // op(b, a)
		store()
		for _, c := range consts {
			b.WriteString(c + a + op) // op(a, c)
			store()
			b.WriteString(a + c + op) // op(c, a)
			store()
		}
	}
	for _, op := range []string{"08", "09"} { // ADDMOD, MULMOD: (a, b, m) with m = b, a constant, a^b, 2^64, 2^255
		b.WriteString(bw + bw + a + op)
		store()
		b.WriteString("68010000000000000000" + a + a + "18" + "17" + bw + a + op) // 2^64 | a^a: 2^64 computed
		store()
		b.WriteString("7f80" + strings.Repeat("00", 31) + bw + a + op)
		store()
		b.WriteString(consts[1] + bw + a + op)
		store()
		b.WriteString(bw + a + "18" + bw + a + op)
		store()
	}
	b.WriteString("60ff" + bw + "16" + a + "0a") // EXP(a, b&0xff)
	store()
	b.WriteString(a + "600035" + "601f16" + "35" + "18") // CALLDATALOAD(a&31) ^ a: a slot offset
	store()
	b.WriteString(a + "19")
	store() // NOT
	b.WriteString(a + "15")
	store()                               // ISZERO
	fmt.Fprintf(&b, "61%04x6000f3", 32*n) // RETURN(0, n*32)
	return b.String()
}

// TestGenBadInput: bad arguments are one-line usage errors.
func TestGenBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.hex")
	bad := filepath.Join(dir, "bad.hex")
	empty := filepath.Join(dir, "empty.hex")
	os.WriteFile(good, []byte("6001"), 0o644)
	os.WriteFile(bad, []byte("60zz"), 0o644)
	os.WriteFile(empty, []byte("\n"), 0o644)
	for _, args := range [][]string{
		{},
		{filepath.Join(dir, "none.hex")},
		{bad},
		{empty},
		{"1x=" + good},
		{"A=" + good, "A=" + good},
		{"-pkg", "no-pkg", good},
		{"--fork", "Berlin", good},
	} {
		status, stdout, stderr := hyvmc(t, append([]string{"gen"}, args...)...)
		if status != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, %q %q; want a one-line usage error", args, status, stdout, stderr)
		}
	}
}
