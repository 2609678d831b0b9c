package runtime_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/tests"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

func newState(t *testing.T, code []byte, to common.Address) *state.StateDB {
	db := state.NewDatabase(triedb.NewDatabase(rawdb.NewMemoryDatabase(), nil), nil)
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		t.Fatal(err)
	}
	st.SetCode(to, code, tracing.CodeChangeUnspecified)
	st.SetBalance(common.Address{1}, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	return st
}

func TestSmoke(t *testing.T) {
	to := common.Address{0xaa}
	for _, hexcode := range []string{
		"600360040160005260206000f3",
		"5a60005260206000f3",
		"6001600055600160015460005260206000f3",
		"60056003575b600a6000525b60206000f3",
		"600a5b6001900380600257",
	} {
		code := common.FromHex(hexcode)
		block := vm.BlockContext{CanTransfer: func(vm.StateDB, common.Address, *uint256.Int) bool { return true },
			Transfer:    func(vm.StateDB, common.Address, common.Address, *uint256.Int, *params.Rules) {},
			BlockNumber: big.NewInt(1), Time: 1, Difficulty: big.NewInt(0), BaseFee: big.NewInt(0), Random: &common.Hash{}, GasLimit: 30000000}
		_ = block
		run := func(m runtime.Machine, st *state.StateDB) ([]byte, uint64, error) {
			st.Prepare(runtime.Rules(blocks.Osaka), common.Address{1}, common.Address{}, &to, runtime.Precompiles(blocks.Osaka), nil)
			return m.Call(common.Address{1}, to, nil, 100000, new(uint256.Int))
		}
		st1 := newState(t, code, to)
		r1, g1, e1 := run(runtime.NewEVM(block, st1, blocks.Osaka, runtime.Config{}), st1)
		st2 := newState(t, code, to)
		r2, g2, e2 := run(reference.New(block, st2, tests.Forks["Osaka"], vm.Config{}), st2)
		if !bytes.Equal(r1, r2) || g1 != g2 || (e1 == nil) != (e2 == nil) {
			t.Errorf("%s: hyvm %x %d %v; geth %x %d %v", hexcode, r1, g1, e1, r2, g2, e2)
		}
	}
}
