package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// Prepare starts a transaction: under EIP-2929 it resets the access list to
// the sender, the destination, the precompiles, the transaction's access
// list and (EIP-3651) the coinbase; it always empties transient storage.
func (o *Overlay) Prepare(rules params.Rules, sender, coinbase common.Address, dst *common.Address, precompiles []common.Address, list types.AccessList) {
	if o.joined {
		panic("hyvmstate: Prepare of an overlay joined to an open transaction")
	}
	if rules.IsEIP2929 && rules.IsEIP4762 {
		panic("eip2929 and eip4762 are both activated")
	}
	if rules.IsEIP2929 {
		o.newAccessList()
		o.record(sender).warm = o.alEpoch
		if dst != nil {
			o.record(*dst).warm = o.alEpoch
		}
		for _, addr := range precompiles {
			o.record(addr).warm = o.alEpoch
		}
		for _, el := range list {
			a := o.record(el.Address)
			a.warm = o.alEpoch
			for _, key := range el.StorageKeys {
				_, s := o.slotOf(a, key)
				s.warm = o.alEpoch
			}
		}
		if rules.IsShanghai {
			o.record(coinbase).warm = o.alEpoch
		}
	}
	o.resetTransient()
}

// newAccessList empties the access list by moving to a new epoch.
func (o *Overlay) newAccessList() {
	o.alEpoch++
	if o.alEpoch == 0 { // wrapped: old stamps could collide with new epochs
		for i := range o.naccts {
			o.acctAt(i).warm = 0
		}
		for i := range o.nslots {
			o.slotAt(i).warm = 0
		}
		o.alEpoch = 1
	}
}

// AddressInAccessList reports whether addr is in the access list.
func (o *Overlay) AddressInAccessList(addr common.Address) bool {
	return o.record(addr).warm == o.alEpoch
}

// SlotInAccessList reports whether addr, and addr's slot, are in the access
// list.
func (o *Overlay) SlotInAccessList(addr common.Address, slot common.Hash) (addressOk bool, slotOk bool) {
	a := o.record(addr)
	if a.warm != o.alEpoch {
		return false, false // a slot is never warm without its address
	}
	i, ok := o.findSlot(a, slot)
	if !ok && o.joined { // the open transaction may have warmed it
		_, s := o.slotOf(a, slot)
		return true, s.warm == o.alEpoch
	}
	return true, ok && o.slotAt(i).warm == o.alEpoch
}

// AddAddressToAccessList adds addr to the access list.
func (o *Overlay) AddAddressToAccessList(addr common.Address) {
	o.warmAccount(o.record(addr))
}

// AddSlotToAccessList adds addr and addr's slot to the access list.
func (o *Overlay) AddSlotToAccessList(addr common.Address, slot common.Hash) {
	a := o.record(addr)
	o.warmAccount(a)
	i, s := o.slotOf(a, slot)
	if s.warm != o.alEpoch {
		s.warm = o.alEpoch
		o.journal = append(o.journal, change{kind: kWarmSlot, idx: i})
	}
}

func (o *Overlay) warmAccount(a *account) {
	if a.warm != o.alEpoch {
		a.warm = o.alEpoch
		o.journal = append(o.journal, change{kind: kWarmAccount, acct: a})
	}
}
