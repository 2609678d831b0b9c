package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"

	"github.com/hyvm/hyvm/internal/eq"
)

// A SlotCache also remembers what it read of a few accounts — code, code
// hash, existence, access-list membership — as long as nothing it passes
// on could have changed it: a call reads its callee's code and existence
// several times (the CALL, EXTCODESIZE before it, the frame's code), each
// a lookup in go-ethereum's maps of objects. Only facts that writes cannot
// undo are kept (an account that exists, a warm address, a non-zero code
// hash); SetCode and CreateAccount drop an account's code, and a revert
// drops everything, since it may undo any of them.

// maxCachedAccounts bounds the accounts remembered: a payload calls a
// handful of contracts, and a linear search over few entries is cheaper
// than hashing an address.
const maxCachedAccounts = 8

// cachedAccount is what a SlotCache remembers of one account.
type cachedAccount struct {
	addr     common.Address
	flags    acctFlags
	code     []byte
	codeHash common.Hash
}

type acctFlags uint8

const (
	acctCode   acctFlags = 1 << iota // code and codeHash are known (the account exists)
	acctExists                       // the account exists
	acctWarm                         // the address is in the access list
)

// account returns the remembered record of addr, made if there is room;
// nil if there is none.
func (c *SlotCache) account(addr *common.Address) *cachedAccount {
	// The account asked about last first: a call asks about its callee
	// several times in a row.
	if i := c.lastAcct; i < len(c.accts) && eq.Address(&c.accts[i].addr, addr) {
		return &c.accts[i]
	}
	for i := range c.accts {
		if a := &c.accts[i]; eq.Address(&a.addr, addr) {
			c.lastAcct = i
			return a
		}
	}
	if len(c.accts) == maxCachedAccounts {
		return nil
	}
	c.lastAcct = len(c.accts)
	c.accts = append(c.accts, cachedAccount{addr: *addr})
	return &c.accts[c.lastAcct]
}

// forgetAccounts drops every remembered account.
func (c *SlotCache) forgetAccounts() {
	clear(c.accts)
	c.accts = c.accts[:0]
}

// Exist reports whether addr exists in the backing state.
func (c *SlotCache) Exist(addr common.Address) bool {
	a := c.account(&addr)
	if a != nil && a.flags&acctExists != 0 {
		return true
	}
	ok := c.StateDB.Exist(addr)
	if ok && a != nil {
		a.flags |= acctExists
	}
	return ok
}

// loadCode makes a hold addr's code and hash if the account exists.
func (c *SlotCache) loadCode(a *cachedAccount) bool {
	if a.flags&acctCode != 0 {
		return true
	}
	h := c.StateDB.GetCodeHash(a.addr)
	if eq.ZeroHash(&h) { // absent: a balance would give it the empty code's hash
		return false
	}
	a.code, a.codeHash = c.StateDB.GetCode(a.addr), h
	a.flags |= acctCode | acctExists
	return true
}

// overlaidCode is code served for an account over the backing state's
// (OverlayCode).
type overlaidCode struct {
	addr common.Address
	code []byte
	hash common.Hash
}

// OverlayCode makes addr's code read as code, with hash, over the backing
// state's, and addr not empty, until Begin (runtime.CodeOverlay: the EVM
// serves the HyVM deployments' code this way).
func (c *SlotCache) OverlayCode(addr common.Address, code []byte, hash common.Hash) {
	if o := c.overlay(&addr); o != nil {
		o.code, o.hash = code, hash
		return
	}
	c.overlaid = append(c.overlaid, overlaidCode{addr: addr, code: code, hash: hash})
}

// overlay returns addr's overlaid code, if it has some.
func (c *SlotCache) overlay(addr *common.Address) *overlaidCode {
	for i := range c.overlaid {
		if o := &c.overlaid[i]; eq.Address(&o.addr, addr) {
			return o
		}
	}
	return nil
}

// GetCode returns addr's code.
func (c *SlotCache) GetCode(addr common.Address) []byte {
	if o := c.overlay(&addr); o != nil {
		return o.code
	}
	if a := c.account(&addr); a != nil && c.loadCode(a) {
		return a.code
	}
	return c.StateDB.GetCode(addr)
}

// GetCodeHash returns the hash of addr's code; zero if addr does not exist.
func (c *SlotCache) GetCodeHash(addr common.Address) common.Hash {
	if o := c.overlay(&addr); o != nil {
		return o.hash
	}
	if a := c.account(&addr); a != nil && c.loadCode(a) {
		return a.codeHash
	}
	return c.StateDB.GetCodeHash(addr)
}

// GetCodeSize returns the size of addr's code.
func (c *SlotCache) GetCodeSize(addr common.Address) int {
	if o := c.overlay(&addr); o != nil {
		return len(o.code)
	}
	if a := c.account(&addr); a != nil && c.loadCode(a) {
		return len(a.code)
	}
	return c.StateDB.GetCodeSize(addr)
}

// Empty reports whether addr is empty (EIP-161); an account with overlaid
// code is not.
func (c *SlotCache) Empty(addr common.Address) bool {
	if c.overlay(&addr) != nil {
		return false
	}
	return c.StateDB.Empty(addr)
}

// SetCode sets addr's code in the backing state.
func (c *SlotCache) SetCode(addr common.Address, code []byte, why tracing.CodeChangeReason) []byte {
	if a := c.account(&addr); a != nil {
		a.flags &^= acctCode
		a.code = nil
	}
	return c.StateDB.SetCode(addr, code, why)
}

// AddressInAccessList reports whether addr is in the access list.
func (c *SlotCache) AddressInAccessList(addr common.Address) bool {
	a := c.account(&addr)
	if a != nil && a.flags&acctWarm != 0 {
		return true
	}
	ok := c.StateDB.AddressInAccessList(addr)
	if ok && a != nil {
		a.flags |= acctWarm
	}
	return ok
}

// AddAddressToAccessList adds addr to the access list.
func (c *SlotCache) AddAddressToAccessList(addr common.Address) {
	a := c.account(&addr)
	if a != nil && a.flags&acctWarm != 0 {
		return
	}
	c.StateDB.AddAddressToAccessList(addr)
	if a != nil {
		a.flags |= acctWarm
	}
}
