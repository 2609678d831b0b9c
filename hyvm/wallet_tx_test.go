package hyvm_test

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvm/guest"
	"github.com/hyvm/hyvm/runtime"
)

// The owner's transaction runs a guest in the wallet that pays bob 100
// tokens, wraps 2 ether (a call with value), emits its own log, writes the
// wallet's storage and returns the wallet's WETH balance.
func TestWalletTransaction(t *testing.T) {
	w := newWalletWorld(t)
	g := new(guest.Builder).
		Call(w.token, nil, w.pack(t, w.tokenABI, "transfer", bob, eth(100))).
		Call(w.weth, uint256.MustFromBig(eth(2)), w.pack(t, w.wethABI, "deposit")).
		Log1(walletTopic, common.BigToHash(big.NewInt(42)).Bytes()).
		Sstore(7, 0x77).
		StaticCall(w.weth, w.pack(t, w.wethABI, "balanceOf", w.wallet)).
		StoreOutput(8).
		ReturnOutput().Bytes()
	res, st, frame := w.exec(t, "exec", g, false, runtime.Config{})
	if res.Failed() {
		t.Fatalf("transaction failed: %v (%x)", res.Err, res.ReturnData)
	}
	if out := w.output(t, "exec", res.ReturnData); new(big.Int).SetBytes(out).Cmp(eth(2)) != 0 {
		t.Errorf("guest output %x, want 2 ether", out)
	}
	// Expectations from the guest itself.
	if got := w.balanceOf(t, st, w.token, w.tokenABI, bob); got.Cmp(eth(100)) != 0 {
		t.Errorf("bob's tokens: %v", got)
	}
	if got := w.balanceOf(t, st, w.token, w.tokenABI, w.wallet); got.Cmp(eth(900)) != 0 {
		t.Errorf("wallet's tokens: %v", got)
	}
	if got := w.balanceOf(t, st, w.weth, w.wethABI, w.wallet); got.Cmp(eth(2)) != 0 {
		t.Errorf("wallet's WETH: %v", got)
	}
	if got := st.GetBalance(w.wallet); got.ToBig().Cmp(eth(8)) != 0 {
		t.Errorf("wallet's ether: %v", got)
	}
	if got := st.GetState(w.wallet, common.BigToHash(big.NewInt(7))); got != common.BigToHash(big.NewInt(0x77)) {
		t.Errorf("wallet slot 7: %v", got)
	}
	if got := st.GetState(w.wallet, common.BigToHash(big.NewInt(8))); got.Big().Cmp(eth(2)) != 0 {
		t.Errorf("wallet slot 8: %v", got)
	}
	logs := st.Logs()
	if len(logs) != 3 || logs[0].Address != w.token || logs[1].Address != w.weth ||
		logs[2].Address != w.wallet || logs[2].Topics[0] != walletTopic {
		t.Errorf("logs: %v", logs)
	}
	if frame.depth != 1 || frame.host != w.wallet || frame.from != owner {
		t.Errorf("HyVM frame: %+v", frame)
	}
}

// A guest delegatecalls HyVM with an inner guest (a nested guest): both run
// in the wallet's context.
func TestWalletNestedGuest(t *testing.T) {
	w := newWalletWorld(t)
	inner := new(guest.Builder).
		Call(w.token, nil, w.pack(t, w.tokenABI, "transfer", bob, eth(5))).
		Sstore(2, 2).
		Log1(walletTopic, nil).Bytes()
	outer := new(guest.Builder).
		Sstore(1, 1).
		DelegateCall(hyvm.Reference.Address, inner).
		Sstore(3, 3).Bytes()
	res, st, _ := w.exec(t, "exec", outer, false, runtime.Config{})
	if res.Failed() {
		t.Fatalf("transaction failed: %v (%x)", res.Err, res.ReturnData)
	}
	for slot := int64(1); slot <= 3; slot++ {
		if got := st.GetState(w.wallet, common.BigToHash(big.NewInt(slot))); got != common.BigToHash(big.NewInt(slot)) {
			t.Errorf("wallet slot %d: %v", slot, got)
		}
	}
	if got := w.balanceOf(t, st, w.token, w.tokenABI, bob); got.Cmp(eth(5)) != 0 {
		t.Errorf("bob's tokens: %v", got)
	}
	if logs := st.Logs(); len(logs) != 2 || logs[1].Address != w.wallet {
		t.Errorf("logs: %v", logs)
	}
}

