package hyvm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/internal/faultstate"
	"github.com/hyvm/hyvm/runtime"
)

func guestContext(gas uint64) hyvm.Context {
	return hyvm.Context{
		Fork:  blocks.Prague,
		Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Host:  host, Caller: owner, Origin: owner, Gas: gas, Depth: 1,
	}
}

// TestRunCancelLatency cancels guests through hyvm.Run's context: a loop,
// a loop in a nested guest, and 64 KB of straight-line guest code hashing
// 1 MB per instruction. Each must end with ErrAborted within milliseconds
// and leave the state as it was.
func TestRunCancelLatency(t *testing.T) {
	loop := common.FromHex("6001600155" + "5b600556") // sstore(1, 1); JUMPDEST PUSH1 5 JUMP: back to 6
	nested := common.FromHex("6001600155")            // sstore(1, 1), then run JUMPDEST PUSH0 JUMP
	nested = append(nested, outerGuest([]nestedCall{{guest: common.FromHex("5b5f56"), gas: 1 << 61}})...)
	tests := []struct {
		name  string
		guest []byte
	}{
		{"loop", loop},
		{"nested guest loop", nested},
		{"straight-line keccak", bytes.Repeat(common.FromHex("62100000"+"5f"+"20"+"50"), 65536/6)},
	}
	for _, tt := range tests {
		for _, inTx := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/InTransaction=%v", tt.name, inTx), func(t *testing.T) {
				st := newState(t)
				root := st.IntermediateRoot(runtime.Rules(blocks.Prague))
				ctx, cancel := context.WithCancel(context.Background())
				var at time.Time
				timer := time.AfterFunc(20*time.Millisecond, func() { at = time.Now(); cancel() })
				defer timer.Stop()
				c := guestContext(1 << 62)
				c.InTransaction = inTx
				res, err := hyvm.Run(ctx, st, c, tt.guest)
				latency := time.Since(at)
				if !errors.Is(err, runtime.ErrAborted) || res != nil {
					t.Fatalf("Run = %+v, %v; want ErrAborted", res, err)
				}
				t.Logf("returned %v after the cancellation", latency)
				if latency > 500*time.Millisecond {
					t.Errorf("returned %v after the cancellation", latency)
				}
				if st.AddressInAccessList(hyvm.Reference.Address) {
					t.Errorf("access list changed by an aborted run")
				}
				if got := st.IntermediateRoot(runtime.Rules(blocks.Prague)); got != root {
					t.Errorf("state root changed by an aborted run")
				}
			})
		}
	}
}

// TestRunMemoryCap: a guest that asks for 128 GB of memory with all the
// gas in the world (which go-ethereum would try to allocate, and die)
// ends with ErrMemoryLimit under the default caps, and under a smaller
// configured cap so does a guest that fits the default.
func TestRunMemoryCap(t *testing.T) {
	huge := common.FromHex("6001641ffffffc9f53595f5260205ff3") // mstore8(0x1ffffffc9f, 1); return msize
	res, err := hyvm.Run(context.Background(), newState(t), guestContext(^uint64(0)), huge)
	if !errors.Is(err, runtime.ErrMemoryLimit) || res != nil {
		t.Fatalf("Run = %+v, %v; want ErrMemoryLimit", res, err)
	}
	t.Log(err)
	// 64 KB of guest memory: fine by default, over a 32 KB cap.
	small := common.FromHex("600162010000" + "53" + "00")
	if res, err := hyvm.Run(context.Background(), newState(t), guestContext(10_000_000), small); err != nil || !res.Success {
		t.Fatalf("default caps: %+v, %v", res, err)
	}
	c := guestContext(10_000_000)
	c.MemoryLimits = runtime.MemoryLimits{Frame: 32 << 10}
	if _, err := hyvm.Run(context.Background(), newState(t), c, small); !errors.Is(err, runtime.ErrMemoryLimit) {
		t.Fatalf("32 KB cap: err = %v, want ErrMemoryLimit", err)
	}
}

