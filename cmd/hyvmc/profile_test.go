package main

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/google/pprof/profile"

	"github.com/hyvm/hyvm/internal/devchain"
)

// standardOutput is the testdata contracts' solc standard-JSON output.
var standardOutput = filepath.Join("..", "..", "testdata", "contracts", "build", "standard-output.json")

// TestProfileTransaction mines a two-hop router swap on a node, then
// replays it with "hyvmc profile --tx --srcmap" on a fork of the block
// before: its gas used is the receipt's, and go tool pprof -top
// -sample_index=gas lists Router.sol, Pair.sol and Token.sol functions
// whose gas adds up to the transaction's execution gas, which with geth
// --dev is checked against the node's own opcode trace of it
// (debug_traceTransaction: the gas the first instruction had, less what
// the last of the outermost frame left).
func TestProfileTransaction(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	swap := devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, big.NewInt(1<<40))
	// An approval of exactly the amount in, then the swap, which spends
	// it to zero (a refund its gas depends on), sent together: on the
	// in-process node one block, so the replay must run the approval first.
	_, receipts := c.TransactAll(t,
		devchain.TxArgs{To: &d.TokenA, Data: devchain.Pack(t, d.TokenABI, "approve", d.Router, devchain.Ether(1000)), Gas: 100_000},
		devchain.TxArgs{To: &d.Router, Data: swap, Gas: 500_000})
	receipt := receipts[1]
	if receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatal("the swap failed on the node")
	}
	t.Logf("the swap is transaction %d of block %d", receipt.TransactionIndex, receipt.BlockNumber)
	if !c.Geth() && receipt.TransactionIndex == 0 {
		t.Fatal("the in-process node put the swap first in its block: the replay of the transactions before it is not tested")
	}
	out := filepath.Join(t.TempDir(), "swap.pb.gz")
	status, stdout, stderr := hyvmc(t, "profile", "--fork-url", c.URL, "--tx", receipt.TxHash.Hex(), "--srcmap", standardOutput,
		"--sources", filepath.Join("..", "..", "testdata", "contracts"), "-o", out)
	if status != exitOK {
		t.Fatalf("exit %d: %s%s", status, stdout, stderr)
	}
	if want := "gas used: " + strconv.FormatUint(receipt.GasUsed, 10) + " (receipt: "; !strings.Contains(stdout, want) {
		t.Errorf("no %q in:\n%s", want, stdout)
	}
	top := pprofTop(t, out)
	total := pprofTotal(t, top)
	for _, fn := range []string{"Router.swapExactTokensForTokens Router.sol:", "Pair.swap Pair.sol:", "Token.transferFrom Token.sol:", "Token._transfer Token.sol:"} {
		if !strings.Contains(top, fn) {
			t.Errorf("no %s line in pprof -top:\n%s", fn, top)
		}
	}
	if !c.Geth() {
		t.Logf("the in-process node has no debug_traceTransaction: %d gas, not compared", total)
		return
	}
	var trace struct {
		StructLogs []struct {
			Depth        int
			Gas, GasCost uint64
		}
	}
	err := c.Client.Client().CallContext(context.Background(), &trace, "debug_traceTransaction", receipt.TxHash,
		map[string]any{"disableStack": true, "disableStorage": true})
	if err != nil || len(trace.StructLogs) == 0 {
		t.Fatalf("debug_traceTransaction: %v (%d logs)", err, len(trace.StructLogs))
	}
	first, last := trace.StructLogs[0], trace.StructLogs[0]
	for _, l := range trace.StructLogs {
		if l.Depth == 1 {
			last = l
		}
	}
	if exec := int64(first.Gas - (last.Gas - last.GasCost)); total != exec {
		t.Errorf("the profile's gas adds up to %d, the node's trace says the transaction's execution used %d", total, exec)
	}
}

// pprofTop runs go tool pprof -top -lines -sample_index=gas on a profile,
// dropping no node.
func pprofTop(t *testing.T, file string) string {
	t.Helper()
	cmd := exec.Command("go", "tool", "pprof", "-top", "-lines", "-nodefraction=0", "-sample_index=gas", file)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof: %v\n%s", err, b)
	}
	return string(b)
}

// pprofTotal reads the total of pprof -top's "Showing nodes accounting
// for X, P% of TOTAL total" line.
func pprofTotal(t *testing.T, top string) int64 {
	t.Helper()
	m := regexp.MustCompile(`of (\d+)gas total`).FindStringSubmatch(top)
	if m == nil {
		t.Fatalf("no total in pprof -top:\n%s", top)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// TestProfileRun profiles code without a node: by block and with time,
// the profile's gas is the run's gas used, it has the three sample types,
// and bad profile flags are usage errors.
func TestProfileRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "loop.pb.gz")
	// A loop of 100 rounds: JUMPDEST at 2, counter-1, JUMPI at 10 back while
	// non-zero; STOP at 11. 1 + 7*100 + 1 instructions.
	code := "6064" + "5b" + "60019003" + "80" + "6002" + "57" + "00"
	status, stdout, stderr := hyvmc(t, "profile", "--mode", "evm", "--by", "block", "--time", "-o", out, code)
	if status != exitOK {
		t.Fatalf("exit %d: %s%s", status, stdout, stderr)
	}
	m := regexp.MustCompile(`gas used: (\d+)`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no gas used in %s", stdout)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, st := range p.SampleType {
		types = append(types, st.Type+"/"+st.Unit)
	}
	if got := strings.Join(types, " "); got != "gas/gas instructions/count time/nanoseconds" {
		t.Errorf("sample types %s", got)
	}
	var gas, instrs, nsec int64
	addrs := map[uint64]bool{}
	for _, s := range p.Sample {
		gas, instrs, nsec = gas+s.Value[0], instrs+s.Value[1], nsec+s.Value[2]
		addrs[s.Location[0].Address] = true
	}
	if strconv.FormatInt(gas, 10) != m[1] || instrs != 1+7*100+1 || nsec <= 0 {
		t.Errorf("gas %d (run: %s), instructions %d (want 702), time %d ns", gas, m[1], instrs, nsec)
	}
	// Blocks: the entry (0), the loop (its JUMPDEST, 2), the STOP after the JUMPI (11).
	if len(addrs) != 3 || !addrs[0] || !addrs[2] || !addrs[11] {
		t.Errorf("locations at %v, want the blocks at 0, 2 and 11", addrs)
	}

	for _, args := range [][]string{
		{"--by", "line", "00"},
		{"--time-every", "0", "00"},
		{"--tx", "0x12"},
		{"--tx", common.Hash{}.Hex()}, // no --fork-url
		{"--fork-url", "http://127.0.0.1:1", "--tx", common.Hash{}.Hex(), "00"},         // and CODE
		{"--fork-url", "http://127.0.0.1:1", "--tx", common.Hash{}.Hex(), "--gas", "5"}, // a run's flag
		{"--srcmap", filepath.Join(t.TempDir(), "none.json"), "00"},
		{"--sources", "src", "00"},
	} {
		if status, stdout, stderr := hyvmc(t, append([]string{"profile", "-o", out}, args...)...); status != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, %q %q; want a one-line usage error", args, status, stdout, stderr)
		}
	}
}
