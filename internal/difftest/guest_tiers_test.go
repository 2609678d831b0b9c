package difftest_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/internal/difftest"
	"github.com/hyvm/hyvm/runtime"
)

// guestTiers are the tiers a HyVM guest runs on: fused block closures, the
// interpreter, auto (interpreted, then closures once hot), amd64 machine
// code (closures on other platforms), and the traced
// tier, which charges gas and checks the stack instruction by instruction
// as the HyVM contract does. A new tier joins with one line.
var guestTiers = []struct {
	name    string
	backend runtime.Backend
	tracer  func() *tracing.Hooks
}{
	{"closure", runtime.BackendClosure, func() *tracing.Hooks { return nil }},
	{"interp", runtime.BackendInterp, func() *tracing.Hooks { return nil }},
	{"auto", runtime.BackendAuto, func() *tracing.Hooks { return nil }},
	{"amd64", runtime.BackendAMD64, func() *tracing.Hooks { return nil }},
	{"traced", runtime.BackendAuto, func() *tracing.Hooks {
		return &tracing.Hooks{OnOpcode: func(uint64, byte, uint64, uint64, tracing.OpContext, []byte, int, error) {}}
	}},
}

// TestGuestTiers runs random programs, and random bytes rich in jumps into
// PUSH data, as HyVM guests on every guest tier, each also at gas limits at
// and just below what it used, and requires every tier to reach the same
// outcome: status, error, return data, gas used, refund, logs and state
// diff. The HyVM vectors pin the tiers to the real contract on 2466 cases;
// this pins the fused tier to the per-instruction one on many more, where
// fusion (constants folded, offsets rewritten at build time, a decided
// JUMPI's gas moved to block entry) could diverge.
func TestGuestTiers(t *testing.T) {
	n := 4_000
	if testing.Short() {
		n = 500
	}
	if *flagPrograms > 0 {
		n = *flagPrograms
	}
	pre, err := difftest.NewPreState()
	if err != nil {
		t.Fatal(err)
	}
	env := difftest.NewEnv()
	caches := make([]*runtime.Cache, len(guestTiers))
	for i := range caches {
		caches[i] = runtime.NewCache(64 << 20)
	}
	var runs atomic.Int64
	parallelSeeds(t, n, func() func(uint64) int {
		return func(seed uint64) int { return checkGuestTiers(t, pre, env, guestCase(seed), caches, &runs) }
	})
	for i, code := range guestCorpus {
		c := difftest.GenerateFromBytes(uint64(i), hexBytes(t, code))
		c.Name, c.Gas = fmt.Sprintf("corpus-%d", i), 1_000_000
		checkGuestTiers(t, pre, env, c, caches, &runs)
	}
	t.Logf("%d guests and %d hand-written, %d runs over %d tiers", n, len(guestCorpus), runs.Load(), len(guestTiers))
}

// guestCorpus holds guests at the edges of fusion: a JUMPI decided while
// building (taken or not, through ISZEROs) after a GAS in its block, and
// memory offsets shared by DUP with another stack position, constant ones,
// MSTORE8 and MSIZE.
var guestCorpus = []string{
	// GAS; PUSH1 1; PUSH1 8; JUMPI (always taken); STOP; STOP; JUMPDEST; return the gas
	"5a600160085700005b60005260206000f3",
	// GAS; PUSH0; PUSH1 9; JUMPI (never taken); GAS; ADD; return it; JUMPDEST STOP
	"5a5f6009575a0160005260206000f35b00",
	// GAS; PUSH1 0; ISZERO; ISZERO; ISZERO; PUSH1 12; JUMPI (taken); STOP x3; JUMPDEST; return the gas
	"5a6000151515600c570000005b60005260206000f3",
	// the same with a bad destination (revert(0, 0) after a taken JUMPI's extra)
	"5a600160075700005b60005260206000f3",
	// PUSH1 0x40; DUP1; PUSH1 1; SWAP1; MSTORE; MLOAD (the DUPed offset); return it
	"604080600190525160005260206000f3",
	// PUSH1 0x41; DUP1; PUSH1 0xff; SWAP1; MSTORE8; MLOAD; return it
	"60418060ff90535160005260206000f3",
	// MSTORE at a constant offset, MLOAD at a constant offset, MSIZE
	"602a60405260405160005259602052 60406000f3",
}

