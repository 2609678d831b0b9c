package runtime

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// HyVMProgram returns the HyVM-mode translation of guest, cached under
// key: an identity of the guest's bytes, its keccak256 hash or GuestKey. A
// cached program is returned only if its bytes are guest's (two guests
// under one key get one translation each; the second is not cached).
// Guests are cached apart from contracts with the same code: the same
// bytes mean a different program under HyVM. opt selects the tier, as for
// contracts.
//
// Once a cache has taken guestDoorAfter guests, a guest is cached the
// second time it is asked for (within the last guestDoorSize new guests):
// wallets send payloads that run once, and keeping each of them would fill
// the cache and the heap the collector walks; a template run again is kept
// from its second run. A cache made for one run never gets there.
func (c *Cache) HyVMProgram(key common.Hash, guest []byte, fork blocks.Fork, opt translate.Options) (*translate.Program, error) {
	k := cacheKey{hash: key, fork: fork, hyvm: true, opt: opt}
	if p := c.get(k); p != nil && bytes.Equal(p.Code(), guest) {
		return p, nil
	}
	p := translate.CompileHyVM(guest, fork, opt)
	if !c.admitGuest(key) {
		return p, nil
	}
	if q := c.put(k, p); bytes.Equal(q.Code(), guest) {
		return q, nil
	}
	return p, nil
}

// guestDoorAfter is how many guests a cache takes on first sight; then
// guestDoorSize is how many guests seen once it remembers (a fingerprint
// each) to admit them when they come again.
const (
	guestDoorAfter = 64
	guestDoorSize  = 4096
)

// admitGuest reports whether the guest under key is to be cached: one of
// the first guestDoorAfter, or asked for before (its fingerprint is in the
// door), remembered otherwise.
func (c *Cache) admitGuest(key common.Hash) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.guestsTaken < guestDoorAfter {
		c.guestsTaken++
		return true
	}
	if c.guestDoor == nil {
		c.guestDoor = new([guestDoorSize]uint64)
	}
	fp := binary.LittleEndian.Uint64(key[:8]) | 1 // never 0, an empty slot
	slot := &c.guestDoor[fp%guestDoorSize]
	if *slot == fp {
		*slot = 0
		return true
	}
	*slot = fp
	return false
}

// GuestKey returns a key for guest's bytes for HyVMProgram: a keyed hash
// (hash/maphash, with a seed drawn for this cache) and the length. It costs
// a fraction of keccak256, which an EVM would otherwise compute over every
// guest it is handed; guests that collide are told apart by HyVMProgram's
// byte compare.
func (c *Cache) GuestKey(guest []byte) common.Hash {
	var k common.Hash
	binary.LittleEndian.PutUint64(k[0:], maphash.Bytes(c.guestSeed, guest))
	binary.LittleEndian.PutUint64(k[8:], uint64(len(guest)))
	return k
}
