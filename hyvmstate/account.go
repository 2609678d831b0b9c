package hyvmstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// cellsPerChunk is how many balance cells GetBalance allocates at once.
const cellsPerChunk = 64

// Exist reports whether addr exists, including accounts self-destructed in
// the current transaction.
func (o *Overlay) Exist(addr common.Address) bool { return o.account(addr).data.exists }

// Empty reports whether addr is absent or empty (EIP-161: no nonce, balance
// or code).
func (o *Overlay) Empty(addr common.Address) bool {
	d := &o.account(addr).data
	return !d.exists || d.empty()
}

// Touch reads addr without changing it.
func (o *Overlay) Touch(addr common.Address) { o.account(addr) }

// GetBalance returns addr's balance. The value it points to never changes
// (later balance changes get a new cell), so callers may keep it; they must
// not modify it.
func (o *Overlay) GetBalance(addr common.Address) *uint256.Int {
	a := o.account(addr)
	if !a.data.exists {
		return &o.zero
	}
	if a.cell == nil {
		if len(o.cells) == 0 {
			o.cells = make([]uint256.Int, cellsPerChunk)
		}
		a.cell, o.cells = &o.cells[0], o.cells[1:]
		*a.cell = a.data.balance
	}
	return a.cell
}

// GetNonce returns addr's nonce, 0 if it does not exist.
func (o *Overlay) GetNonce(addr common.Address) uint64 { return o.account(addr).data.nonce }

// GetCode returns addr's code; callers must not modify it.
func (o *Overlay) GetCode(addr common.Address) []byte { return o.code(o.account(addr)) }

// GetCodeSize returns the length of addr's code.
func (o *Overlay) GetCodeSize(addr common.Address) int { return len(o.code(o.account(addr))) }

// GetCodeHash returns addr's code hash: the empty-code hash for an account
// without code, zero for an absent one.
func (o *Overlay) GetCodeHash(addr common.Address) common.Hash {
	return o.account(addr).data.codeHash
}

// HasSelfDestructed reports whether addr self-destructed in the current
// transaction.
func (o *Overlay) HasSelfDestructed(addr common.Address) bool {
	return o.account(addr).data.selfDestructed
}

// IsNewContract reports whether a contract was created at addr in the
// current transaction.
func (o *Overlay) IsNewContract(addr common.Address) bool {
	return o.account(addr).data.newContract
}

// create replaces a with a new empty account, as go-ethereum does.
func (o *Overlay) create(a *account) {
	o.save(a)
	a.data = accountData{exists: true, codeHash: types.EmptyCodeHash}
}

// live returns addr's record, creating the account if it does not exist.
func (o *Overlay) live(addr common.Address) *account {
	a := o.account(addr)
	if !a.data.exists {
		o.create(a)
	}
	return a
}

// CreateAccount creates a new empty account at addr, replacing any there.
// Its storage is left as it was: the EVM only creates absent accounts,
// whose storage is empty. Unlike go-ethereum's StateDB, creating over an
// existing account does not fall back to the backing state's storage.
func (o *Overlay) CreateAccount(addr common.Address) { o.create(o.account(addr)) }

// CreateContract marks the existing account addr as created in the current
// transaction, which lets it self-destruct (EIP-6780).
func (o *Overlay) CreateContract(addr common.Address) {
	a := o.account(addr)
	if !a.data.exists {
		panic("hyvmstate: CreateContract of an absent account " + addr.Hex())
	}
	if !a.data.newContract {
		o.journal = append(o.journal, change{kind: kContract, acct: a})
		a.data.newContract = true
	}
}

// SelfDestruct marks addr for deletion when the transaction is finalised;
// its balance is the caller's to move.
func (o *Overlay) SelfDestruct(addr common.Address) {
	a := o.account(addr)
	if a.data.exists && !a.data.selfDestructed {
		o.save(a)
		a.data.selfDestructed = true
	}
}

// AddBalance adds amount to addr's balance, creating the account if needed,
// and returns the previous balance. Adding zero to an empty account touches
// it (EIP-161).
func (o *Overlay) AddBalance(addr common.Address, amount *uint256.Int, _ tracing.BalanceChangeReason) uint256.Int {
	a := o.live(addr)
	prev := a.data.balance
	if amount.IsZero() {
		if a.data.empty() {
			o.journal = append(o.journal, change{kind: kTouch, acct: a})
			if addr == ripemd {
				o.ripemdTouched = true
			}
		}
		return prev
	}
	o.save(a)
	a.data.balance.Add(&prev, amount)
	return prev
}

// SubBalance subtracts amount from addr's balance, creating the account if
// needed, and returns the previous balance.
func (o *Overlay) SubBalance(addr common.Address, amount *uint256.Int, _ tracing.BalanceChangeReason) uint256.Int {
	a := o.live(addr)
	prev := a.data.balance
	if amount.IsZero() {
		return prev
	}
	o.save(a)
	a.data.balance.Sub(&prev, amount)
	return prev
}

// SetBalance sets addr's balance, creating the account if needed.
func (o *Overlay) SetBalance(addr common.Address, amount *uint256.Int, _ tracing.BalanceChangeReason) {
	a := o.live(addr)
	o.save(a)
	a.data.balance.Set(amount)
}

// SetNonce sets addr's nonce, creating the account if needed.
func (o *Overlay) SetNonce(addr common.Address, nonce uint64, _ tracing.NonceChangeReason) {
	a := o.live(addr)
	o.save(a)
	a.data.nonce = nonce
}

// SetCode sets addr's code, creating the account if needed, and returns
// the previous code. The overlay keeps code as given: callers must not
// modify it afterwards.
func (o *Overlay) SetCode(addr common.Address, code []byte, _ tracing.CodeChangeReason) []byte {
	a := o.live(addr)
	prev := o.code(a)
	o.save(a)
	a.data.code, a.data.codeHash = code, crypto.Keccak256Hash(code)
	return prev
}
