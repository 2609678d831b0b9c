package hyvmstate

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/faultstate"
)

var (
	aa = fuzzAddrs[1] // balance 1000, nonce 3, code, slot 1 = 2
	bb = fuzzAddrs[2] // balance 50
	cc = fuzzAddrs[3] // empty, with slot 1 = 1
	dd = fuzzAddrs[4] // absent
	k1 = fuzzKeys[1]
	v1 = fuzzValues[1]
	v2 = fuzzValues[2]
	v3 = fuzzValues[3]
)

// newTestOverlay returns an overlay over the differential test's pre-state,
// prepared for a transaction from bb to aa.
func newTestOverlay(t testing.TB) *Overlay {
	t.Helper()
	_, backing := fuzzPreState(t)
	o := New(backing)
	o.Prepare(fuzzRules, bb, bb, &aa, nil, nil)
	return o
}

func TestJournal(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, o *Overlay)
	}{
		{"nested snapshots revert one level at a time", func(t *testing.T, o *Overlay) {
			o.SetState(aa, k1, v1)
			s1 := o.Snapshot()
			o.SetState(aa, k1, v3)
			s2 := o.Snapshot()
			o.SetState(aa, k1, common.Hash{})
			o.RevertToSnapshot(s2)
			expect(t, "after inner revert", o.GetState(aa, k1), v3)
			o.RevertToSnapshot(s1)
			expect(t, "after outer revert", o.GetState(aa, k1), v1)
		}},
		{"reverting an outer snapshot drops the inner ones", func(t *testing.T, o *Overlay) {
			s1 := o.Snapshot()
			o.SetNonce(aa, 9, tracing.NonceChangeUnspecified)
			o.Snapshot()
			o.SetNonce(aa, 10, tracing.NonceChangeUnspecified)
			o.RevertToSnapshot(s1)
			expect(t, "nonce", o.GetNonce(aa), uint64(3))
			expect(t, "next snapshot id", o.Snapshot(), s1)
		}},
		{"original value survives writes and reverts, then moves on", func(t *testing.T, o *Overlay) {
			s := o.Snapshot()
			o.SetState(aa, k1, v1)
			cur, orig := o.GetStateAndCommittedState(aa, k1)
			expect(t, "current", cur, v1)
			expect(t, "original", orig, v2)
			o.RevertToSnapshot(s)
			o.SetState(aa, k1, v3)
			o.Finalise(fuzzRules)
			cur, orig = o.GetStateAndCommittedState(aa, k1)
			expect(t, "next transaction's original", orig, v3)
			expect(t, "next transaction's current", cur, v3)
		}},
		{"refunds revert", func(t *testing.T, o *Overlay) {
			o.AddRefund(10)
			s := o.Snapshot()
			o.SubRefund(4)
			o.AddRefund(100)
			expect(t, "refund", o.GetRefund(), uint64(106))
			o.RevertToSnapshot(s)
			expect(t, "reverted refund", o.GetRefund(), uint64(10))
			o.Finalise(fuzzRules)
			expect(t, "refund after Finalise", o.GetRefund(), uint64(0))
		}},
		{"access list: Prepare warms, adds revert", func(t *testing.T, o *Overlay) {
			expect(t, "sender warm", o.AddressInAccessList(bb), true)
			expect(t, "destination warm", o.AddressInAccessList(aa), true)
			s := o.Snapshot()
			o.AddSlotToAccessList(dd, k1)
			a, sl := o.SlotInAccessList(dd, k1)
			expect(t, "added slot", [2]bool{a, sl}, [2]bool{true, true})
			o.RevertToSnapshot(s)
			a, sl = o.SlotInAccessList(dd, k1)
			expect(t, "reverted slot", [2]bool{a, sl}, [2]bool{false, false})
			o.AddSlotToAccessList(aa, k1)
			o.Prepare(fuzzRules, dd, dd, nil, nil, types.AccessList{{Address: cc, StorageKeys: []common.Hash{k1}}})
			expect(t, "old destination after Prepare", o.AddressInAccessList(aa), false)
			a, sl = o.SlotInAccessList(cc, k1)
			expect(t, "access-list slot", [2]bool{a, sl}, [2]bool{true, true})
		}},
		{"transient storage reverts and ends with the transaction", func(t *testing.T, o *Overlay) {
			o.SetTransientState(aa, k1, v1)
			s := o.Snapshot()
			o.SetTransientState(aa, k1, v2)
			o.RevertToSnapshot(s)
			expect(t, "reverted", o.GetTransientState(aa, k1), v1)
			o.Finalise(fuzzRules)
			expect(t, "kept until Prepare", o.GetTransientState(aa, k1), v1)
			o.Prepare(fuzzRules, bb, bb, &aa, nil, nil)
			expect(t, "after Prepare", o.GetTransientState(aa, k1), common.Hash{})
		}},
		{"logs are stamped and revert", func(t *testing.T, o *Overlay) {
			o.SetTxContext(common.Hash{7}, 3, 0)
			o.AddLog(&types.Log{Address: aa})
			s := o.Snapshot()
			o.AddLog(&types.Log{Address: bb})
			o.RevertToSnapshot(s)
			o.AddLog(&types.Log{Address: cc})
			logs := o.Logs()
			expect(t, "logs", len(logs), 2)
			expect(t, "second log", [3]any{logs[1].Address, logs[1].Index, logs[1].TxIndex}, [3]any{cc, uint(1), uint(3)})
			expect(t, "GetLogs", len(o.GetLogs(common.Hash{7}, 1, common.Hash{}, 0)), 2)
		}},
		{"a returned balance never changes", func(t *testing.T, o *Overlay) {
			b := o.GetBalance(aa)
			o.SubBalance(aa, b, tracing.BalanceChangeUnspecified)
			expect(t, "held balance", b.Uint64(), uint64(1000))
			expect(t, "new balance", o.GetBalance(aa).Uint64(), uint64(0))
		}},
		{"a self-destructed account lives until Finalise", func(t *testing.T, o *Overlay) {
			o.SelfDestruct(aa)
			expect(t, "exists", o.Exist(aa), true)
			expect(t, "storage", o.GetState(aa, k1), v2)
			expect(t, "marked", o.HasSelfDestructed(aa), true)
			o.Finalise(fuzzRules)
			expect(t, "exists after Finalise", o.Exist(aa), false)
			o.SetNonce(aa, 1, tracing.NonceChangeUnspecified) // recreated: empty storage
			expect(t, "recreated storage", o.GetState(aa, k1), common.Hash{})
		}},
		{"a reverted self-destruct keeps the account", func(t *testing.T, o *Overlay) {
			s := o.Snapshot()
			o.SelfDestruct(aa)
			o.RevertToSnapshot(s)
			o.Finalise(fuzzRules)
			expect(t, "exists", o.Exist(aa), true)
		}},
		{"only contracts created in the transaction are new", func(t *testing.T, o *Overlay) {
			o.CreateAccount(dd)
			o.CreateContract(dd)
			o.SetNonce(dd, 1, tracing.NonceChangeNewContract)
			expect(t, "new", o.IsNewContract(dd), true)
			expect(t, "old", o.IsNewContract(aa), false)
			o.Finalise(fuzzRules)
			expect(t, "new after Finalise", o.IsNewContract(dd), false)
			expect(t, "exists after Finalise", o.Exist(dd), true)
		}},
		{"EIP-161: touched empty accounts go, untouched ones stay", func(t *testing.T, o *Overlay) {
			o.AddBalance(cc, new(uint256.Int), tracing.BalanceChangeUnspecified)
			expect(t, "untouched empty", o.Exist(ripemd), true)
			o.Finalise(fuzzRules)
			expect(t, "touched empty", o.Exist(cc), false)
			expect(t, "its storage", o.GetState(cc, k1), common.Hash{})
			expect(t, "untouched empty after Finalise", o.Exist(ripemd), true)
		}},
		{"a reverted touch of RIPEMD-160 still deletes it", func(t *testing.T, o *Overlay) {
			s := o.Snapshot()
			o.AddBalance(ripemd, new(uint256.Int), tracing.BalanceChangeUnspecified)
			o.AddBalance(cc, new(uint256.Int), tracing.BalanceChangeUnspecified)
			o.RevertToSnapshot(s)
			o.Finalise(fuzzRules)
			expect(t, "RIPEMD-160", o.Exist(ripemd), false)
			expect(t, "other reverted touch", o.Exist(cc), true)
		}},
		{"reverting a creation restores absence", func(t *testing.T, o *Overlay) {
			s := o.Snapshot()
			o.SetState(dd, k1, v1)
			expect(t, "created", o.Exist(dd), true)
			o.RevertToSnapshot(s)
			expect(t, "reverted", o.Exist(dd), false)
			expect(t, "code hash", o.GetCodeHash(dd), common.Hash{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newTestOverlay(t)) })
	}
}

