package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/stateless"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/eq"
)

// Overlay is a journaled vm.StateDB over a backing state. Create one with
// New; the zero value is not usable.
type Overlay struct {
	backing vm.StateDB
	joined  bool // backing has a transaction open that the overlay continues (Join)

	seed      uint64                   // of the record tables' hashes (index.go)
	acctIndex index                    // address to account record
	last      *account                 // the account looked up last: the EVM asks about one address many times in a row
	acctPages []*[acctsPerPage]account // the account records, reused after Reset
	naccts    uint32

	slotIdx   index // (account record, slot) to slot record
	slotPages []*[slotsPerPage]slot
	nslots    uint32
	lastSlot  uint32 // the slot looked up last, when lastOK: SLOAD and SSTORE ask about one slot up to three times
	lastOK    bool

	transientIndex map[slotKey]uint32 // this transaction's transient slots, by index in transient
	transient      []transientSlot

	journal []change      // undo log of the current transaction
	saved   []accountData // account data saved by kAccount changes, in journal order
	refund  uint64

	logs    []*types.Log // every log since New or Reset
	thash   common.Hash
	txIndex int

	alEpoch       uint32 // accounts and slots stamped with it are in the access list
	finaliseEpoch uint32 // accounts stamped with it were finalised by the running Finalise
	ripemdTouched bool   // RIPEMD-160 was touched this transaction, even if reverted since

	flushAccounts []*account // accounts Flush must write, each once (account.flush)
	flushSlots    []uint32   // slots Flush must write (slot.flush; may repeat)

	cells []uint256.Int // unused balance cells of the current chunk (GetBalance)
	zero  uint256.Int   // the balance of absent accounts
}

// acctsPerPage is the number of account records allocated at once: an
// overlay reset for every run reuses them instead of allocating anew.
const acctsPerPage = 16

// slotsPerPage is the number of slot records allocated at once: pages keep
// records in place as more are added, so pointers to them stay valid.
const slotsPerPage = 64

// account is the overlay's record of one address. data is what the journal
// saves and restores; the other fields are bookkeeping that no revert undoes.
type account struct {
	addr      common.Address
	num       uint32 // the record's number: acctAt(num) is the record
	pos       uint32 // the record's entry in acctIndex
	data      accountData
	cell      *uint256.Int   // data.balance as last returned by GetBalance; nil when stale
	warm      uint32         // access-list epoch the address was added in
	finalised uint32         // finalise epoch that last processed the account
	inc       uint32         // storage incarnation: bumped on deletion, it invalidates cached slots
	wiped     bool           // deleted since the last Flush: committed storage reads as zero
	flush     bool           // in Overlay.flushAccounts
	mutated   bool           // Merge: the joined transaction changed it (more than marking it a new contract)
	loaded    bool           // data (and base) read from the backing state
	base      backingAccount // joined: the backing state's account, as loaded or as Merge wrote it
}

// accountData is an account's state as the journal saves it.
type accountData struct {
	balance  uint256.Int
	nonce    uint64
	codeHash common.Hash
	// code is nil until loaded; while it is, codeHash is the backing's.
	code           []byte
	exists         bool
	selfDestructed bool
	newContract    bool
}

// backing returns d as the backing state holds it once written there.
func (d *accountData) backing() backingAccount {
	return backingAccount{balance: d.balance, nonce: d.nonce, codeHash: d.codeHash,
		exists: d.exists, newContract: d.newContract, selfDestructed: d.selfDestructed}
}

func (d *accountData) empty() bool {
	return d.nonce == 0 && d.balance.IsZero() && d.codeHash == types.EmptyCodeHash
}

type slotKey struct {
	addr common.Address
	slot common.Hash
}

// slot is the overlay's record of one storage slot.
type slot struct {
	key    slotKey
	acct   *account
	value  common.Hash // current value, when loaded for incarnation inc
	origin common.Hash // value at the start of the transaction (EIP-2200's original)
	inc    uint32
	warm   uint32 // access-list epoch the slot was added in
	pos    uint32 // the record's entry in slotIdx
	loaded bool
	flush  bool // in Overlay.flushSlots
}

