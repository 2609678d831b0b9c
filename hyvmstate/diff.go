package hyvmstate

import (
	"bytes"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"
)

// StateDiff is what a run changed, by account. Accounts that did not change
// are absent.
type StateDiff map[common.Address]*AccountDiff

// AccountDiff lists what changed in one account. A nil field is unchanged,
// except for a created account, whose Balance and Nonce are always given.
type AccountDiff struct {
	Created bool // the account did not exist before
	Deleted bool // the account no longer exists (or self-destructed, to go at Finalise)
	Balance *Change[uint256.Int]
	Nonce   *Change[uint64]
	Code    *Change[[]byte]
	Storage map[common.Hash]Change[common.Hash]
}

// Change is a value before and after a run.
type Change[T any] struct{ Pre, Post T }

// Addresses returns d's accounts in ascending order.
func (d StateDiff) Addresses() []common.Address {
	out := make([]common.Address, 0, len(d))
	for a := range d {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y common.Address) int { return bytes.Compare(x[:], y[:]) })
	return out
}

// DiffSince returns what changed since Snapshot returned id, within the
// current transaction (Finalise ends the journal it reads): the first
// journal entry of each account and slot holds its value before, the
// overlay its value now. A change undone since (a slot written back to
// what it held) is not one.
func (o *Overlay) DiffSince(id int) StateDiff {
	type before struct {
		data  accountData
		slots map[common.Hash]common.Hash
	}
	pre := map[*account]*before{}
	at := func(a *account) *before {
		b := pre[a]
		if b == nil {
			b = &before{data: a.data}
			pre[a] = b
		}
		return b
	}
	// Walk backwards so that the earliest entry has the last word.
	for i := len(o.journal) - 1; i >= id; i-- {
		switch c := &o.journal[i]; c.kind {
		case kAccount:
			at(c.acct).data = o.saved[c.aux]
		case kStorage:
			s := o.slotAt(c.idx)
			b := at(s.acct)
			if b.slots == nil {
				b.slots = map[common.Hash]common.Hash{}
			}
			b.slots[s.key.slot] = c.prev
		}
	}
	out := StateDiff{}
	for a, b := range pre {
		now := &a.data
		d := &AccountDiff{Created: !b.data.exists && now.exists, Deleted: b.data.exists && (!now.exists || now.selfDestructed)}
		if !b.data.exists && !now.exists {
			continue
		}
		if d.Created || b.data.balance != now.balance {
			d.Balance = &Change[uint256.Int]{Pre: b.data.balance, Post: now.balance}
		}
		if d.Created || b.data.nonce != now.nonce {
			d.Nonce = &Change[uint64]{Pre: b.data.nonce, Post: now.nonce}
		}
		if b.data.codeHash != now.codeHash && !(d.Created && now.codeHash == types.EmptyCodeHash) {
			preCode := b.data.code
			if preCode == nil && b.data.exists && b.data.codeHash != types.EmptyCodeHash {
				preCode = o.backing.GetCode(a.addr)
			}
			d.Code = &Change[[]byte]{Pre: preCode, Post: o.code(a)}
		}
		for k, v := range b.slots {
			if post := o.GetState(a.addr, k); post != v {
				if d.Storage == nil {
					d.Storage = map[common.Hash]Change[common.Hash]{}
				}
				d.Storage[k] = Change[common.Hash]{Pre: v, Post: post}
			}
		}
		if d.Created || d.Deleted || d.Balance != nil || d.Nonce != nil || d.Code != nil || d.Storage != nil {
			out[a.addr] = d
		}
	}
	return out
}
