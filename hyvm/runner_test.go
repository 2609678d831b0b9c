package hyvm_test

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// TestRunnerReuse runs guests through one Runner under contexts that change
// everything a reset must redo (fork, block, host, HyVM deployment, static,
// value, policy, tracer, cache, transient storage), and requires each
// result to be that of the same run on a new Runner: nothing of a run
// leaks into the next.
func TestRunnerReuse(t *testing.T) {
	other := runtime.HyVMContract{Address: common.HexToAddress("0x4fb1"), CodeHash: crypto.Keccak256Hash([]byte("other HyVM"))}
	guests := [][]byte{
		hx("6007600155", "600160005260206000f3"),                     // sstore(1, 7); return 1
		hx("60015c", "6001", "5d", "60015c60005260206000f3"),         // return tload(1) (0 each run), after tstore(1, 1)
		hx("6002", "6000", "a1", "3460005260206000f3"),               // log1; return callvalue
		hx("6000", "6000", "6000", "6000", "6004", "5a", "fa", "00"), // staticcall the identity precompile
		hx("5a60005260206000f3"),                                     // return gas
		hx("6001600155", "fe"),                                       // sstore then INVALID
		hx("30", "3b", "60005260206000f3"),                           // return extcodesize(address)
	}
	denyStores := hyvm.PolicyFuncs{Store: func(*hyvm.StoreRequest) bool { return false }}
	var lines int
	tracer := &tracing.Hooks{
		OnOpcode: func(uint64, byte, uint64, uint64, tracing.OpContext, []byte, int, error) { lines++ },
		OnEnter:  func(int, byte, common.Address, common.Address, []byte, uint64, *big.Int) { lines++ },
	}
	contexts := []func(c *hyvm.Context){
		func(c *hyvm.Context) {},
		func(c *hyvm.Context) { c.Fork = blocks.Cancun; c.Block.BlockNumber = big.NewInt(7) },
		func(c *hyvm.Context) { c.Fork = blocks.Osaka; c.Host = owner; c.Caller = host },
		func(c *hyvm.Context) { c.HyVM = other },
		func(c *hyvm.Context) { c.Static = true },
		func(c *hyvm.Context) { c.Value = uint256.NewInt(5) },
		func(c *hyvm.Context) { c.Policy = denyStores },
		func(c *hyvm.Context) { c.Tracer = tracer },
		func(c *hyvm.Context) { c.Cache = runtime.NewCache(0) },
		func(c *hyvm.Context) { c.Gas = 30_000 },
	}
	reused := hyvm.NewRunner()
	for round := range 2 {
		for ci, set := range contexts {
			for gi, guest := range guests {
				c := hyvm.Context{
					Fork:  blocks.Prague,
					Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
					Host:  host, Caller: owner, Origin: owner, Gas: 1_000_000, Depth: 1, StateDiff: true,
				}
				set(&c)
				before := lines
				got, err := reused.Run(context.Background(), newState(t), c, guest)
				if err != nil {
					t.Fatal(err)
				}
				if c.Tracer == nil && lines != before {
					t.Errorf("round %d, context %d, guest %d: an untraced run reached the tracer of an earlier one", round, ci, gi)
				}
				want, err := hyvm.NewRunner().Run(context.Background(), newState(t), c, guest)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got.Err) != fmt.Sprint(want.Err) || !reflect.DeepEqual(strip(got), strip(want)) {
					t.Errorf("round %d, context %d, guest %d: reused Runner %+v, new Runner %+v", round, ci, gi, got, want)
				}
			}
		}
	}
	if lines == 0 {
		t.Error("the traced context traced nothing")
	}
}

// strip returns r without its error, compared by message, and with logs
// reduced to what a run decides.
func strip(r *hyvm.Result) hyvm.Result {
	s := *r
	s.Err = nil
	s.Logs = nil
	for _, l := range r.Logs {
		s.Logs = append(s.Logs, &types.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
	}
	return s
}

// TestRunnerKeepsNoState checks that a Runner between runs holds nothing of
// a run, in either mode: the state, the guest's bytes and the block
// context's callbacks of a run nobody else holds are collected while the
// Runner lives on (a pooled Runner must not keep a caller's data alive).
func TestRunnerKeepsNoState(t *testing.T) {
	r := hyvm.NewRunner()
	for _, inTx := range []bool{false, true} {
		var gone [3]chan struct{}
		for i := range gone {
			gone[i] = make(chan struct{})
		}
		func() {
			st := newState(t)
			guest := hx("6007600155", "6001600a6000a1", "00")
			// The callback holds a heap object of its own: a func value
			// capturing nothing is static and never collected.
			held := new([64]byte)
			getHash := func(uint64) common.Hash { return common.Hash{held[0]} }
			goruntime.AddCleanup(st, func(c chan struct{}) { close(c) }, gone[0])
			goruntime.AddCleanup(&guest[0], func(c chan struct{}) { close(c) }, gone[1])
			goruntime.AddCleanup(held, func(c chan struct{}) { close(c) }, gone[2])
			c := hyvm.Context{Host: host, Caller: owner, Gas: 1_000_000, Depth: 1, InTransaction: inTx,
				Block: vm.BlockContext{GetHash: getHash}}
			if _, err := r.Run(context.Background(), st, c, guest); err != nil {
				t.Fatal(err)
			}
		}()
		for i, what := range []string{"state", "guest", "block context"} {
			deadline := time.After(10 * time.Second)
			for done := false; !done; {
				goruntime.GC()
				select {
				case <-gone[i]:
					done = true
				case <-deadline:
					t.Fatalf("InTransaction %v: the %s of a finished run is still held", inTx, what)
				case <-time.After(time.Millisecond):
				}
			}
		}
	}
	goruntime.KeepAlive(r)
}
