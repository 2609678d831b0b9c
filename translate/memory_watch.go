package translate

// memoryWatch tells whether ranges of a frame's memory have been written
// since they were last looked at, in O(1) per write. The runtime uses it to
// run a nested HyVM guest again from the same caller memory without
// hashing its bytes again (a loop that calls a 1 MB guest would otherwise
// hash a megabyte per iteration).
//
// The watched region is the smallest range covering every range watched
// since the last write into it; a write into that region forgets it and
// starts a new generation, which invalidates every token handed out.
type memoryWatch struct {
	lo, hi uint64 // the watched region; empty when lo == hi
	gen    uint64
}

// wrote notes a write of n bytes at off.
func (w *memoryWatch) wrote(off, n uint64) {
	if off < w.hi && off+n > w.lo {
		w.forget()
	}
}

func (w *memoryWatch) forget() {
	w.gen++
	w.lo, w.hi = 0, 0
}

// Watch starts watching memory [off, off+n) and returns a token for
// Unwritten.
func (m *Memory) Watch(off, n uint64) uint64 {
	w := &m.watch
	if w.lo == w.hi {
		w.lo, w.hi = off, off+n
	} else {
		w.lo, w.hi = min(w.lo, off), max(w.hi, off+n)
	}
	return w.gen
}

// Unwritten reports whether memory [off, off+n), watched under token, has
// not been written (nor the memory reset for another frame) since.
func (m *Memory) Unwritten(off, n, token uint64) bool {
	w := &m.watch
	return token == w.gen && off >= w.lo && off+n <= w.hi
}

// Holds reports whether data is memory [off, off+len(data)) itself, not a
// copy: the input of a call this frame is making.
func (m *Memory) Holds(data []byte, off uint64) bool {
	n := uint64(len(data))
	return n > 0 && off+n >= off && off+n <= uint64(len(m.store)) && &m.store[off] == &data[0]
}
