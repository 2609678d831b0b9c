package guest_test

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvm/guest"
	"github.com/hyvm/hyvm/runtime"
)

// A payload that loops three times writing the loop counter (3, 2, then 1)
// to slot 1 of the wallet, writes 7 to slot 2 and logs, assembled in Go and
// run through HyVM.
func Example() {
	payload := new(guest.Builder).
		Loop(3, func(b *guest.Builder) { b.Op(vm.DUP1).PushUint(1).Op(vm.SSTORE) }).
		Sstore(2, 7).
		Log1(common.Hash{0xaa}, []byte("done")).
		Bytes()

	wallet := common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	owner := common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")
	st, _ := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	st.SetNonce(wallet, 1, tracing.NonceChangeUnspecified)
	res, err := hyvm.Run(context.Background(), st, hyvm.Context{
		Fork: blocks.Prague, Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Origin: owner, Host: wallet, Caller: owner, Gas: 200_000, Depth: 1,
	}, payload)
	if err != nil {
		panic(err)
	}
	fmt.Println("success:", res.Success, "logs:", len(res.Logs), string(res.Logs[0].Data))
	fmt.Println("slot 1:", st.GetState(wallet, common.BigToHash(big.NewInt(1))).Big())
	fmt.Println("slot 2:", st.GetState(wallet, common.BigToHash(big.NewInt(2))).Big())
	// Output:
	// success: true logs: 1 done
	// slot 1: 1
	// slot 2: 7
}
