package runtime

import (
	"encoding/binary"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// SmallProgram returns the i-th of a family of distinct 25-byte programs
// that loop three times and return the word i; the same bytes run as EVM
// code and as a HyVM guest (their jump lands on a JUMPDEST). Exported for
// the package's external tests (cache_test.go); it exists only in tests.
//
//	0: PUSH4 i  PUSH1 3
//	7: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 7 JUMPI
//	16: POP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
func SmallProgram(i uint32) []byte {
	code := []byte{0x63, 0, 0, 0, 0, 0x60, 3,
		0x5b, 0x60, 1, 0x90, 0x03, 0x80, 0x60, 7, 0x57,
		0x50, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3}
	binary.BigEndian.PutUint32(code[1:5], i)
	return code
}

// cachedBytes returns what the cached programs retain plus the cache's own
// entries: what its ledger must say.
func (c *Cache) cachedBytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for el := c.lru.Front(); el != nil; el = el.Next() {
		n += el.Value.(*cacheEntry).prog.Retained() + cacheEntryBytes
	}
	return n
}

// TestEvictedProgramStopsCounting checks that a cached program's blocks
// count against the cache as they are built, and no longer once the
// program is evicted, though it keeps running and building.
func TestEvictedProgramStopsCounting(t *testing.T) {
	cache := NewCache(64 << 10)
	lookup := func(i uint32) *translate.Program {
		code := SmallProgram(i)
		p, err := cache.Program(crypto.Keccak256Hash(code), code, blocks.Latest, translate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := lookup(0) // no block built yet
	q := lookup(1)
	before, retained := cache.Stats().Bytes, q.Retained()
	q.TranslateAll()
	if grown := cache.Stats().Bytes - before; grown != q.Retained()-retained || grown == 0 {
		t.Fatalf("the cache grew %d bytes while its program built %d", grown, q.Retained()-retained)
	}
	for i := uint32(2); cache.Stats().Evictions == 0; i++ {
		lookup(i).TranslateAll()
	}
	if _, ok := cache.entries[cacheKey{hash: crypto.Keccak256Hash(SmallProgram(0)), fork: blocks.Latest}]; ok {
		t.Fatal("the least recently used program is still cached")
	}
	// The evicted program runs on (an EVM may hold it): what it builds now
	// is its own, not the cache's.
	before, retained = cache.Stats().Bytes, p.Retained()
	p.TranslateAll()
	if p.Retained() == retained {
		t.Fatal("the evicted program built nothing")
	}
	if got := cache.Stats().Bytes; got != before || got != cache.cachedBytes() {
		t.Fatalf("cache bytes %d after an evicted program grew; %d before, %d in its entries", got, before, cache.cachedBytes())
	}
}

// TestCacheAccountingUnderConcurrency has goroutines look up, translate
// and build overlapping sets of programs through one small cache at once,
// so that misses race, programs grow while being evicted and evictions run
// from growing goroutines; afterwards the cache's count must equal what its
// entries retain, within its bound (run with -race).
func TestCacheAccountingUnderConcurrency(t *testing.T) {
	cache := NewCache(48 << 10)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range uint32(300) {
				code := SmallProgram(i*7 + uint32(g%3)) // pairs of goroutines share programs
				hash := crypto.Keccak256Hash(code)
				var p *translate.Program
				var err error
				if i%2 == 0 {
					p, err = cache.Program(hash, code, blocks.Latest, translate.Options{})
				} else {
					p, err = cache.HyVMProgram(hash, code, blocks.Latest, translate.Options{})
				}
				if err != nil {
					t.Error(err)
					return
				}
				f := new(translate.Frame)
				f.Reset(&translate.Env{Fork: blocks.Latest}, 1)
				f.Gas, f.Code = 100_000, code
				if out, err := p.Run(f); err != nil || len(out) != 32 {
					t.Errorf("program %d: out %x, err %v", i, out, err)
					return
				}
			}
		})
	}
	wg.Wait()
	s := cache.Stats()
	if want := cache.cachedBytes(); s.Bytes != want {
		t.Fatalf("cache accounts for %d bytes, its entries retain %d", s.Bytes, want)
	}
	if s.Bytes > s.MaxBytes || s.Evictions == 0 {
		t.Fatalf("stats %+v: want evictions, within the bound", s)
	}
	t.Logf("%+v", s)
}
