package runtime

import (
	"container/list"
	"hash/maphash"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// DefaultCacheBytes bounds a Cache made with NewCache(0): what its
// translations retain (code, jump tables, blocks and their closures,
// including blocks built after a program was cached), not their bytecode,
// which is a small part of it.
const DefaultCacheBytes = 256 << 20

// cacheEntryBytes is what the cache itself holds per entry: its list
// element, entry and share of the map (measured, cache_test.go).
const cacheEntryBytes = 192

// Cache keeps translated programs by (code hash, fork, variant). It is safe
// for concurrent use: translated programs are immutable but for blocks
// published with compare-and-swap as they are first entered, and execution
// state lives in each EVM's frames.
//
// The cache is bounded by what its programs retain: each program counts
// its bytes as it builds blocks (translate.Program.Retained) into the
// cache's ledger, and least recently used entries are evicted as soon as
// the total is over the bound, by the lookup or the block build that took
// it there. An evicted program may still run (an EVM remembers its last
// one); what it builds then no longer counts. One program may retain at
// most a quarter of the bound: past that it runs without keeping new
// blocks.
type Cache struct {
	ledger   *translate.Ledger
	maxBytes int64

	mu      sync.Mutex
	lru     *list.List // of *cacheEntry, most recent first
	entries map[cacheKey]*list.Element
	stats   CacheStats // Hits, Misses, Evictions

	guestSeed   maphash.Seed           // GuestKey's
	guestDoor   *[guestDoorSize]uint64 // guests seen once (cache_hyvm.go), made when needed
	guestsTaken int                    // guests admitted on first sight
}

// CacheStats describes a cache's use since it was made.
type CacheStats struct {
	Hits, Misses, Evictions uint64
	Entries                 int
	// Bytes is what the cached translations retain now, and the cache's
	// own entries; MaxBytes is its bound.
	Bytes, MaxBytes int64
}

type cacheKey struct {
	hash common.Hash
	fork blocks.Fork
	opt  translate.Options // traced, tier
	hyvm bool              // a HyVM guest (cache_hyvm.go)
}

type cacheEntry struct {
	key  cacheKey
	prog *translate.Program
}

// NewCache returns a cache bounded to maxBytes retained by its
// translations (<= 0: DefaultCacheBytes).
func NewCache(maxBytes int) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	c := &Cache{maxBytes: int64(maxBytes), lru: list.New(), entries: make(map[cacheKey]*list.Element),
		guestSeed: maphash.MakeSeed()}
	c.ledger = translate.NewLedger(c.maxBytes/4, c.maxBytes, c.shrink)
	return c
}

// shrink evicts what is over the bound after a cached program grew.
func (c *Cache) shrink() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evictOver()
}

// Program returns the translation of code, whose keccak256 hash is hash,
// translating it on a miss.
func (c *Cache) Program(hash common.Hash, code []byte, fork blocks.Fork, opt translate.Options) (*translate.Program, error) {
	return c.program(hash, code, false, fork, opt)
}

// program is Program; stateCode says code never changes (a state's), so a
// translation may keep it without a copy (translate.CompileStateCode).
func (c *Cache) program(hash common.Hash, code []byte, stateCode bool, fork blocks.Fork, opt translate.Options) (*translate.Program, error) {
	key := cacheKey{hash: hash, fork: fork, opt: opt}
	if p := c.get(key); p != nil {
		return p, nil
	}
	translateCode := translate.CompileCode
	if stateCode {
		translateCode = translate.CompileStateCode
	}
	p, err := translateCode(code, fork, opt)
	if err != nil {
		return nil, err
	}
	return c.put(key, p), nil
}

// get returns the cached program for key, or nil (a miss). It does not
// allocate: a hit is a map lookup and a list move under the lock.
func (c *Cache) get(key cacheKey) *translate.Program {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		c.stats.Misses++
		return nil
	}
	c.stats.Hits++
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).prog
}

// put caches p, a new translation for key, unless one was cached
// concurrently: it returns the cached one.
func (c *Cache) put(key cacheKey, p *translate.Program) *translate.Program {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		return el.Value.(*cacheEntry).prog
	}
	p.Attach(c.ledger)
	c.ledger.Add(cacheEntryBytes)
	c.entries[key] = c.lru.PushFront(&cacheEntry{key: key, prog: p})
	c.evictOver()
	return p
}

// evictOver evicts least recently used entries while the cache is over its
// bound, keeping the most recent one whatever its size.
func (c *Cache) evictOver() {
	for c.ledger.Bytes() > c.maxBytes && c.lru.Len() > 1 {
		old := c.lru.Remove(c.lru.Back()).(*cacheEntry)
		delete(c.entries, old.key)
		old.prog.Detach()
		c.ledger.Add(-cacheEntryBytes)
		c.stats.Evictions++
	}
}

// Len returns the number of cached translations.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Stats returns the cache's counters and its current footprint.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes, s.MaxBytes = c.lru.Len(), c.ledger.Bytes(), c.maxBytes
	return s
}

// Translate prepares code for running without caching; its blocks are
// built as they are first entered.
func Translate(code []byte, fork blocks.Fork, opt translate.Options) (*translate.Program, error) {
	return translate.CompileCode(code, fork, opt)
}
