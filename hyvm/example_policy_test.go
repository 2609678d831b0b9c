package hyvm_test

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hyvm/hyvm/runtime"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
)

// A policy lets the guest write only the wallet's slots below 16. The guest
// writes slot 1, then slot 99: the second write is denied, so the guest
// ends with revert(0, 0), nothing changes and only the gas spent up to the
// denied SSTORE is used: start-up 204, four PUSH1 of 112, the cold store of
// slot 1 (22100 + HyVM's 65) and the denied SSTORE's 65.
func ExamplePolicyFuncs() {
	wallet := common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	owner := common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")
	st, _ := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	st.SetNonce(wallet, 1, tracing.NonceChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)

	lowSlots := hyvm.PolicyFuncs{Store: func(s *hyvm.StoreRequest) bool {
		return s.Slot.Big().Cmp(big.NewInt(16)) < 0
	}}
	// sstore(1, 7); sstore(99, 7)
	guest := common.FromHex("0x60076001556007606355")
	res, err := hyvm.Run(context.Background(), st, hyvm.Context{
		Fork:   blocks.Prague,
		Block:  vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Origin: owner, Host: wallet, Caller: owner,
		Gas: 100_000, Depth: 1, Policy: lowSlots, StateDiff: true,
	}, guest)
	if err != nil {
		panic(err)
	}
	fmt.Println("success:", res.Success, "error:", res.Err)
	fmt.Println("gas used:", res.GasUsed)
	fmt.Println("changes:", len(res.StateDiff), "slot 1:", st.GetState(wallet, common.BigToHash(big.NewInt(1))).Big())
	// Output:
	// success: false error: execution reverted
	// gas used: 22882
	// changes: 0 slot 1: 0
}