// hexBytes decodes s, spaces allowed.
func hexBytes(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkGuestTiers runs c's code as a guest on every tier at c.Gas and at
// and just below what it used there, and reports each tier differing from
// the first; it returns the number of differences.
func checkGuestTiers(t *testing.T, pre *difftest.PreState, env *difftest.Env, c *difftest.Case, caches []*runtime.Cache, runs *atomic.Int64) (failed int) {
	first := runGuest(t, pre, env, c, c.Gas, 0, caches[0])
	for _, gas := range []uint64{c.Gas, first.GasUsed, first.GasUsed - 1, first.GasUsed * 3 / 4} {
		var want *hyvm.Result
		for ti := range guestTiers {
			got := runGuest(t, pre, env, c, gas, ti, caches[ti])
			runs.Add(1)
			if ti == 0 {
				want = got
				continue
			}
			if d := guestDiff(want, got); d != "" {
				failed++
				t.Errorf("%s (%d bytes, gas %d): tier %s differs from %s: %s\nguest %x",
					c.Name, len(c.Code), gas, guestTiers[ti].name, guestTiers[0].name, d, c.Code)
			}
		}
	}
	return failed
}

// guestCase returns the case for seed: a generated program, or for one
// seed in four random bytes biased toward JUMPDEST bytes, pushes and jumps.
func guestCase(seed uint64) *difftest.Case {
	c := difftest.Generate(seed)
	if seed%4 != 3 {
		return c
	}
	r := rand.New(rand.NewPCG(seed, 0x6775657374))
	special := []byte{0x5b, 0x5b, 0x5b, 0x60, 0x61, 0x56, 0x57, 0x57, 0x00, 0x01, 0x80, 0x90, 0x52, 0x51, 0x5a, 0xf3, 0xfd, 0x59}
	code := make([]byte, 1+r.IntN(300))
	for i := range code {
		if r.IntN(3) == 0 {
			code[i] = byte(r.IntN(256))
		} else if r.IntN(2) == 0 {
			code[i] = byte(r.IntN(len(code))) // a jump target nearby
		} else {
			code[i] = special[r.IntN(len(special))]
		}
	}
	return difftest.GenerateFromBytes(seed, code)
}

// runGuest runs c's code as a guest with gas on tier ti.
func runGuest(t *testing.T, pre *difftest.PreState, env *difftest.Env, c *difftest.Case, gas uint64, ti int, cache *runtime.Cache) *hyvm.Result {
	cc := *c
	cc.Code = nil // the guest is not the host's code
	st, err := pre.State(&cc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := hyvm.Run(context.Background(), st, hyvm.Context{
		Fork: c.Fork, Block: env.Block, Origin: difftest.Sender,
		Host: difftest.Target, Caller: difftest.Sender, Gas: gas, Depth: 1,
		Cache: cache, Tracer: guestTiers[ti].tracer(), StateDiff: true, Backend: guestTiers[ti].backend,
	}, c.Code)
	if err != nil {
		t.Fatalf("%s on tier %s: %v", c.Name, guestTiers[ti].name, err)
	}
	return res
}

// guestDiff names what differs between two guest results.
func guestDiff(a, b *hyvm.Result) string {
	switch {
	case a.Success != b.Success || errKind(a.Err) != errKind(b.Err):
		return fmt.Sprintf("outcome %v (%v), %v (%v)", a.Success, a.Err, b.Success, b.Err)
	case a.GasUsed != b.GasUsed:
		return fmt.Sprintf("gas used %d, %d", a.GasUsed, b.GasUsed)
	case string(a.ReturnData) != string(b.ReturnData):
		return fmt.Sprintf("return data %x, %x", a.ReturnData, b.ReturnData)
	case a.Refund != b.Refund:
		return fmt.Sprintf("refund %d, %d", a.Refund, b.Refund)
	case fmt.Sprint(a.Logs) != fmt.Sprint(b.Logs) && !reflect.DeepEqual(logData(a), logData(b)):
		return fmt.Sprintf("logs %v, %v", logData(a), logData(b))
	case !reflect.DeepEqual(a.StateDiff, b.StateDiff):
		return fmt.Sprintf("state diff %v, %v", a.StateDiff, b.StateDiff)
	}
	return ""
}

// logData renders logs without their position fields.
func logData(r *hyvm.Result) []string {
	var out []string
	for _, l := range r.Logs {
		out = append(out, fmt.Sprintf("%v %v %x", l.Address, l.Topics, l.Data))
	}
	return out
}

// errKind classes an outcome's error as consensus sees it: none, a
// revert, or an exceptional halt (all gas gone, whichever check failed
// first: the block tiers check a block's stack bounds at its entry, the
// traced tier instruction by instruction), or an engine failure.
func errKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, vm.ErrExecutionReverted):
		return "revert"
	case runtime.HaltsExecution(err):
		return err.Error()
	}
	return "exceptional halt"
}
