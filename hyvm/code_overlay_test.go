package hyvm_test

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/core/tracing"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// TestHyVMNotEmpty sends 1 wei to the HyVM deployment from a guest, in
// both modes (as its own transaction, through the engine's code overlay;
// in the caller's, through the state's). HyVM's code is served by the
// engine, so the account is not empty (EIP-161) even where the state holds
// nothing for it: the call costs what it costs when the state gives the
// account a nonce, not the 25000 gas of a call creating an account.
func TestHyVMNotEmpty(t *testing.T) {
	// call(gas, HyVM, 1 wei, 0, 0, 0, 0); stop
	guest := hx("6000600060006000600173" + hyvm.Reference.Address.Hex()[2:] + "5af1" + "00")
	for _, inTx := range []bool{false, true} {
		var gas [2]uint64
		for i, absent := range []bool{false, true} {
			st := newState(t)
			if absent {
				st.SetNonce(hyvm.Reference.Address, 0, tracing.NonceChangeUnspecified)
				st.Finalise(runtime.Rules(blocks.Prague)) // EIP-161: the empty account goes
				if st.Exist(hyvm.Reference.Address) {
					t.Fatal("the HyVM account is still in the state")
				}
			}
			c := guestContext(1_000_000)
			c.InTransaction = inTx
			res, err := hyvm.Run(context.Background(), st, c, guest)
			if err != nil || !res.Success {
				t.Fatalf("InTransaction %v, absent %v: %+v, %v", inTx, absent, res, err)
			}
			gas[i] = res.GasUsed
		}
		if gas[0] != gas[1] {
			t.Errorf("InTransaction %v: %d gas with HyVM absent from the state, %d with it there", inTx, gas[1], gas[0])
		}
	}
}
