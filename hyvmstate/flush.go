package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/eq"
)

// balanceSetter is implemented by go-ethereum's StateDB; other backing
// states get their balances set through AddBalance and SubBalance.
type balanceSetter interface {
	SetBalance(common.Address, *uint256.Int, tracing.BalanceChangeReason)
}

// Flush finalises the current transaction and writes every change made
// since the last Flush into the backing state, leaving it finalised under
// rules, so that its root (go-ethereum's IntermediateRoot) is the overlay's.
// Accounts deleted in the overlay are deleted in the backing state first
// (through SelfDestruct), so a recreated account starts from empty storage.
// The overlay stays usable and consistent with the backing state.
func (o *Overlay) Flush(rules params.Rules) {
	if o.joined {
		panic("hyvmstate: Flush of an overlay joined to an open transaction (use Merge)")
	}
	o.Finalise(rules)
	b := o.backing
	deleted := false
	for _, a := range o.flushAccounts {
		if a.wiped && b.Exist(a.addr) {
			b.SelfDestruct(a.addr)
			deleted = true
		}
	}
	if deleted {
		b.Finalise(rules)
	}
	for _, a := range o.flushAccounts {
		a.flush, a.wiped = false, false // the backing state has no storage left for a wiped account
		if a.data.exists {
			cur := o.readBacking(a.addr)
			o.flushAccount(a, &cur)
		}
	}
	for _, i := range o.flushSlots {
		s := o.slotAt(i)
		if !s.flush {
			continue // a duplicate, or stale since its account was deleted
		}
		s.flush = false
		if a := s.acct; a.data.exists && s.inc == a.inc {
			b.SetState(a.addr, s.key.slot, s.value)
		}
	}
	clear(o.flushAccounts)
	o.flushAccounts = o.flushAccounts[:0]
	o.flushSlots = o.flushSlots[:0]
	b.Finalise(rules)
}

// backingAccount is what the backing state holds for an account, as far
// as writing the overlay's account into it is concerned.
type backingAccount struct {
	balance                             uint256.Int
	nonce                               uint64
	codeHash                            common.Hash
	exists, newContract, selfDestructed bool
}

// readBacking reads addr's backingAccount from a finalised backing state,
// for Flush: no account there is a new contract or self-destructed.
func (o *Overlay) readBacking(addr common.Address) backingAccount {
	b := o.backing
	cur := backingAccount{exists: b.Exist(addr), nonce: b.GetNonce(addr), codeHash: b.GetCodeHash(addr)}
	cur.balance.Set(b.GetBalance(addr))
	return cur
}

// flushAccount writes a's existence, EIP-6780 marks (set only between
// Join and Merge), balance, nonce and code where they differ from cur, the
// backing state's, and reports whether it wrote anything.
func (o *Overlay) flushAccount(a *account, cur *backingAccount) (wrote bool) {
	b, addr, d := o.backing, a.addr, &a.data
	if !cur.exists {
		b.CreateAccount(addr)
		wrote = true
	}
	if d.newContract && !cur.newContract {
		b.CreateContract(addr) // not a change go-ethereum's Finalise sees
	}
	if d.selfDestructed && !cur.selfDestructed {
		b.SelfDestruct(addr) // before the balance, which it may zero
		cur.balance.Set(b.GetBalance(addr))
		wrote = true
	}
	if !cur.balance.Eq(&d.balance) {
		const why = tracing.BalanceChangeUnspecified
		if s, ok := b.(balanceSetter); ok {
			s.SetBalance(addr, d.balance.Clone(), why) // go-ethereum keeps the pointer
		} else if cur.balance.Lt(&d.balance) {
			b.AddBalance(addr, new(uint256.Int).Sub(&d.balance, &cur.balance), why)
		} else {
			b.SubBalance(addr, new(uint256.Int).Sub(&cur.balance, &d.balance), why)
		}
		wrote = true
	}
	if cur.nonce != d.nonce {
		b.SetNonce(addr, d.nonce, tracing.NonceChangeUnspecified)
		wrote = true
	}
	if h := cur.codeHash; !eq.Hash(&h, &d.codeHash) && !(eq.ZeroHash(&h) && d.codeHash == types.EmptyCodeHash) {
		b.SetCode(addr, o.code(a), tracing.CodeChangeUnspecified)
		wrote = true
	}
	return wrote
}
