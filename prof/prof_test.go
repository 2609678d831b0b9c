package prof_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/google/pprof/profile"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvm/guest"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/prof"
	"github.com/hyvm/hyvm/runtime"
)

var (
	sender  = common.HexToAddress("0x5e")
	entry   = common.HexToAddress("0xa0")
	callee  = common.HexToAddress("0xc0")
	invalid = common.HexToAddress("0xdead")
	wallet  = common.HexToAddress("0xa11e7")
)

// calleeCode stores its first input word, hashes 64 bytes with the SHA-256
// precompile and returns the hash.
var calleeCode = common.FromHex("600035600055" + // SSTORE(0, CALLDATALOAD(0))
	"6020" + "6000" + "6040" + "6000" + "6002" + "5a" + "fa" + "50" + // STATICCALL(gas, 2, 0, 64, 0, 32); POP
	"60206000f3") // RETURN(0, 32)

// entryCode calls the callee with value (a stipend) and input 7, then an
// account whose code is INVALID with 50,000 gas (all burnt), then creates
// a contract of 10 bytes (a code deposit), then stops.
var entryCode = common.FromHex(
	"6007600052" + // MSTORE(0, 7)
		"6020600060206000" + "6001" + "60c0" + "5a" + "f1" + "50" + // CALL(gas, 0xc0, 1, 0, 32, 0, 32); POP
		"6000600060006000" + "6000" + "61dead" + "61c350" + "f1" + "50" + // CALL(50000, 0xdead, 0, 0, 0, 0, 0); POP
		"64600a6000f3" + "600052" + // MSTORE(0, initcode RETURN(0, 10)): at 27..32
		"6005" + "601b" + "6000" + "f0" + "50" + // CREATE(0, 27, 5): 10 zero bytes deployed; POP
		"00")

func newState(t testing.TB) *state.StateDB {
	st := runtime.NewMemoryState()
	st.SetBalance(sender, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	st.SetBalance(wallet, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	st.SetBalance(entry, uint256.NewInt(10), tracing.BalanceChangeUnspecified)
	st.SetCode(entry, entryCode, tracing.CodeChangeUnspecified)
	st.SetCode(callee, calleeCode, tracing.CodeChangeUnspecified)
	st.SetCode(invalid, []byte{0xfe}, tracing.CodeChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)
	return st
}

func block() vm.BlockContext {
	return vm.BlockContext{CanTransfer: core.CanTransfer, Transfer: core.Transfer,
		GetHash: func(uint64) common.Hash { return common.Hash{} }, BlockNumber: common.Big1, Time: 1, Difficulty: common.Big0,
		GasLimit: 10_000_000, BaseFee: common.Big0, BlobBaseFee: common.Big0, Random: &common.Hash{}}
}

// TestProfileMatchesGoEthereum profiles a call that runs a callee with a
// stipend and a precompile, burns a failing call's gas and creates a
// contract, on hyvm and on go-ethereum's EVM: the samples add up to the
// gas the call used, and both engines give the same samples (stack, gas,
// instructions).
func TestProfileMatchesGoEthereum(t *testing.T) {
	const gas = 500_000
	run := func(geth bool) (*prof.Profiler, uint64) {
		p := prof.New(prof.Options{})
		st := newState(t)
		rules := runtime.Rules(blocks.Latest)
		st.Prepare(rules, sender, common.Address{}, &entry, vm.ActivePrecompiles(rules), nil)
		var left uint64
		var err error
		if geth {
			m := reference.New(block(), st, runtime.ChainConfig(blocks.Latest), vm.Config{Tracer: p.Hooks()})
			_, left, err = m.Call(context.Background(), sender, entry, nil, gas, new(uint256.Int))
		} else {
			evm := runtime.NewEVM(block(), st, blocks.Latest, runtime.Config{Tracer: p.Hooks()})
			_, left, err = evm.Call(context.Background(), sender, entry, nil, gas, new(uint256.Int))
		}
		if err != nil {
			t.Fatal(err)
		}
		return p, gas - left
	}
	ours, used := run(false)
	theirs, gethUsed := run(true)
	if ours.Gas() != used || theirs.Gas() != gethUsed || used != gethUsed {
		t.Errorf("samples add up to %d gas (go-ethereum's: %d); the call used %d (go-ethereum: %d)", ours.Gas(), theirs.Gas(), used, gethUsed)
	}
	if a, b := render(ours.Profile()), render(theirs.Profile()); a != b {
		t.Errorf("hyvm's profile:\n%s\ngo-ethereum's:\n%s", a, b)
	}
	t.Logf("%d gas:\n%s", used, render(ours.Profile()))
}

// TestProfileGuest profiles a HyVM payload run by hyvm.Run: the guest's
// pcs and the contract it calls, adding up to the run's gas used.
func TestProfileGuest(t *testing.T) {
	p := prof.New(prof.Options{Names: map[common.Address]string{callee: "callee"}})
	g := new(guest.Builder).Call(callee, nil, common.LeftPadBytes([]byte{9}, 32)).ReturnOutput().Bytes()
	res, err := hyvm.Run(context.Background(), newState(t), hyvm.Context{Block: block(), Origin: sender, Host: wallet,
		Caller: sender, Gas: 1_000_000, Tracer: p.Hooks()}, g)
	if err != nil || !res.Success {
		t.Fatalf("%v %+v", err, res)
	}
	if p.Gas() != res.GasUsed {
		t.Errorf("samples add up to %d gas, the run used %d:\n%s", p.Gas(), res.GasUsed, render(p.Profile()))
	}
	out := render(p.Profile())
	if !strings.Contains(out, "callee") {
		t.Errorf("no sample in the callee:\n%s", out)
	}
	var buf bytes.Buffer
	if err := p.Profile().Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := profile.Parse(&buf); err != nil {
		t.Fatal(err)
	}
}

// render prints a profile's samples, one line per stack, sorted.
func render(p *profile.Profile) string {
	var lines []string
	for _, s := range p.Sample {
		var stack []string
		for i := len(s.Location) - 1; i >= 0; i-- {
			l := s.Location[i]
			stack = append(stack, fmt.Sprintf("%s:%d", l.Line[0].Function.Name, l.Line[0].Line))
		}
		lines = append(lines, fmt.Sprintf("%s gas=%d instrs=%d", strings.Join(stack, " > "), s.Value[0], s.Value[1]))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// BenchmarkProfiledCall runs TestProfileMatchesGoEthereum's call on hyvm
// with a profiler attached: its samples are found again on every run
// after the first.
func BenchmarkProfiledCall(b *testing.B) {
	p := prof.New(prof.Options{})
	rules := runtime.Rules(blocks.Latest)
	b.ReportAllocs()
	for b.Loop() {
		st := newState(nil)
		st.Prepare(rules, sender, common.Address{}, &entry, vm.ActivePrecompiles(rules), nil)
		evm := runtime.NewEVM(block(), st, blocks.Latest, runtime.Config{Tracer: p.Hooks()})
		if _, _, err := evm.Call(context.Background(), sender, entry, nil, 500_000, new(uint256.Int)); err != nil {
			b.Fatal(err)
		}
	}
}
