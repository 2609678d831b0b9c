package runtime_test

import (
	"bytes"
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// One chain id per EVM: an EVM configured for chain 5 returns 5 from
// CHAINID and accepts EIP-7702 authorizations signed for chain 5 (and
// refuses those signed for mainnet), as go-ethereum configured for chain 5
// does.
func TestChainIDIsOnePerEVM(t *testing.T) {
	for _, tt := range []struct {
		authChain uint64
		installs  bool
	}{{5, true}, {1, false}, {0, true}} { // 0: valid on any chain
		w := newWorld(t, false)
		evm := runtime.NewEVM(w.block, w.statedb, blocks.Prague, runtime.Config{ChainID: big.NewInt(5)})
		if got := evm.ChainID().Uint64(); got != 5 {
			t.Fatalf("ChainID() = %d, want 5", got)
		}
		msg := call()
		msg.SetCodeAuthorizations = []types.SetCodeAuthorization{signedAuth(t, tt.authChain, 0)}
		if _, err := runtime.ApplyMessage(context.Background(), evm, w.statedb, &w.block, blocks.Prague, msg); err != nil {
			t.Fatal(err)
		}
		installed := bytes.Equal(w.statedb.GetCode(authority), types.AddressToDelegation(recipient))
		if installed != tt.installs {
			t.Errorf("authorization for chain %d on an EVM for chain 5: installed %v, want %v", tt.authChain, installed, tt.installs)
		}
	}
}