type transientSlot struct {
	key   slotKey
	value common.Hash
}

var (
	_ vm.StateDB = (*Overlay)(nil)

	// ripemd is the RIPEMD-160 precompile, whose touches survive reverts
	// (a mainnet consensus quirk go-ethereum keeps).
	ripemd = common.BytesToAddress([]byte{3})
)

// New returns an empty overlay over backing, which it reads committed
// state from until Flush writes to it. backing must not change underneath
// the overlay other than through Flush (call Reset after changing it).
func New(backing vm.StateDB) *Overlay {
	o := &Overlay{seed: newSeed(), transientIndex: make(map[slotKey]uint32)}
	o.acctIndex.init()
	o.slotIdx.init()
	o.Reset(backing)
	return o
}

// Reset discards everything the overlay holds, flushed or not, and makes it
// an empty overlay over backing, keeping its buffers for reuse.
func (o *Overlay) Reset(backing vm.StateDB) {
	o.backing, o.joined = backing, false
	o.acctIndex.clearUsed(o.naccts, func(i uint32) uint32 { return o.acctAt(i).pos })
	o.slotIdx.clearUsed(o.nslots, func(i uint32) uint32 { return o.slotAt(i).pos })
	o.last = nil
	// Only the records in use are cleared (to drop code, balance cells and
	// account pointers): the others are zero since the last Reset, and
	// pages a large run once needed would otherwise cost every small one.
	for i := uint32(0); i*acctsPerPage < o.naccts; i++ {
		clear(o.acctPages[i][:min(acctsPerPage, o.naccts-i*acctsPerPage)])
	}
	o.naccts = 0
	for i := uint32(0); i*slotsPerPage < o.nslots; i++ {
		clear(o.slotPages[i][:min(slotsPerPage, o.nslots-i*slotsPerPage)])
	}
	o.nslots, o.lastOK = 0, false
	o.resetTransient()
	clear(o.journal)
	o.journal = o.journal[:0]
	clear(o.saved)
	o.saved = o.saved[:0]
	o.refund = 0
	clear(o.logs)
	o.logs = o.logs[:0]
	o.thash, o.txIndex = common.Hash{}, 0
	o.alEpoch, o.finaliseEpoch, o.ripemdTouched = 1, 0, false
	clear(o.flushAccounts)
	o.flushAccounts = o.flushAccounts[:0]
	o.flushSlots = o.flushSlots[:0]
}

// Release lets go of the backing state and of the logs (the caller owns
// them now) and keeps the rest, which the next Reset or Join discards: an
// idle overlay keeps the backing state alive no longer (its records still
// hold the code they read), at the cost of one clear per use instead of
// two. It must be Reset or Joined before further use.
func (o *Overlay) Release() {
	o.backing = nil
	clear(o.logs)
	o.logs = o.logs[:0]
}

// account returns addr's record with its data, read from the backing state
// the first time.
func (o *Overlay) account(addr common.Address) *account {
	a := o.record(addr)
	if !a.loaded {
		o.loadAccount(a)
	}
	return a
}

// record returns addr's record, made the first time without its data: the
// access list needs only the record (a transaction warms the precompiles,
// the coinbase and its callers, most of which it never reads). The pointer
// stays valid until Reset.
func (o *Overlay) record(addr common.Address) *account {
	if a := o.last; a != nil && eq.Address(&a.addr, &addr) {
		return a
	}
	a, pos := o.findAccount(&addr)
	if a == nil {
		a = o.newAccount(addr, pos)
		if o.joined && o.backing.AddressInAccessList(addr) {
			a.warm = o.alEpoch
		}
	}
	o.last = a
	return a
}

// loadAccount reads a's data from the backing state.
func (o *Overlay) loadAccount(a *account) {
	// Marked loaded only once every read returned: a backing that fails
	// (a forked state's endpoint, panicking) leaves the record to be read
	// again, not an account that seems not to exist.
	var data accountData
	if b, addr := o.backing, a.addr; b.Exist(addr) {
		data = accountData{exists: true, nonce: b.GetNonce(addr), codeHash: b.GetCodeHash(addr)}
		data.balance.Set(b.GetBalance(addr))
		if o.joined { // what the open transaction has done to it so far
			data.selfDestructed, data.newContract = b.HasSelfDestructed(addr), b.IsNewContract(addr)
		}
	}
	a.data, a.loaded = data, true
	if o.joined {
		a.base = a.data.backing()
	}
}

