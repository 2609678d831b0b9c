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
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
)

// A wallet contract delegatecalls HyVM with a guest that stores 7 in slot 1
// of the wallet and returns 3 + 4. Gas used: HyVM's start-up (204), each
// instruction's native gas plus HyVM's overhead, the cold SSTORE (22100).
func Example() {
	wallet := common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	owner := common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")

	st, _ := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	st.SetNonce(wallet, 1, tracing.NonceChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)

	// PUSH1 7 PUSH1 1 SSTORE; PUSH1 3 PUSH1 4 ADD PUSH1 0 MSTORE; PUSH1 32 PUSH1 0 RETURN
	guest := common.FromHex("0x6007600155600360040160005260206000f3")
	res, err := hyvm.Run(context.Background(), st, hyvm.Context{
		Fork:   blocks.Prague,
		Block:  vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Origin: owner, Host: wallet, Caller: owner,
		Value: new(uint256.Int), Gas: 100_000, Depth: 1, StateDiff: true,
	}, guest)
	if err != nil {
		panic(err)
	}
	fmt.Println("success:", res.Success)
	fmt.Println("result:", new(big.Int).SetBytes(res.ReturnData))
	fmt.Println("gas used:", res.GasUsed)
	slot := res.StateDiff[wallet].Storage[common.BigToHash(big.NewInt(1))]
	fmt.Println("slot 1:", slot.Pre.Big(), "->", slot.Post.Big())
	// Output:
	// success: true
	// result: 7
	// gas used: 23381
	// slot 1: 0 -> 7
}

// A wallet back end simulating payloads one after another, the fast path:
// one Runner per goroutine (Runners may share a Cache) keeps an EVM, its
// frames and the translations between runs. Here every run happens inside
// one transaction opened on the state and is reverted after, so each
// payload sees the same state.
func ExampleRunner() {
	wallet := common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	owner := common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")
	st, _ := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	st.SetNonce(wallet, 1, tracing.NonceChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)
	block := vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000}
	st.Prepare(runtime.Rules(blocks.Prague), owner, block.Coinbase, &wallet, runtime.Precompiles(blocks.Prague), nil)

	r := hyvm.NewRunner()
	c := hyvm.Context{
		Fork: blocks.Prague, Block: block, Origin: owner, Host: wallet, Caller: owner,
		Gas: 100_000, Depth: 1, Cache: runtime.NewCache(0), InTransaction: true,
	}
	payloads := []string{
		"0x6007600155600160005260206000f3", // sstore(1, 7); return 1
		"0x60015460005260206000f3",         // return sload(1): 0, the run above was reverted
	}
	for _, p := range payloads {
		snap := st.Snapshot()
		res, err := r.Run(context.Background(), st, c, common.FromHex(p))
		st.RevertToSnapshot(snap)
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Success, new(big.Int).SetBytes(res.ReturnData), res.GasUsed)
	}
	// Gas: start-up 204, PUSH1 3+109, MSTORE 3+77+3 (memory), RETURN 77,
	// a cold SSTORE 22100+65 (a fresh slot), a cold SLOAD 2100+65 (the
	// revert undid the warming too).
	// Output:
	// true 1 23201
	// true 0 2977
}
