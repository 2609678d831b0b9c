package runtime_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
)

// returnsWord reports whether out is the 32-byte word i.
func returnsWord(out []byte, i uint32) bool {
	return len(out) == 32 && binary.BigEndian.Uint32(out[28:]) == i
}

// callDistinct runs the i-th small program as a contract through a new EVM
// sharing cache, as a simulator fed fresh code does.
func callDistinct(t testing.TB, cache *runtime.Cache, i uint32) {
	t.Helper()
	st := stateWith(t, runtime.SmallProgram(i))
	evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{Cache: cache})
	out, _, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int))
	if err != nil || !returnsWord(out, i) {
		t.Fatalf("program %d: out %x, err %v", i, out, err)
	}
}

// runDistinctGuest runs the i-th small program as a HyVM guest through
// hyvm.Run sharing cache, twice: a guest is cached from its second run.
func runDistinctGuest(t testing.TB, cache *runtime.Cache, i uint32) {
	t.Helper()
	for range 2 {
		st := stateWith(t, nil)
		res, err := hyvm.Run(context.Background(), st, hyvm.Context{Host: testContract, Caller: testSender, Gas: 100_000, Cache: cache}, runtime.SmallProgram(i))
		if err != nil || !res.Success || !returnsWord(res.ReturnData, i) {
			t.Fatalf("guest %d: %+v, err %v", i, res, err)
		}
	}
}

// TestCacheBoundsDistinctPrograms runs thousands of distinct programs once
// each, through one shared cache, as contracts and as HyVM guests: what the
// cache accounts for stays under its bound after every run, blocks built
// while running included, and it evicts to stay there. (Before the cache
// counted what translations retain, it counted bytecode: the 25-byte
// programs would all have stayed, each retaining about 60 times that.)
func TestCacheBoundsDistinctPrograms(t *testing.T) {
	const n, bound = 4000, 512 << 10
	for mode, run := range map[string]func(testing.TB, *runtime.Cache, uint32){
		"evm": callDistinct, "hyvm": runDistinctGuest,
	} {
		misses := uint64(n)
		if mode == "hyvm" {
			misses = 2*n - 64 // a guest's first run does not cache it, but for the cache's first 64 guests
		}
		t.Run(mode, func(t *testing.T) {
			cache := runtime.NewCache(bound)
			var peak int64
			for i := range uint32(n) {
				run(t, cache, i)
				s := cache.Stats()
				if s.Bytes > s.MaxBytes {
					t.Fatalf("after program %d the cache accounts for %d bytes, over its bound %d", i, s.Bytes, s.MaxBytes)
				}
				peak = max(peak, s.Bytes)
			}
			s := cache.Stats()
			t.Logf("%+v, peak %d bytes, %d bytes per entry", s, peak, s.Bytes/int64(s.Entries))
			if s.Misses != misses || s.Evictions == 0 || uint64(s.Entries)+s.Evictions != n {
				t.Fatalf("stats %+v: want %d misses, evictions, and entries + evictions = %d", s, misses, n)
			}
			if s.Bytes < bound*3/4 {
				t.Errorf("the cache holds %d bytes, far under its bound %d: evicting too early", s.Bytes, bound)
			}
		})
	}
}

// TestCacheHitDoesNotAllocate checks that looking up a cached translation,
// contract or guest, allocates nothing.
func TestCacheHitDoesNotAllocate(t *testing.T) {
	cache := runtime.NewCache(0)
	code := runtime.SmallProgram(1)
	hash := crypto.Keccak256Hash(code)
	if _, err := cache.Program(hash, code, blocks.Latest, translate.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.HyVMProgram(hash, code, blocks.Latest, translate.Options{}); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		cache.Program(hash, code, blocks.Latest, translate.Options{})
		cache.HyVMProgram(hash, code, blocks.Latest, translate.Options{})
	})
	if allocs != 0 {
		t.Fatalf("a cache hit allocates %.1f times", allocs)
	}
	if s := cache.Stats(); s.Hits != 202 || s.Misses != 2 || s.Entries != 2 {
		t.Fatalf("stats %+v: want 202 hits, 2 misses, 2 entries", s)
	}
}

