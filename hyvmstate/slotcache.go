package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/types/bal"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hyvm/hyvm/internal/eq"
)

// SlotCache runs a call inside a transaction open on another state, as the
// Overlay's Join does, but keeps only storage to itself: every other
// access — accounts, balances, code, logs, refunds, the access list,
// transient storage — goes to that state as it happens. Storage reads are
// cached from their first use and writes kept until Commit.
//
// It is what a short call needs: the Overlay's records and Merge cost more
// than they save on a call that touches a few accounts once (each account
// read there is six reads of go-ethereum's StateDB, and Merge writes every
// change again), while go-ethereum's per-SSTORE journal entries and map
// writes are what a storage loop pays for.
//
// Storage semantics are go-ethereum's: an account written to while absent
// is created (the write goes through at once), CreateAccount makes the
// slots cached for the account read again (the new account's storage is
// the backing state's to say), and the access-list marks and values it
// caches follow the backing state's snapshots. A SlotCache is not safe for
// concurrent use.
type SlotCache struct {
	vm.StateDB // the transaction's state

	seed   uint64
	idx    index
	pages  []*[slotsPerPage]cachedSlot
	n      uint32
	last   uint32 // the slot looked up last, when lastOK: SLOAD and SSTORE ask about one slot up to three times
	lastOK bool

	journal []slotChange
	revs    []slotRevision // by Snapshot id
	logs    []*types.Log   // every log added since Begin

	accts    []cachedAccount // accounts read (slotcache_accounts.go)
	lastAcct int             // the index in accts asked about last
	overlaid []overlaidCode  // code served over the backing state's (OverlayCode)
}

// cachedSlot is a SlotCache's record of one slot. Its fields hold no
// pointers, so clearing and copying records costs no write barriers.
type cachedSlot struct {
	addr common.Address
	key  common.Hash
	cachedState
	pos uint32 // the record's entry in idx
}

// cachedState is what the journal saves of a slot.
type cachedState struct {
	value  common.Hash // current value, when loaded
	origin common.Hash // value at the start of the transaction, when loaded
	flags  slotFlags
}

type slotFlags uint8

const (
	slotLoaded slotFlags = 1 << iota // value and origin are the backing state's (or written since)
	slotDirty                        // value was written since the load and not yet to the backing state
	slotWarm                         // the slot is in the access list
)

// slotChange is one journal entry: record rec held prev.
type slotChange struct {
	rec  uint32
	prev cachedState
}

// slotRevision is what a Snapshot id stands for.
type slotRevision struct {
	backing int // the backing state's snapshot
	journal int // the journal's length
	logs    int // the number of logs
}

// NewSlotCache returns an empty SlotCache, to Begin before use.
func NewSlotCache() *SlotCache {
	c := &SlotCache{seed: newSeed()}
	c.idx.init()
	return c
}

// Begin discards everything c holds and makes it continue the transaction
// open on backing, with nothing cached.
func (c *SlotCache) Begin(backing vm.StateDB) {
	c.Release()
	c.StateDB = backing
}

// forget drops every record, change and snapshot.
func (c *SlotCache) forget() {
	c.idx.clearUsed(c.n, func(i uint32) uint32 { return c.at(i).pos })
	c.n, c.lastOK = 0, false
	c.journal = c.journal[:0]
	c.revs = c.revs[:0]
	c.forgetAccounts()
}

// Commit writes the slots written since Begin into the backing state, as
// its own journaled changes (a snapshot the caller took of it before Begin
// reverts them), and forgets every snapshot taken of c. c goes on over the
// same transaction.
func (c *SlotCache) Commit() {
	for i := range c.n {
		s := c.at(i)
		if s.flags&slotDirty != 0 {
			c.StateDB.SetState(s.addr, s.key, s.value)
			s.flags &^= slotDirty
		}
	}
	c.journal = c.journal[:0]
	c.revs = c.revs[:0]
}

