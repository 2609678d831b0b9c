package hyvmstate

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// kind is what a journal change undoes.
type kind uint8

const (
	kAccount     kind = iota // acct's data changed; saved[aux] holds the previous data
	kContract                // acct's newContract flag was set (not a mutation for Finalise)
	kTouch                   // acct, empty, was touched: nothing to undo, but Finalise sees it
	kStorage                 // slot idx held prev
	kWarmAccount             // acct entered the access list
	kWarmSlot                // slot idx entered the access list
	kTransient               // transient slot idx held prev
	kRefund                  // the refund counter was aux
	kLog                     // a log was added
)

// change is one journal entry: a plain struct, so journaling allocates
// nothing once the journal's buffer has grown.
type change struct {
	kind kind
	idx  uint32
	aux  uint64
	acct *account
	prev common.Hash
}

// Snapshot returns an identifier of the current state, for RevertToSnapshot.
// Identifiers are journal lengths: reverting to one invalidates the later ones.
func (o *Overlay) Snapshot() int { return len(o.journal) }

// RevertToSnapshot undoes every change made since Snapshot returned id.
func (o *Overlay) RevertToSnapshot(id int) {
	if id < 0 || id > len(o.journal) {
		panic(fmt.Errorf("hyvmstate: revision id %v cannot be reverted (journal length %d)", id, len(o.journal)))
	}
	for i := len(o.journal) - 1; i >= id; i-- {
		o.undo(&o.journal[i])
	}
	o.journal = o.journal[:id]
}

func (o *Overlay) undo(c *change) {
	switch c.kind {
	case kAccount:
		c.acct.data = o.saved[c.aux]
		c.acct.cell = nil
		o.saved = o.saved[:c.aux]
	case kContract:
		c.acct.data.newContract = false
	case kTouch:
	case kStorage:
		o.slotAt(c.idx).value = c.prev
	case kWarmAccount:
		c.acct.warm = 0
	case kWarmSlot:
		o.slotAt(c.idx).warm = 0
	case kTransient:
		o.transient[c.idx].value = c.prev
	case kRefund:
		o.refund = c.aux
	case kLog:
		o.logs[len(o.logs)-1] = nil
		o.logs = o.logs[:len(o.logs)-1]
	}
}

// save journals a's data before a mutation.
func (o *Overlay) save(a *account) {
	o.journal = append(o.journal, change{kind: kAccount, acct: a, aux: uint64(len(o.saved))})
	o.saved = append(o.saved, a.data)
	a.cell = nil
}

// resetJournal ends the transaction's undo history.
func (o *Overlay) resetJournal() {
	clear(o.journal) // drop account pointers and saved code
	o.journal = o.journal[:0]
	clear(o.saved)
	o.saved = o.saved[:0]
	o.refund = 0
	o.ripemdTouched = false
}