// TestGuestAdmission checks that a cache takes its first 64 guests at once
// and, after them, caches a guest the second time it is asked for, not the
// first (payloads that run once are not kept); it is then a hit.
func TestGuestAdmission(t *testing.T) {
	cache := runtime.NewCache(0)
	for i := range uint32(64) {
		g := runtime.SmallProgram(1000 + i)
		if _, err := cache.HyVMProgram(cache.GuestKey(g), g, blocks.Latest, translate.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if s := cache.Stats(); s.Entries != 64 {
		t.Fatalf("%d of the first 64 guests cached", s.Entries)
	}
	guest := runtime.SmallProgram(7)
	key := cache.GuestKey(guest)
	for run, want := range []runtime.CacheStats{{Misses: 65, Entries: 64}, {Misses: 66, Entries: 65}, {Hits: 1, Misses: 66, Entries: 65}} {
		if _, err := cache.HyVMProgram(key, guest, blocks.Latest, translate.Options{}); err != nil {
			t.Fatal(err)
		}
		if s := cache.Stats(); s.Hits != want.Hits || s.Misses != want.Misses || s.Entries != want.Entries {
			t.Fatalf("after run %d: stats %+v, want hits %d, misses %d, entries %d", run+1, s, want.Hits, want.Misses, want.Entries)
		}
	}
}

// TestGuestKeys checks that guests are told apart by their bytes: GuestKey
// differs for guests one byte or one length apart, and two guests cached
// under one key (a collision) each get their own program.
func TestGuestKeys(t *testing.T) {
	cache := runtime.NewCache(0)
	a, b := []byte{0x60, 0x01, 0x00}, []byte{0x60, 0x02, 0x00}
	if cache.GuestKey(a) == cache.GuestKey(b) || cache.GuestKey(a) == cache.GuestKey(a[:2]) {
		t.Fatal("GuestKey does not tell guests apart")
	}
	if cache.GuestKey(a) != cache.GuestKey(bytes.Clone(a)) {
		t.Fatal("GuestKey differs for the same bytes")
	}
	var key common.Hash // one key for both: a collision
	for range 2 {
		for _, g := range [][]byte{a, b} {
			p, err := cache.HyVMProgram(key, g, blocks.Latest, translate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.Code(), g) {
				t.Fatalf("guest %x got the program of %x", g, p.Code())
			}
		}
	}
}

// TestCacheKeepsOneProgramOverTheBound checks that a program larger than
// the bound still runs and stays cached alone (evicting it at once would
// translate it again on every call), and that what it may retain is capped
// at a quarter of the bound.
func TestCacheKeepsOneProgramOverTheBound(t *testing.T) {
	const bound = 4 << 10
	cache := runtime.NewCache(bound)
	callDistinct(t, cache, 1)
	// 3,000 JUMPDESTs (a block copy per byte) before a copy of
	// runtime.SmallProgram(2) whose loop jumps to 3,007.
	big := bytes.Repeat([]byte{0x5b}, 3000)
	big = append(big, 0x63, 0, 0, 0, 2, 0x60, 3,
		0x5b, 0x60, 1, 0x90, 0x03, 0x80, 0x61, 0x0b, 0xbf, 0x57,
		0x50, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3)
	st := stateWith(t, big)
	evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{Cache: cache})
	for range 2 {
		out, _, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int))
		if err != nil || !returnsWord(out, 2) {
			t.Fatalf("out %x, err %v", out, err)
		}
	}
	s := cache.Stats()
	if s.Entries != 1 || s.Misses != 2 {
		t.Fatalf("stats %+v: want the big program alone, translated once", s)
	}
	p, err := cache.Program(crypto.Keccak256Hash(big), big, blocks.Latest, translate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := int64(len(big))*8 + int64(len(big)) // its jump table and code, kept whatever the cap
	if r := p.Retained(); r > base+bound/4+1024 {
		t.Fatalf("the program retains %d bytes, over its cap (%d of tables, %d of blocks)", r, base, bound/4)
	}
}
