package runtime

import "github.com/hyvm/hyvm/translate"

// guestMemo remembers the last few HyVM guests an EVM ran from a calling
// frame's memory, with a watch on those bytes: while the caller has not
// written them, the same range is the same guest, so a loop that runs a
// nested guest again and again skips hashing it (a hash over the whole
// guest, per iteration) and the cache lookup.
type guestMemo struct {
	entries      [4]guestMemoEntry
	next         int    // round-robin replacement
	hits, misses uint64 // for tests
}

type guestMemoEntry struct {
	mem         *translate.Memory
	off, n, gen uint64
	prog        *translate.Program
}

func (m *guestMemo) lookup(mem *translate.Memory, off, n uint64) *translate.Program {
	for i := range m.entries {
		e := &m.entries[i]
		if e.mem == mem && e.off == off && e.n == n && mem.Unwritten(off, n, e.gen) {
			m.hits++
			return e.prog
		}
	}
	m.misses++
	return nil
}

func (m *guestMemo) remember(mem *translate.Memory, off, n uint64, p *translate.Program) {
	m.entries[m.next] = guestMemoEntry{mem: mem, off: off, n: n, gen: mem.Watch(off, n), prog: p}
	m.next = (m.next + 1) % len(m.entries)
}