func expect[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestBadSnapshotPanics(t *testing.T) {
	o := newTestOverlay(t)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	o.RevertToSnapshot(1)
}

// TestSteadyStateAllocs checks that a transaction's worth of state traffic,
// reverted, allocates nothing once the overlay has seen it.
func TestSteadyStateAllocs(t *testing.T) {
	o := newTestOverlay(t)
	one := uint256.NewInt(1)
	run := func() {
		s := o.Snapshot()
		o.AddSlotToAccessList(aa, k1)
		o.GetStateAndCommittedState(aa, k1)
		o.SetState(aa, k1, v3)
		o.AddRefund(4800)
		o.SetTransientState(aa, k1, v1)
		o.SubBalance(bb, one, tracing.BalanceChangeTransfer)
		o.AddBalance(aa, one, tracing.BalanceChangeTransfer)
		o.GetBalance(aa)
		o.AddLog(&types.Log{})
		o.RevertToSnapshot(s)
	}
	run()
	// The log is the caller's allocation; balance cells come 64 at a time.
	if n := testing.AllocsPerRun(1000, run); n >= 1.1 {
		t.Errorf("%v allocations per run, want at most the log's", n)
	}
}

// TestFailedReadIsReadAgain checks that a backing read that fails (a
// forked state's endpoint, panicking) leaves the account to be read again,
// not an account that seems absent.
func TestFailedReadIsReadAgain(t *testing.T) {
	_, backing := fuzzPreState(t)
	for failAt := 1; failAt <= 4; failAt++ { // Exist, GetNonce, GetCodeHash, GetBalance
		faulty := faultstate.Wrap(backing, failAt)
		o := New(faulty)
		func() {
			defer func() { _ = recover() }()
			o.GetBalance(aa)
		}()
		if !faulty.Fired {
			t.Fatalf("read %d did not fail", failAt)
		}
		if !o.Exist(aa) || o.GetBalance(aa).Uint64() != 1000 || o.GetNonce(aa) != 3 || len(o.GetCode(aa)) == 0 {
			t.Fatalf("after a failed read %d: exist %v, balance %v, nonce %d", failAt, o.Exist(aa), o.GetBalance(aa), o.GetNonce(aa))
		}
	}
}
