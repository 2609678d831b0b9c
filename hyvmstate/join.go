package hyvmstate

import (
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/eq"
)

// Join discards everything the overlay holds and makes it an empty overlay
// continuing the transaction that backing has open: reads see what that
// transaction has done so far — its access list, transient storage, refund
// counter, EIP-2200 original values and EIP-6780 marks — and Merge writes
// what the overlay did into it, as changes of that transaction, without
// finalising anything. Until Merge, backing is only read, so dropping the
// overlay (Reset) leaves the transaction as it was.
//
// A caller running one call of a longer transaction uses it to get the
// overlay's cheap accesses and reverts and still snapshot, revert and
// finalise the transaction on its own state.
func (o *Overlay) Join(backing vm.StateDB) {
	o.Reset(backing)
	o.joined = true
	o.refund = backing.GetRefund()
}

// Merge writes the changes made since Join into the backing state, as the
// backing's own journaled changes, so that a snapshot the caller took of it
// before still reverts them: accounts created, marked as new contracts or
// self-destructed, balances, nonces, code and storage, accounts touched
// (EIP-161), access-list additions, transient storage, the refund counter
// and the logs, in order. The overlay then goes on over the same
// transaction. Merge panics if the overlay was not joined.
func (o *Overlay) Merge() {
	if !o.joined {
		panic("hyvmstate: Merge of an overlay that did not Join a transaction")
	}
	b := o.backing
	for i := range o.journal {
		switch c := &o.journal[i]; c.kind {
		case kAccount, kTouch:
			o.mergeAccount(c.acct, true)
		case kContract:
			o.mergeAccount(c.acct, false)
		case kStorage:
			o.mergeSlot(c.idx)
			o.mergeAccount(o.slotAt(c.idx).acct, true)
		case kWarmAccount:
			b.AddAddressToAccessList(c.acct.addr)
		case kWarmSlot:
			s := o.slotAt(c.idx)
			b.AddSlotToAccessList(s.key.addr, s.key.slot)
		}
	}
	// Accounts first: storage of an account the overlay created needs it.
	for _, a := range o.flushAccounts {
		if !a.data.exists {
			continue
		}
		if o.flushAccount(a, &a.base) {
			a.mutated = false // written, so changed in the backing state too
		}
		a.base = a.data.backing()
	}
	for _, i := range o.flushSlots {
		s := o.slotAt(i)
		s.flush = false
		if prev := b.SetState(s.key.addr, s.key.slot, s.value); !eq.Hash(&prev, &s.value) {
			s.acct.mutated = false // written, so changed in the backing state too
		}
	}
	// An account changed and changed back must still be changed in the
	// backing state: go-ethereum's Finalise deletes it if empty (EIP-161)
	// and clears its new-contract mark (EIP-6780) only then.
	for _, a := range o.flushAccounts {
		switch {
		case !a.mutated || !a.data.exists:
		case a.data.empty():
			b.AddBalance(a.addr, &o.zero, tracing.BalanceChangeTouchAccount) // amounts are only read
		default:
			b.SetNonce(a.addr, a.data.nonce, tracing.NonceChangeUnspecified)
		}
		a.flush, a.mutated = false, false
	}
	if o.ripemdTouched {
		o.mergeRIPEMDTouch()
	}
	for i := range o.transient {
		t := &o.transient[i]
		if b.GetTransientState(t.key.addr, t.key.slot) != t.value {
			b.SetTransientState(t.key.addr, t.key.slot, t.value)
		}
	}
	if have := b.GetRefund(); have < o.refund {
		b.AddRefund(o.refund - have)
	} else if have > o.refund {
		b.SubRefund(have - o.refund)
	}
	for _, l := range o.logs {
		b.AddLog(l)
	}
	// The overlay's records now equal the backing's: it goes on over the
	// same transaction with an empty journal.
	refund := o.refund
	o.resetJournal()
	o.refund = refund
	clear(o.logs)
	o.logs = o.logs[:0]
}

// mergeAccount queues a for Merge once; mutated says the journal changed
// it (go-ethereum's Finalise settles only changed accounts).
func (o *Overlay) mergeAccount(a *account, mutated bool) {
	if !a.flush {
		a.flush = true
		o.flushAccounts = append(o.flushAccounts, a)
	}
	a.mutated = a.mutated || mutated
}

// mergeSlot queues slot i for Merge once: an SSTORE loop writing one slot
// many times writes it once (not at all if it ends as it was).
func (o *Overlay) mergeSlot(i uint32) {
	if s := o.slotAt(i); !s.flush {
		s.flush = true
		o.flushSlots = append(o.flushSlots, i)
	}
}

// mergeRIPEMDTouch replays a touch of RIPEMD-160 made while it was empty,
// which go-ethereum keeps even when the touch is reverted (a consensus
// quirk): if the account is no longer empty, it is emptied for the touch
// under a snapshot reverted at once, which leaves only the touch behind.
func (o *Overlay) mergeRIPEMDTouch() {
	b := o.backing
	if !b.Exist(ripemd) {
		return // a touch of an absent account settles nothing
	}
	snap := b.Snapshot()
	if !b.Empty(ripemd) {
		b.SubBalance(ripemd, b.GetBalance(ripemd).Clone(), tracing.BalanceChangeUnspecified)
		b.SetNonce(ripemd, 0, tracing.NonceChangeUnspecified)
		b.SetCode(ripemd, nil, tracing.CodeChangeUnspecified)
	}
	b.AddBalance(ripemd, new(uint256.Int), tracing.BalanceChangeTouchAccount)
	b.RevertToSnapshot(snap)
}
