package runtime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// TestMemoryCaps: code that grows memory to 128 GB with unlimited gas
// (go-ethereum dies of it: "fatal error: runtime: out of memory") fails
// with ErrMemoryLimit and no writes; a configured cap applies per frame and
// to all frames of an execution together.
func TestMemoryCaps(t *testing.T) {
	// mstore8(0x1fffffffdf, 1), after sstore(1, 1).
	huge := common.FromHex("6001600155" + "6001641fffffffdf53")
	st := stateWith(t, huge)
	root := st.IntermediateRoot(runtime.Rules(blocks.Latest))
	evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{})
	_, left, err := evm.Call(context.Background(), testSender, testContract, nil, ^uint64(0), new(uint256.Int))
	if !errors.Is(err, runtime.ErrMemoryLimit) || left != 0 {
		t.Fatalf("err = %v (left %d), want ErrMemoryLimit", err, left)
	}
	if st.IntermediateRoot(runtime.Rules(blocks.Latest)) != root {
		t.Error("the write before the memory cap was kept")
	}

	// Each frame grows memory to 64 KB and calls itself 8 deep (calldata
	// counts down), then stops: 9 frames, 576 KB together.
	recurse := common.FromHex("6001620100005360003580156024576001900360005260006000602060006000305af1505b00")
	run := func(limits runtime.MemoryLimits) error {
		st := stateWith(t, recurse)
		evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{MemoryLimits: limits})
		input := common.LeftPadBytes([]byte{8}, 32)
		_, _, err := evm.Call(context.Background(), testSender, testContract, input, 10_000_000, new(uint256.Int))
		return err
	}
	for _, tt := range []struct {
		name   string
		limits runtime.MemoryLimits
		want   error
	}{
		{"defaults", runtime.MemoryLimits{}, nil},
		{"frame cap under 64 KB", runtime.MemoryLimits{Frame: 64 << 10}, runtime.ErrMemoryLimit},
		{"total cap under 9 frames", runtime.MemoryLimits{Total: 8 * (64<<10 + 32)}, runtime.ErrMemoryLimit},
		{"total cap at 9 frames", runtime.MemoryLimits{Total: 9 * (64<<10 + 32)}, nil},
	} {
		if err := run(tt.limits); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestMemoryCapIsNoTransaction: ApplyMessage reports a run stopped by the
// memory cap as its error, with no receipt and the sender not charged.
func TestMemoryCapIsNoTransaction(t *testing.T) {
	w := newWorld(t, false)
	st := w.statedb
	evm := runtime.NewEVM(w.block, st, blocks.Osaka, runtime.Config{MemoryLimits: runtime.MemoryLimits{Frame: 1 << 20}})
	msg := call()
	msg.GasLimit = 16_000_000                                       // enough for a little over 1 MB
	st.SetCode(recipient, common.FromHex("6001620fffff53"+"00"), 0) // mstore8(0xfffff, 1): 1 MB
	res, err := runtime.ApplyMessage(context.Background(), evm, st, &w.block, blocks.Osaka, msg)
	if err != nil || res.Failed() {
		t.Fatalf("1 MB under a 1 MB cap: %v, %v", res, err)
	}
	st.SetCode(recipient, common.FromHex("600162100000"+"53"), 0) // 1 MB + 1 byte: over the cap
	root := st.IntermediateRoot(runtime.Rules(blocks.Osaka))
	msg.Nonce++
	res, err = runtime.ApplyMessage(context.Background(), evm, st, &w.block, blocks.Osaka, msg)
	if !errors.Is(err, runtime.ErrMemoryLimit) || res != nil {
		t.Fatalf("over the cap: %+v, %v; want ErrMemoryLimit and no receipt", res, err)
	}
	if st.IntermediateRoot(runtime.Rules(blocks.Osaka)) != root {
		t.Error("the stopped transaction changed the state (gas bought, nonce bumped?)")
	}
}
