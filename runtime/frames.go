package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"

	"github.com/hyvm/hyvm/translate"
)

// idleFrames holds the call frames of EVMs that are no longer reachable.
// A frame is 33 KB (the 1024-word stack) plus its memory buffer: an EVM
// made for one call (NewEVM per transaction, as go-ethereum's users do)
// would otherwise allocate and zero that per depth and leave it to the
// collector, which is most of what a short one-shot call costs beyond its
// work. go-ethereum pools its stacks for the same reason. (A sync.Pool
// does not do here: the frames are put back by the collector's cleanup
// goroutine, and a pool hands what one processor put only to that
// processor before the next collections drop it.)
var idleFrames frameStore

// maxIdleFrames bounds what idleFrames keeps: about 2 MB of stacks, enough
// for the EVMs a few goroutines make and drop, one frame per depth used.
const maxIdleFrames = 64

// frameStore is a bounded free list of frames, safe for concurrent use.
type frameStore struct {
	mu   sync.Mutex
	idle []*translate.Frame
}

// get returns an idle frame, or nil.
func (s *frameStore) get() *translate.Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.idle)
	if n == 0 {
		return nil
	}
	f := s.idle[n-1]
	s.idle[n-1] = nil
	s.idle = s.idle[:n-1]
	return f
}

// put keeps f for reuse, unless the store is full.
func (s *frameStore) put(f *translate.Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) < maxIdleFrames {
		s.idle = append(s.idle, f)
	}
}

// frameSet is an EVM's frames, frames[d-1] for depth d (nil until that
// depth is reached). It is its own object so that the EVM's cleanup can
// recycle the frames once the EVM itself is unreachable: frames hold no
// pointer to their EVM between runs (runFrame drops Frame.Env), or the
// cleanup would keep the EVM alive.
type frameSet struct {
	frames []*translate.Frame
}

// trackFrames gives e its frame set and, unless enough EVMs are waiting to
// give theirs back already, has its frames recycled when e is collected.
//
// The bound matters: a cleanup's argument stays reachable until the
// cleanup has run, a collection after the EVM's, so the frames of every
// EVM dropped since the last collection count as live heap. With one new
// EVM per call that raised the heap goal, which let more EVMs die before
// the next collection, whose frames raised it further: one-shot calls in
// a loop settled at 300-400 MB of heap where go-ethereum's stay at 4 MB.
// idleFrames keeps at most maxIdleFrames anyway; the frames of EVMs past
// the bound are left to the collector like any garbage.
func (e *EVM) trackFrames() {
	e.fs = new(frameSet)
	if recycling.Add(1) > maxRecycling {
		recycling.Add(-1)
		return
	}
	goruntime.AddCleanup(e, recycleFrames, e.fs)
}

// recycling counts the EVMs whose frames a cleanup will recycle, reachable
// or not yet cleaned up.
var recycling atomic.Int64

// maxRecycling bounds recycling: twice what idleFrames keeps, so that the
// store refills after a collection even when some of those EVMs live on.
const maxRecycling = 2 * maxIdleFrames

// recycleFrames puts the frames of a collected EVM into idleFrames.
func recycleFrames(s *frameSet) {
	recycling.Add(-1)
	for _, f := range s.frames {
		if f != nil {
			f.Recycle()
			idleFrames.put(f)
		}
	}
}

// frameAt returns e's frame for depth d (1-based), taking an idle one or
// making one the first time d is reached.
func (e *EVM) frameAt(d int) *translate.Frame {
	fs := e.fs
	for len(fs.frames) < d {
		fs.frames = append(fs.frames, nil)
	}
	f := fs.frames[d-1]
	if f == nil {
		if f = idleFrames.get(); f == nil {
			f = new(translate.Frame)
		}
		fs.frames[d-1] = f
	}
	return f
}

// callerFrame returns the frame at depth d (1-based) if e has made it.
func (e *EVM) callerFrame(d int) *translate.Frame {
	if d < 1 || d > len(e.fs.frames) {
		return nil
	}
	return e.fs.frames[d-1]
}