// TestRunRefusesBadArguments: what hyvm.Run cannot run is an error, not a
// panic and not a run with no precompiles.
func TestRunRefusesBadArguments(t *testing.T) {
	guest := common.FromHex("00")
	//lint:ignore SA1012 a nil context is what is being tested
	if _, err := hyvm.Run(nil, newState(t), guestContext(100_000), guest); err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("nil context: err = %v", err)
	}
	if _, err := hyvm.Run(context.Background(), nil, guestContext(100_000), guest); err == nil || !strings.Contains(err.Error(), "nil state") {
		t.Errorf("nil state: err = %v", err)
	}
	for _, f := range []blocks.Fork{4, 99, 255} {
		c := guestContext(100_000)
		c.Fork = f
		if _, err := hyvm.Run(context.Background(), newState(t), c, guest); err == nil || !strings.Contains(err.Error(), "unsupported fork") {
			t.Errorf("fork %d: err = %v", f, err)
		}
	}
	c := guestContext(100_000)
	c.Depth = runtime.MaxCallDepth + 1
	if _, err := hyvm.Run(context.Background(), newState(t), c, guest); err == nil {
		t.Error("depth over the limit accepted")
	}
}

// TestRunStateFaults runs a guest that writes storage, moves value and
// logs through hyvm.Run over a state failing at its N-th call, for every N
// the run makes, as its own transaction and inside one the caller has
// open: each fault is runtime.ErrInternal and the state is left as it was
// — whether the fault hits while the guest runs (on the overlay, which is
// then dropped, or on the caller's transaction, which is reverted) or
// while its changes are written into the state (reverted), the access list
// included. Without a fault the run's logs reach the state's transaction,
// as they would have through go-ethereum.
func TestRunStateFaults(t *testing.T) {
	// sstore(1, 7); log1(0, 0, topic 0xaa); call(gas, owner, 1 wei, 0, 0, 0, 0); stop
	guest := common.FromHex("6007600155" + "60aa60006000a1" + "6000600060006000600173" + owner.Hex()[2:] + "5af1" + "00")
	for _, inTx := range []bool{false, true} {
		c := guestContext(1_000_000)
		c.InTransaction = inTx
		count := faultstate.Wrap(newState(t), 0)
		res, err := hyvm.Run(context.Background(), count, c, guest)
		if err != nil || !res.Success || len(res.Logs) != 1 {
			t.Fatalf("InTransaction %v: fault-free run: %+v, %v", inTx, res, err)
		}
		calls := count.Calls
		if calls < 10 {
			t.Fatalf("InTransaction %v: the run made %d state calls", inTx, calls)
		}
		st := newState(t)
		if _, err := hyvm.Run(context.Background(), st, c, guest); err != nil || len(st.Logs()) != 1 {
			t.Fatalf("InTransaction %v: the state holds %d logs after the run (%v), want 1", inTx, len(st.Logs()), err)
		}
		for n := 1; n <= calls; n++ {
			st := newState(t)
			root := st.IntermediateRoot(runtime.Rules(blocks.Prague))
			faulty := faultstate.Wrap(st, n)
			res, err := hyvm.Run(context.Background(), faulty, c, guest)
			if !faulty.Fired { // the run is the fault-free one up to call n
				t.Fatalf("InTransaction %v: the fault at call %d of %d never fired", inTx, n, calls)
			}
			if !errors.Is(err, runtime.ErrInternal) || res != nil {
				t.Fatalf("InTransaction %v: fault at call %d of %d: %+v, %v; want ErrInternal", inTx, n, calls, res, err)
			}
			if st.AddressInAccessList(owner) || st.AddressInAccessList(hyvm.Reference.Address) || st.GetRefund() != 0 {
				t.Fatalf("InTransaction %v: fault at call %d of %d left the access list or refund changed", inTx, n, calls)
			}
			if got := st.IntermediateRoot(runtime.Rules(blocks.Prague)); got != root || len(st.Logs()) != 0 {
				t.Fatalf("InTransaction %v: fault at call %d of %d left the state changed (root %v, was %v; %d logs)", inTx, n, calls, got, root, len(st.Logs()))
			}
		}
	}
}
