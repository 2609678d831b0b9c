package hyvmtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/runtime"
)

// TestThroughHost runs every case the way it was measured: C calls the host
// H with uint256(gas) ‖ guest, and H's code delegatecalls the natively
// served HyVM. H returns the guest's output or reverts with it, so status
// and data must match the vectors.
func TestThroughHost(t *testing.T) {
	file, err := Load(sharedVectors(t))
	if err != nil {
		t.Fatal(err)
	}
	cache := runtime.NewCache(0)
	w, err := newWorld(&file.Environment, cache)
	if err != nil {
		t.Fatal(err)
	}
	env := &file.Environment
	ctx := w.ctx
	for i := range file.Cases {
		c := &file.Cases[i]
		st, err := state.New(w.root, w.db)
		if err != nil {
			t.Fatal(err)
		}
		st.Prepare(runtime.Rules(ctx.Fork), env.Origin, env.Coinbase, &env.Host, runtime.Precompiles(ctx.Fork), nil)
		evm := runtime.NewEVM(ctx.Block, st, ctx.Fork, runtime.Config{ChainID: ctx.ChainID, Cache: cache, HyVM: []runtime.HyVMContract{ctx.HyVM}})
		evm.SetTxContext(vm.TxContext{Origin: env.Origin, GasPrice: ctx.GasPrice})
		input := append(common.BigToHash(new(uint256.Int).SetUint64(c.Gas).ToBig()).Bytes(), c.Code...)
		ret, _, err := evm.Call(context.Background(), env.Caller, env.Host, input, 30_000_000, new(uint256.Int))
		if (err == nil) != c.Success || !bytes.Equal(ret, c.ReturnData) {
			t.Errorf("%s: through H: success %v (%v) ret %x; want %v %x", c.Name, err == nil, err, ret, c.Success, c.ReturnData)
		}
	}
}
