package hyvmstate

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/internal/eq"
)

// GetState returns the current value of addr's slot key.
func (o *Overlay) GetState(addr common.Address, key common.Hash) common.Hash {
	a := o.account(addr)
	if !a.data.exists {
		return common.Hash{}
	}
	_, s := o.slotOf(a, key)
	return o.load(s).value
}

// GetStateAndCommittedState returns the current value of addr's slot key
// and its value at the start of the transaction (EIP-2200's original).
func (o *Overlay) GetStateAndCommittedState(addr common.Address, key common.Hash) (common.Hash, common.Hash) {
	a := o.account(addr)
	if !a.data.exists {
		return common.Hash{}, common.Hash{}
	}
	_, s := o.slotOf(a, key)
	o.load(s)
	return s.value, s.origin
}

// SetState sets addr's slot key to value, creating the account if needed,
// and returns the previous value.
func (o *Overlay) SetState(addr common.Address, key, value common.Hash) common.Hash {
	a := o.live(addr)
	i, s := o.slotOf(a, key)
	prev := o.load(s).value
	if !eq.Hash(&prev, &value) {
		o.journal = append(o.journal, change{kind: kStorage, idx: i, prev: prev})
		s.value = value
	}
	return prev
}

// GetTransientState returns addr's transient slot key (EIP-1153).
func (o *Overlay) GetTransientState(addr common.Address, key common.Hash) common.Hash {
	if i, ok := o.transientIndex[slotKey{addr, key}]; ok {
		return o.transient[i].value
	}
	if o.joined {
		return o.backing.GetTransientState(addr, key)
	}
	return common.Hash{}
}

// SetTransientState sets addr's transient slot key to value.
func (o *Overlay) SetTransientState(addr common.Address, key, value common.Hash) {
	k := slotKey{addr, key}
	i, ok := o.transientIndex[k]
	if !ok {
		var cur common.Hash
		if o.joined {
			cur = o.backing.GetTransientState(addr, key)
		}
		if value == cur {
			return
		}
		i = uint32(len(o.transient))
		o.transient = append(o.transient, transientSlot{key: k, value: cur})
		o.transientIndex[k] = i
	}
	t := &o.transient[i]
	if t.value != value {
		o.journal = append(o.journal, change{kind: kTransient, idx: i, prev: t.value})
		t.value = value
	}
}

// resetTransient empties transient storage, as every transaction starts.
func (o *Overlay) resetTransient() {
	if len(o.transient) > 0 {
		clear(o.transientIndex)
		o.transient = o.transient[:0]
	}
}

// AddRefund adds gas to the refund counter.
func (o *Overlay) AddRefund(gas uint64) {
	o.journal = append(o.journal, change{kind: kRefund, aux: o.refund})
	o.refund += gas
}

// SubRefund removes gas from the refund counter; it panics below zero, as
// go-ethereum's StateDB does.
func (o *Overlay) SubRefund(gas uint64) {
	o.journal = append(o.journal, change{kind: kRefund, aux: o.refund})
	if gas > o.refund {
		panic(fmt.Sprintf("hyvmstate: refund counter below zero (gas: %d > refund: %d)", gas, o.refund))
	}
	o.refund -= gas
}

// GetRefund returns the refund counter.
func (o *Overlay) GetRefund() uint64 { return o.refund }