// execStatic runs the guest as StaticHyVM does, in a static context: reads
// work, and every state change fails as under STATICCALL.
func TestWalletStatic(t *testing.T) {
	w := newWalletWorld(t)
	read := new(guest.Builder).
		StaticCall(w.token, w.pack(t, w.tokenABI, "balanceOf", w.wallet)).
		ReturnOutput().Bytes()
	res, _, frame := w.exec(t, "execStatic", read, true, runtime.Config{})
	if res.Failed() || new(big.Int).SetBytes(w.output(t, "execStatic", res.ReturnData)).Cmp(eth(1000)) != 0 {
		t.Fatalf("static read: %v %x", res.Err, res.ReturnData)
	}
	// owner -> wallet.execStatic -> STATICCALL wallet.runStatic -> HyVM
	if frame.depth != 2 || frame.host != w.wallet || frame.from != w.wallet {
		t.Errorf("HyVM frame: %+v", frame)
	}

	for _, tt := range []struct {
		name  string
		guest []byte
		// halt: the HyVM frame halts exceptionally (all its gas); else the
		// guest sees its call fail and reverts.
		halt bool
	}{
		{"sstore", new(guest.Builder).Sstore(1, 1).Bytes(), true},
		{"log", new(guest.Builder).Log1(walletTopic, nil).Bytes(), true},
		{"call with value", new(guest.Builder).Call(bob, uint256.NewInt(1), nil).Bytes(), true},
		{"create", new(guest.Builder).PushUint(0).PushUint(0).PushUint(0).Op(vm.CREATE).Bytes(), true},
		{"state-changing callee", new(guest.Builder).Call(w.token, nil, w.pack(t, w.tokenABI, "transfer", bob, eth(1))).Bytes(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, st, frame := w.exec(t, "execStatic", tt.guest, true, runtime.Config{})
			if !res.Failed() || !errors.Is(res.Err, vm.ErrExecutionReverted) {
				t.Fatalf("transaction: %v", res.Err)
			}
			if halted := frame.gasUsed == frame.gas; halted != tt.halt || frame.err == nil {
				t.Errorf("HyVM frame: err %v, used %d of %d; want exceptional halt %v", frame.err, frame.gasUsed, frame.gas, tt.halt)
			}
			// go-ethereum reports some as its gas functions do: "out of
			// gas: write protection".
			if tt.halt && !strings.Contains(frame.err.Error(), vm.ErrWriteProtection.Error()) {
				t.Errorf("HyVM frame error %v, want write protection", frame.err)
			}
			if got := w.balanceOf(t, st, w.token, w.tokenABI, bob); got.Sign() != 0 {
				t.Errorf("bob's tokens: %v", got)
			}
		})
	}
}

// A policy set on the EVM (Config.HyVMPolicy) applies to the wallet's
// guests: token transfers to anyone but bob are denied, which reverts the
// guest and so the transaction.
func TestWalletPolicy(t *testing.T) {
	w := newWalletWorld(t)
	transfer := w.tokenABI.Methods["transfer"].ID
	onlyBob := hyvm.PolicyFuncs{Call: func(c *hyvm.CallRequest) bool {
		sel := c.Selector()
		return !bytes.Equal(sel[:], transfer) || common.BytesToAddress(c.Data[4:36]) == bob
	}}
	cfg := runtime.Config{HyVMPolicy: onlyBob}
	pay := func(to common.Address) []byte {
		return new(guest.Builder).Sstore(1, 1).Call(w.token, nil, w.pack(t, w.tokenABI, "transfer", to, eth(1))).Bytes()
	}
	if res, st, _ := w.exec(t, "exec", pay(bob), false, cfg); res.Failed() || w.balanceOf(t, st, w.token, w.tokenABI, bob).Cmp(eth(1)) != 0 {
		t.Errorf("allowed transfer: %v", res.Err)
	}
	res, st, frame := w.exec(t, "exec", pay(carol), false, cfg)
	if !errors.Is(res.Err, vm.ErrExecutionReverted) || len(frame.output) != 0 || frame.gasUsed == frame.gas {
		t.Errorf("denied transfer: transaction %v, frame %+v", res.Err, frame)
	}
	if w.balanceOf(t, st, w.token, w.tokenABI, carol).Sign() != 0 || st.GetState(w.wallet, common.BigToHash(big.NewInt(1))) != (common.Hash{}) {
		t.Error("denied guest changed the state")
	}
}
