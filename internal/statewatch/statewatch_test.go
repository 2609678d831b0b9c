package statewatch_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/statewatch"
	"github.com/hyvm/hyvm/runtime"
)

func TestHooksSeeEveryWriteBeforeIt(t *testing.T) {
	st := runtime.NewMemoryState()
	a, b := common.Address{1}, common.Address{2}
	slot := common.Hash{3}
	st.SetState(b, slot, common.Hash{7})
	var accounts []common.Address
	var before common.Hash
	w := statewatch.Wrap(st, statewatch.Hooks{
		Account: func(addr common.Address) { accounts = append(accounts, addr) },
		Slot:    func(addr common.Address, k common.Hash) { before = st.GetState(addr, k) },
	})
	w.AddBalance(a, uint256.NewInt(1), tracing.BalanceChangeUnspecified)
	w.SubBalance(a, uint256.NewInt(1), tracing.BalanceChangeUnspecified)
	w.SetNonce(a, 1, tracing.NonceChangeUnspecified)
	w.SetCode(a, []byte{1}, tracing.CodeChangeUnspecified)
	w.CreateAccount(a)
	w.CreateContract(a)
	w.SelfDestruct(a)
	w.Touch(a)
	w.SetState(b, slot, common.Hash{9})
	if len(accounts) != 9 || accounts[8] != b {
		t.Errorf("account hook calls = %v, want 8 for %v then 1 for %v", accounts, a, b)
	}
	if before != (common.Hash{7}) {
		t.Errorf("slot hook saw %x, want the value before the write", before)
	}
	if got := st.GetState(b, slot); got != (common.Hash{9}) {
		t.Errorf("write not passed through: %x", got)
	}
}