// newAccount returns a new record for addr, which findAccount did not find
// at entry pos, kept in place until Reset.
func (o *Overlay) newAccount(addr common.Address, pos uint32) *account {
	i := o.naccts
	if int(i/acctsPerPage) == len(o.acctPages) {
		o.acctPages = append(o.acctPages, new([acctsPerPage]account))
	}
	o.naccts++
	a := o.acctAt(i)
	*a = account{addr: addr, num: i}
	o.indexAccount(i, pos)
	return a
}

// code returns a's code, reading it from the backing state the first time.
func (o *Overlay) code(a *account) []byte {
	if a.data.code == nil && a.data.exists && a.data.codeHash != types.EmptyCodeHash {
		a.data.code = o.backing.GetCode(a.addr)
	}
	return a.data.code
}

func (o *Overlay) slotAt(i uint32) *slot {
	return &o.slotPages[i/slotsPerPage][i%slotsPerPage]
}

// findSlot returns the index of the record of (a, key), if there is one.
func (o *Overlay) findSlot(a *account, key common.Hash) (uint32, bool) {
	i, ok, _ := o.findSlotAt(a, &key)
	return i, ok
}

// findSlotAt is findSlot that also returns, when there is no record, where
// indexSlot must enter it.
func (o *Overlay) findSlotAt(a *account, key *common.Hash) (i uint32, ok bool, pos uint32) {
	if o.lastOK {
		if s := o.slotAt(o.lastSlot); s.acct == a && eq.Hash(&s.key.slot, key) {
			return o.lastSlot, true, 0
		}
	}
	i, ok, pos = o.findSlotIndex(a, key)
	if ok {
		o.lastSlot, o.lastOK = i, true
	}
	return i, ok, pos
}

// slotOf returns the record of (a, key), creating it (unloaded, cold) if
// needed.
func (o *Overlay) slotOf(a *account, key common.Hash) (uint32, *slot) {
	i, ok, pos := o.findSlotAt(a, &key)
	if ok {
		return i, o.slotAt(i)
	}
	i = o.nslots
	if int(i/slotsPerPage) == len(o.slotPages) {
		o.slotPages = append(o.slotPages, new([slotsPerPage]slot))
	}
	o.nslots++
	s := o.slotAt(i)
	*s = slot{key: slotKey{a.addr, key}, acct: a}
	o.indexSlot(i, pos)
	o.lastSlot, o.lastOK = i, true
	if o.joined {
		if _, warm := o.backing.SlotInAccessList(a.addr, key); warm {
			s.warm = o.alEpoch
		}
	}
	return i, s
}

// load makes s hold the current incarnation of its account's storage,
// reading the committed value on first use.
func (o *Overlay) load(s *slot) *slot {
	a := s.acct
	if !s.loaded || s.inc != a.inc {
		var v, origin common.Hash
		switch {
		case a.wiped:
		case o.joined: // the open transaction may have written it
			v, origin = o.backing.GetStateAndCommittedState(a.addr, s.key.slot)
		default:
			v = o.backing.GetState(a.addr, s.key.slot)
			origin = v
		}
		s.value, s.origin, s.inc, s.loaded, s.flush = v, origin, a.inc, true, false
	}
	return s
}

// Witness is always nil: the overlay collects no stateless witness.
func (o *Overlay) Witness() *stateless.Witness { return nil }

// AccessEvents is always nil: the overlay has no EIP-4762 access events.
func (o *Overlay) AccessEvents() *state.AccessEvents { return nil }

// AddPreimage passes a SHA3 preimage on to the backing state, which keeps
// preimages for the whole block anyway.
func (o *Overlay) AddPreimage(hash common.Hash, preimage []byte) {
	o.backing.AddPreimage(hash, preimage)
}