// Release lets go of the backing state and of the logs (the caller owns
// them now). c must Begin again before further use.
func (c *SlotCache) Release() {
	c.StateDB = nil
	c.forget()
	clear(c.overlaid)
	c.overlaid = c.overlaid[:0]
	clear(c.logs)
	c.logs = c.logs[:0]
}

// Logs returns the logs added since Begin, in order: they are the backing
// state's too, stamped by it.
func (c *SlotCache) Logs() []*types.Log {
	return c.AppendLogs(nil)
}

// AppendLogs appends the logs Logs returns to dst and returns the result.
func (c *SlotCache) AppendLogs(dst []*types.Log) []*types.Log {
	return append(dst, c.logs...)
}

func (c *SlotCache) at(i uint32) *cachedSlot {
	return &c.pages[i/slotsPerPage][i%slotsPerPage]
}

// hashSlotKey hashes (addr, key) under seed.
func hashSlotKey(addr *common.Address, key *common.Hash, seed uint64) uint64 {
	return hashSlot(uint32(hashAddress(addr, seed)), key, seed)
}

// slot returns the number of the record of (addr, key), made (not loaded,
// cold) the first time.
func (c *SlotCache) slot(addr *common.Address, key *common.Hash) uint32 {
	if c.lastOK {
		if s := c.at(c.last); eq.Hash(&s.key, key) && eq.Address(&s.addr, addr) {
			return c.last
		}
	}
	rec, found, pos := c.idx.find(hashSlotKey(addr, key, c.seed), func(rec uint32) bool {
		s := c.at(rec)
		return eq.Hash(&s.key, key) && eq.Address(&s.addr, addr)
	})
	if !found {
		rec = c.n
		if int(rec/slotsPerPage) == len(c.pages) {
			c.pages = append(c.pages, new([slotsPerPage]cachedSlot))
		}
		c.n++
		*c.at(rec) = cachedSlot{addr: *addr, key: *key}
		c.idx.insert(rec, pos,
			func(r uint32) uint64 { s := c.at(r); return hashSlotKey(&s.addr, &s.key, c.seed) },
			func(r uint32) *uint32 { return &c.at(r).pos })
	}
	c.last, c.lastOK = rec, true
	return rec
}

// loaded returns the record of (addr, key) with its value read from the
// backing state if it was not.
func (c *SlotCache) loaded(addr *common.Address, key *common.Hash) (uint32, *cachedSlot) {
	i := c.slot(addr, key)
	s := c.at(i)
	if s.flags&slotLoaded == 0 {
		// Not journaled: the backing state's slots change only through c
		// (SetState's write to an absent account, journaled) or by
		// CreateAccount, which drops only values written since the load
		// (go-ethereum's new account reads the committed ones, and its
		// revert too), so what was read after a snapshot is still right
		// after reverting to it.
		s.value, s.origin = c.StateDB.GetStateAndCommittedState(*addr, *key)
		s.flags |= slotLoaded
	}
	return i, s
}

// save journals record i's state before a change.
func (c *SlotCache) save(i uint32, s *cachedSlot) {
	c.journal = append(c.journal, slotChange{rec: i, prev: s.cachedState})
}

// GetState returns the current value of addr's slot key.
func (c *SlotCache) GetState(addr common.Address, key common.Hash) common.Hash {
	_, s := c.loaded(&addr, &key)
	return s.value
}

// GetStateAndCommittedState returns the current value of addr's slot key
// and its value at the start of the transaction (EIP-2200's original).
func (c *SlotCache) GetStateAndCommittedState(addr common.Address, key common.Hash) (common.Hash, common.Hash) {
	_, s := c.loaded(&addr, &key)
	return s.value, s.origin
}

// SetState sets addr's slot key to value and returns the previous value.
// The first write to an account absent from the backing state goes there
// at once, as go-ethereum's creates the account.
func (c *SlotCache) SetState(addr common.Address, key, value common.Hash) common.Hash {
	i, s := c.loaded(&addr, &key)
	prev := s.value
	if !c.Exist(addr) { // remembered once it does (slotcache_accounts.go)
		c.save(i, s)
		c.StateDB.SetState(addr, key, value)
		s.value = value
		s.flags &^= slotDirty // the backing state holds it
		return prev
	}
	if !eq.Hash(&prev, &value) {
		c.save(i, s)
		s.value = value
		s.flags |= slotDirty
	}
	return prev
}

