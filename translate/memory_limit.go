package translate

import "fmt"

// Memory caps. Gas prices memory quadratically, so no transaction a block
// can hold comes near them (30M gas buys one frame about 4 MB, and about
// 90 MB spread over 1024 frames); they exist for runs given absurd gas (a
// simulator's 2^63), which would otherwise stop the whole process with an
// out-of-memory fatal error that no recover catches.
const (
	// DefaultMaxFrameMemory caps one frame's memory.
	DefaultMaxFrameMemory = 32 << 20
	// DefaultMaxMemory caps the memory of all frames of one execution.
	DefaultMaxMemory = 256 << 20
)

// MemoryLimits caps the memory of an execution; zero fields take the defaults.
type MemoryLimits struct {
	Frame uint64 // bytes one frame's memory may grow to
	Total uint64 // bytes all live frames of an execution may hold together
}

func (l MemoryLimits) frame() uint64 {
	if l.Frame == 0 {
		return DefaultMaxFrameMemory
	}
	return l.Frame
}

func (l MemoryLimits) total() uint64 {
	if l.Total == 0 {
		return DefaultMaxMemory
	}
	return l.Total
}

// growMemory grows the frame's memory to size bytes, once its gas is paid;
// past a cap the execution ends with ErrMemoryLimit. Memory-hungry code
// grows memory a word at a time, so the check is one comparison with the
// frame's allowance, set when the frame starts (Reset): the frame cap, or
// what the total cap leaves after the frames that called it, whose memory
// cannot grow while it runs.
func (f *Frame) growMemory(size uint64) error {
	if size <= uint64(len(f.Mem.store)) {
		return nil
	}
	if size > f.memAllowance {
		return f.Env.memoryLimitError(size)
	}
	f.Mem.grow(size)
	return nil
}

// memoryAllowance returns how far a frame starting now may grow its memory.
func (e *Env) memoryAllowance() uint64 {
	total := e.MemoryLimits.total()
	if e.memHeld >= total {
		return 0
	}
	return min(e.MemoryLimits.frame(), total-e.memHeld)
}

// memoryLimitError says which cap a frame growing to size bytes passes.
func (e *Env) memoryLimitError(size uint64) error {
	if frame := e.MemoryLimits.frame(); size > frame {
		return fmt.Errorf("%w: a frame's memory would grow to %d bytes, over the %d-byte cap", ErrMemoryLimit, size, frame)
	}
	return fmt.Errorf("%w: the execution's memory would grow to %d bytes (%d held by calling frames), over the %d-byte cap",
		ErrMemoryLimit, e.memHeld+size, e.memHeld, e.MemoryLimits.total())
}

// holdMemory and releaseMemory bracket a call or creation of f: while it
// runs, f's memory counts against the total cap of the frames below.
func (f *Frame) holdMemory()    { f.Env.memHeld += uint64(len(f.Mem.store)) }
func (f *Frame) releaseMemory() { f.Env.memHeld -= min(uint64(len(f.Mem.store)), f.Env.memHeld) }

// ResetMemoryUse forgets the memory held by calling frames: at the start of
// an execution, in case the last one was unwound by a panic mid-call.
func (e *Env) ResetMemoryUse() { e.memHeld = 0 }
