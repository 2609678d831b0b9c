package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

var testCallee = common.HexToAddress("0x3000000000000000000000000000000000000003")

// keccakHeavy is straight-line code (no jump) filling 24 KB with
// KECCAK256 over 1 MB of memory: PUSH3 0x100000 PUSH0 KECCAK256 POP.
var keccakHeavy = bytes.Repeat(common.FromHex("62100000"+"5f"+"20"+"50"), 24576/6)

// callsLoopingCallee stores 1 in slot 1, calls testCallee (an endless
// loop) with all its gas, then stores 2 in slot 2 and stops.
var callsLoopingCallee = common.FromHex("6001600155" + "5f5f5f5f5f73" + testCallee.Hex()[2:] + "5af150" + "6002600255" + "00")

// TestCancelLatency cancels running executions and measures how long they
// take to return: every one must end with ErrAborted at the top, whatever
// depth or instruction it was at, within milliseconds, and keep no write.
func TestCancelLatency(t *testing.T) {
	tests := []struct {
		name   string
		code   []byte
		callee []byte
	}{
		{"loop", infiniteLoop, nil},
		{"callee loop", callsLoopingCallee, infiniteLoop},
		{"straight-line keccak", keccakHeavy, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := stateWith(t, tt.code)
			if tt.callee != nil {
				st.SetCode(testCallee, tt.callee, tracing.CodeChangeUnspecified)
			}
			root := st.IntermediateRoot(runtime.Rules(blocks.Latest))
			evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{})
			latency, err := cancelAfter(20*time.Millisecond, func(ctx context.Context) error {
				_, left, err := evm.Call(ctx, testSender, testContract, nil, 1<<62, new(uint256.Int))
				if err != nil && left != 0 {
					t.Errorf("aborted run left %d gas", left)
				}
				return err
			})
			checkAborted(t, err, latency)
			if got := st.IntermediateRoot(runtime.Rules(blocks.Latest)); got != root {
				t.Errorf("state root %x after the aborted call, was %x: writes kept", got, root)
			}
			// A cancelled context stops one run, not the EVM.
			st.SetCode(testContract, common.FromHex("00"), tracing.CodeChangeUnspecified)
			if _, _, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int)); err != nil {
				t.Errorf("the next run on the EVM: %v", err)
			}
		})
	}
}

// cancelAfter runs run with a context cancelled after d and returns how
// long run took to return after the cancellation, and its error.
func cancelAfter(d time.Duration, run func(ctx context.Context) error) (time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan time.Time, 1)
	timer := time.AfterFunc(d, func() { cancelled <- time.Now(); cancel() })
	defer timer.Stop()
	err := run(ctx)
	done := time.Now()
	select {
	case at := <-cancelled:
		return done.Sub(at), err
	default:
		return -1, err // run returned before the cancellation
	}
}

// checkAborted requires an ErrAborted ended by the cancellation within a
// bound far above the measured latencies (a few ms) yet far below the
// seconds the same runs take without a check.
func checkAborted(t *testing.T, err error, latency time.Duration) {
	t.Helper()
	if !errors.Is(err, runtime.ErrAborted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrAborted from context.Canceled", err)
	}
	if latency < 0 {
		t.Fatal("the run returned before it was cancelled")
	}
	t.Logf("returned %v after the cancellation", latency)
	if latency > 500*time.Millisecond {
		t.Errorf("returned %v after the cancellation", latency)
	}
}

// TestCancelForGood: EVM.Cancel, like go-ethereum's, stops the EVM for good.
func TestCancelForGood(t *testing.T) {
	st := stateWith(t, common.FromHex("00"))
	evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{})
	evm.Cancel()
	for range 2 {
		if _, _, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int)); !errors.Is(err, runtime.ErrAborted) {
			t.Fatalf("after Cancel: err = %v, want ErrAborted", err)
		}
	}
}
