package main

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	gethruntime "github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/google/pprof/profile"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// TestRunPrestateDump runs a contract of a genesis file's state that
// stores the block's number, time, coinbase and base fee, GASPRICE and an
// incremented counter, through "hyvmc run --prestate --dump --price", and
// through go-ethereum's runtime.Call on the same genesis: the same output
// and gas, and the same state dump, root included (planted: the genesis'
// block number ignored, or no commit of the prestate, fail it).
func TestRunPrestateDump(t *testing.T) {
	sender, receiver := common.HexToAddress("0x5e"), common.HexToAddress("0xcafe")
	code := common.FromHex("43600155" + "42600255" + "41600355" + "3a600455" + "6000546001016000" + "55" + "48600555" +
		"600054600052" + "60206000f3")
	g := &core.Genesis{Coinbase: common.HexToAddress("0xc0ffee"), Timestamp: 1234, Number: 77, BaseFee: big.NewInt(9), Difficulty: new(big.Int),
		Alloc: types.GenesisAlloc{
			sender:   {Balance: big.NewInt(1e18)},
			receiver: {Balance: big.NewInt(7), Code: code, Storage: map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(5))}},
		}}
	data, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "genesis.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := hyvmc(t, "run", "--mode", "evm", "--prestate", file, "--dump", "--price", "3",
		"--sender", sender.Hex(), "--receiver", receiver.Hex(), "--gas", "300000")
	if status != exitOK {
		t.Fatalf("exit %d: %s%s", status, stdout, stderr)
	}
	lines := strings.SplitN(stdout, "\n", 4)
	if len(lines) < 4 {
		t.Fatalf("output %q", stdout)
	}

	// go-ethereum on the same genesis, committed by go-ethereum.
	disk := rawdb.NewMemoryDatabase()
	tdb := triedb.NewDatabase(disk, nil)
	g0 := *g // go-ethereum commits genesis blocks at number 0 only; the state is the same
	g0.Number, g0.Config = 0, runtime.ChainConfig(blocks.Latest)
	genesis, err := g0.Commit(disk, tdb, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := state.NewDatabase(tdb, nil)
	st, err := state.New(genesis.Root(), db)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &gethruntime.Config{ChainConfig: runtime.ChainConfig(blocks.Latest), Origin: sender, GasLimit: 300000,
		GasPrice: big.NewInt(3), BlockNumber: big.NewInt(77), Time: 1234, Coinbase: g.Coinbase, BaseFee: big.NewInt(9), State: st}
	out, left, err := gethruntime.Call(receiver, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	after, err := st.Commit(runtime.Rules(blocks.Latest), 77)
	if err != nil {
		t.Fatal(err)
	}
	dumped, err := state.New(after, db)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"output: " + hexutil.Encode(out), "status: success", "gas used: " + strconv.FormatUint(300000-left, 10)}
	if got := lines[:3]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hyvmc:\n%s\ngo-ethereum:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := strings.TrimSpace(lines[3]), strings.TrimSpace(string(dumped.Dump(nil))); got != want {
		t.Errorf("dump:\n%s\ngo-ethereum's:\n%s", got, want)
	}
}

// TestRunCreate runs initcode (with constructor input from a file) through
// "hyvmc run --create" and go-ethereum's runtime.Create: the same deployed
// code and gas.
func TestRunCreate(t *testing.T) {
	// Copies its input (the constructor's argument, 32 bytes after the
	// 12 bytes of code) to memory and deploys it as the contract's code.
	initcode := "6020600c60003960206000f3"
	arg := strings.Repeat("ab", 32)
	file := filepath.Join(t.TempDir(), "input.hex")
	if err := os.WriteFile(file, []byte(arg+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := hyvmc(t, "run", "--mode", "evm", "--create", "--input-file", file, "--gas", "100000", initcode)
	if status != exitOK {
		t.Fatalf("exit %d: %s", status, stderr)
	}
	st := runtime.NewMemoryState()
	out, _, left, err := gethruntime.Create(common.FromHex(initcode+arg), &gethruntime.Config{
		ChainConfig: runtime.ChainConfig(blocks.Latest), Origin: defaultSender, GasLimit: 100000, State: st})
	if err != nil {
		t.Fatal(err)
	}
	want := "output: " + hexutil.Encode(out) + "\nstatus: success\ngas used: " + strconv.FormatUint(100000-left, 10) + "\n"
	if stdout != want || !strings.Contains(stdout, "output: 0x"+arg+"\n") {
		t.Errorf("hyvmc:\n%sgo-ethereum:\n%s", stdout, want)
	}
}

// TestRunExtrasRefused checks the flags' combinations that cannot work.
func TestRunExtrasRefused(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--create", "6000"}, // --create is evm mode's
		{"run", "--mode", "evm", "--dump", "--fork-url", "http://127.0.0.1:1"}, // --dump is in-memory
		{"run", "--mode", "evm", "--prestate", "/nonexistent.json"},
		{"run", "--mode", "evm", "--input", "00", "--input-file", "x", "00"},
		{"run", "--mode", "evm", "--price", "-1", "00"},
	} {
		status, stdout, stderr := hyvmc(t, args...)
		if status != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, status, stdout, stderr)
		}
	}
}

// TestVersion checks that "hyvmc version" names the fork it runs.
func TestVersion(t *testing.T) {
	status, stdout, _ := hyvmc(t, "version")
	if status != exitOK || !strings.HasPrefix(stdout, "hyvmc ") || !strings.Contains(stdout, "latest fork "+blocks.Latest.String()) {
		t.Errorf("exit %d: %q", status, stdout)
	}
}

// TestRunProfile writes a profile of a run in each mode and reads it with
// pprof's parser: its gas samples add up to the gas the run printed.
func TestRunProfile(t *testing.T) {
	for _, args := range [][]string{
		{"--mode", "evm", "--input", "0x2a", "60003560005560206000f3"},
		{"600360040160005260206000f3"},
	} {
		file := filepath.Join(t.TempDir(), "profile.pb.gz")
		status, stdout, stderr := hyvmc(t, append([]string{"run", "--profile", file}, args...)...)
		if status != exitOK {
			t.Fatalf("%q: exit %d: %s", args, status, stderr)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := profile.Parse(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		var gas int64
		for _, s := range p.Sample {
			gas += s.Value[0]
		}
		if want := "gas used: " + strconv.FormatUint(uint64(gas), 10) + "\n"; !strings.HasSuffix(stdout, want) || gas == 0 {
			t.Errorf("%q: samples add up to %d gas; printed %q", args, gas, stdout)
		}
	}
}
