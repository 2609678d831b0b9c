package runtime

import (
	"container/list"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// DefaultCacheBytes bounds a Cache made with NewCache(0): translations of
// up to this many bytes of bytecode are kept.
const DefaultCacheBytes = 64 << 20

// Cache keeps translated programs by (code hash, fork, variant). It is safe
// for concurrent use: translated programs are immutable and shared, while
// execution state lives in each EVM's frames. Least recently used entries
// are evicted once the cached bytecode exceeds the bound.
type Cache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	lru      *list.List // of *cacheEntry, most recent first
	entries  map[cacheKey]*list.Element
}

type cacheKey struct {
	hash   common.Hash
	fork   blocks.Fork
	traced bool
	hyvm   bool // a HyVM guest (cache_hyvm.go)
}

type cacheEntry struct {
	key  cacheKey
	prog *translate.Program
	size int
}

// NewCache returns a cache bounded to maxBytes of bytecode (0: the default).
func NewCache(maxBytes int) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &Cache{maxBytes: maxBytes, lru: list.New(), entries: make(map[cacheKey]*list.Element)}
}

// Program returns the translation of code, whose keccak256 hash is hash,
// translating it on a miss.
func (c *Cache) Program(hash common.Hash, code []byte, fork blocks.Fork, traced bool) (*translate.Program, error) {
	return c.lookup(cacheKey{hash: hash, fork: fork, traced: traced}, len(code), func() (*translate.Program, error) {
		return Translate(code, fork, traced)
	})
}

// lookup returns the cached program for key, building it on a miss; size
// is the bytecode length it is accounted for.
func (c *Cache) lookup(key cacheKey, size int, build func() (*translate.Program, error)) (*translate.Program, error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.lru.MoveToFront(el)
		p := el.Value.(*cacheEntry).prog
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	p, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok { // translated concurrently
		return el.Value.(*cacheEntry).prog, nil
	}
	e := &cacheEntry{key: key, prog: p, size: size + 1}
	c.entries[key] = c.lru.PushFront(e)
	c.bytes += e.size
	for c.bytes > c.maxBytes && c.lru.Len() > 1 {
		old := c.lru.Remove(c.lru.Back()).(*cacheEntry)
		delete(c.entries, old.key)
		c.bytes -= old.size
	}
	return p, nil
}

// Len returns the number of cached translations.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Translate prepares code for running without caching; its blocks are
// translated as they are first entered.
func Translate(code []byte, fork blocks.Fork, traced bool) (*translate.Program, error) {
	return translate.CompileCode(code, fork, translate.Options{PerInstructionGas: traced})
}
