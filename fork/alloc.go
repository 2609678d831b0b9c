package fork

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Alloc returns what the fork has read so far, in the shape of a genesis
// allocation (go-ethereum's prestate): every existing account read, with
// its balance, nonce and code, and the non-zero storage slots read. A
// simulation that reads nothing else sees the same state on an in-memory
// state built from it: a prestate to keep, to compare, or to run again
// offline. Reads still in flight or failed are left out.
func (c *Cache) Alloc() types.GenesisAlloc {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := types.GenesisAlloc{}
	for addr, e := range c.accounts {
		a, ok := settled(e)
		if !ok || !a.exists {
			continue
		}
		out[addr] = types.Account{Balance: a.balance.ToBig(), Nonce: a.nonce, Code: a.code}
	}
	for k, e := range c.slots {
		v, ok := settled(e)
		acct, exists := out[k.addr]
		if !ok || !exists || v == (common.Hash{}) {
			continue
		}
		if acct.Storage == nil {
			acct.Storage = map[common.Hash]common.Hash{}
		}
		acct.Storage[k.key] = v
		out[k.addr] = acct
	}
	return out
}

// settled returns e's value if it was fetched without error.
func settled[T any](e *entry[T]) (T, bool) {
	select {
	case <-e.done:
		return e.val, e.err == nil
	default:
		var zero T
		return zero, false
	}
}
