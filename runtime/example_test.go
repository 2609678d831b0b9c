package runtime_test

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// Run a contract that computes 3 + 4 and returns it as a 32-byte word.
func ExampleEVM_Call() {
	sender := common.HexToAddress("0x1000000000000000000000000000000000000001")
	contract := common.HexToAddress("0x2000000000000000000000000000000000000002")

	// go-ethereum's state over an in-memory database is the default state.
	db := runtime.NewMemoryDatabase()
	st, _ := state.New(types.EmptyRootHash, db)
	st.SetCode(contract, common.FromHex("600360040160005260206000f3"), tracing.CodeChangeUnspecified)

	block := vm.BlockContext{BlockNumber: big.NewInt(1), Time: 1, GasLimit: 30_000_000,
		Difficulty: big.NewInt(0), BaseFee: big.NewInt(0), Random: &common.Hash{}}
	evm := runtime.NewEVM(block, st, blocks.Latest, runtime.Config{})

	out, left, err := evm.Call(context.Background(), sender, contract, nil, 100_000, new(uint256.Int))
	fmt.Println(new(big.Int).SetBytes(out), 100_000-left, err)
	// Output: 7 24 <nil>
}
