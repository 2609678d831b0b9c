package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// TestApplyMessageRefusesBadArguments: missing pieces are errors naming
// them, not panics.
func TestApplyMessageRefusesBadArguments(t *testing.T) {
	w := newWorld(t, false)
	evm := runtime.NewEVM(w.block, w.statedb, blocks.Osaka, runtime.Config{})
	for _, tt := range []struct {
		name string
		run  func() error
	}{
		{"nil message", func() error {
			_, err := runtime.ApplyMessage(context.Background(), evm, w.statedb, &w.block, blocks.Osaka, nil)
			return err
		}},
		{"nil block context", func() error {
			_, err := runtime.ApplyMessage(context.Background(), evm, w.statedb, nil, blocks.Osaka, call())
			return err
		}},
		{"nil state", func() error {
			_, err := runtime.ApplyMessage(context.Background(), evm, nil, &w.block, blocks.Osaka, call())
			return err
		}},
		{"nil machine", func() error {
			_, err := runtime.ApplyMessage(context.Background(), nil, w.statedb, &w.block, blocks.Osaka, call())
			return err
		}},
		{"unsupported fork", func() error {
			_, err := runtime.ApplyMessage(context.Background(), evm, w.statedb, &w.block, 99, call())
			return err
		}},
	} {
		err := tt.run()
		if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(tt.name, "nil ")) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	// An EVM made for an unsupported fork refuses to run.
	bad := runtime.NewEVM(w.block, w.statedb, 99, runtime.Config{})
	if _, _, err := bad.Call(context.Background(), sender, recipient, nil, 100_000, nil); err == nil {
		t.Error("an EVM for fork 99 ran a call")
	}
}