// SlotInAccessList reports whether addr and its slot are in the access list.
func (c *SlotCache) SlotInAccessList(addr common.Address, key common.Hash) (addressOk, slotOk bool) {
	i := c.slot(&addr, &key)
	if s := c.at(i); s.flags&slotWarm != 0 {
		return true, true
	}
	addressOk, slotOk = c.StateDB.SlotInAccessList(addr, key)
	if slotOk {
		c.warm(i)
	}
	return addressOk, slotOk
}

// AddSlotToAccessList adds addr and its slot to the access list.
func (c *SlotCache) AddSlotToAccessList(addr common.Address, key common.Hash) {
	i := c.slot(&addr, &key)
	if c.at(i).flags&slotWarm != 0 {
		return
	}
	c.StateDB.AddSlotToAccessList(addr, key)
	c.warm(i)
	if a := c.account(&addr); a != nil {
		a.flags |= acctWarm // the slot's address too
	}
}

// warm marks record i in the access list, journaled: a revert past the
// moment the backing state added it makes the slot cold there again.
func (c *SlotCache) warm(i uint32) {
	s := c.at(i)
	c.save(i, s)
	s.flags |= slotWarm
}

// CreateAccount creates addr in the backing state, whose new account
// starts with its own storage: the slots cached for addr are read again,
// and values written to them and not yet passed on are dropped.
func (c *SlotCache) CreateAccount(addr common.Address) {
	if a := c.account(&addr); a != nil {
		a.flags &^= acctCode // the new account's code is empty
		a.code = nil
	}
	for i := range c.n {
		if s := c.at(i); s.flags&slotLoaded != 0 && eq.Address(&s.addr, &addr) {
			c.save(i, s)
			s.flags &^= slotLoaded | slotDirty
		}
	}
	c.StateDB.CreateAccount(addr)
}

// AddLog adds l to the backing state and lists it among c's logs.
func (c *SlotCache) AddLog(l *types.Log) {
	c.StateDB.AddLog(l)
	c.logs = append(c.logs, l)
}

// Snapshot returns an identifier of the current state, for RevertToSnapshot;
// reverting to one invalidates the later ones.
func (c *SlotCache) Snapshot() int {
	c.revs = append(c.revs, slotRevision{backing: c.StateDB.Snapshot(), journal: len(c.journal), logs: len(c.logs)})
	return len(c.revs) - 1
}

// RevertToSnapshot undoes every change made since Snapshot returned id, in
// the backing state and in c.
func (c *SlotCache) RevertToSnapshot(id int) {
	if id < 0 || id >= len(c.revs) {
		panic("hyvmstate: revert to a snapshot the slot cache did not take, or one reverted")
	}
	r := c.revs[id]
	c.StateDB.RevertToSnapshot(r.backing)
	c.forgetAccounts() // the revert may have undone any fact remembered
	for j := len(c.journal) - 1; j >= r.journal; j-- {
		ch := &c.journal[j]
		c.at(ch.rec).cachedState = ch.prev
	}
	c.journal = c.journal[:r.journal]
	clear(c.logs[r.logs:])
	c.logs = c.logs[:r.logs]
	c.revs = c.revs[:id]
}

// Finalise writes the slots written into the backing state and finalises
// it: the transaction ends, and with it what c cached.
func (c *SlotCache) Finalise(rules params.Rules) *bal.ConstructionBlockAccessList {
	c.Commit()
	c.forget()
	return c.StateDB.Finalise(rules)
}

// Prepare writes the slots written into the backing state and starts a
// new transaction there, with a new access list: what c cached goes.
func (c *SlotCache) Prepare(rules params.Rules, sender, coinbase common.Address, dest *common.Address, precompiles []common.Address, list types.AccessList) {
	c.Commit()
	c.forget()
	c.StateDB.Prepare(rules, sender, coinbase, dest, precompiles, list)
}
