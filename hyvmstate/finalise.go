package hyvmstate

import (
	"github.com/ethereum/go-ethereum/core/types/bal"
	"github.com/ethereum/go-ethereum/params"
)

// Finalise ends a transaction: every account it changed (or touched) is
// deleted if it self-destructed or, under EIP-161, is empty, and otherwise
// loses its new-contract mark; storage writes become the next
// transaction's original values; the journal and refund counter are reset.
// It always returns nil: Amsterdam's block access lists are not supported,
// and Finalise panics under Amsterdam rules rather than apply the wrong
// self-destruct rules (EIP-8246).
func (o *Overlay) Finalise(rules params.Rules) *bal.ConstructionBlockAccessList {
	if rules.IsAmsterdam {
		panic("hyvmstate: Amsterdam rules are not supported")
	}
	if o.joined {
		panic("hyvmstate: Finalise of an overlay joined to an open transaction (Merge, then finalise the transaction's state)")
	}
	o.finaliseEpoch++
	if o.finaliseEpoch == 0 { // wrapped: old stamps could collide with new epochs
		for i := range o.naccts {
			o.acctAt(i).finalised = 0
		}
		o.finaliseEpoch = 1
	}
	// Every change left in the journal is live: reverted ones were cut off.
	for i := range o.journal {
		c := &o.journal[i]
		switch c.kind {
		case kAccount, kTouch:
			o.finaliseAccount(c.acct, &rules)
		case kStorage:
			s := o.slotAt(c.idx)
			s.origin = s.value
			if !s.flush {
				s.flush = true
				o.flushSlots = append(o.flushSlots, c.idx)
			}
			o.finaliseAccount(s.acct, &rules)
		}
	}
	if o.ripemdTouched {
		o.finaliseAccount(o.account(ripemd), &rules)
	}
	o.resetJournal()
	return nil
}

// finaliseAccount settles one changed account, once per Finalise.
func (o *Overlay) finaliseAccount(a *account, rules *params.Rules) {
	if a.finalised == o.finaliseEpoch {
		return
	}
	a.finalised = o.finaliseEpoch
	if !a.data.exists {
		return
	}
	if a.data.selfDestructed || (rules.IsEIP158 && a.data.empty()) {
		a.data = accountData{}
		a.cell = nil
		a.inc++ // its cached slots are stale: storage is gone
		a.wiped = true
	} else {
		a.data.newContract = false
	}
	if !a.flush {
		a.flush = true
		o.flushAccounts = append(o.flushAccounts, a)
	}
}
