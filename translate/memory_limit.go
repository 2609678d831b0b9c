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
// past a cap the execution ends with ErrMemoryLimit.
func (f *Frame) growMemory(size uint64) error {
	old := uint64(len(f.Mem.store))
	if size <= old {
		return nil
	}
	env := f.Env
	if size > env.MemoryLimits.frame() {
		return fmt.Errorf("%w: a frame's memory would grow to %d bytes, over the %d-byte cap", ErrMemoryLimit, size, env.MemoryLimits.frame())
	}
	if in := env.memInUse + size - old; in > env.MemoryLimits.total() {
		return fmt.Errorf("%w: the execution's memory would grow to %d bytes, over the %d-byte cap", ErrMemoryLimit, in, env.MemoryLimits.total())
	}
	env.memInUse += size - old
	f.Mem.resize(size)
	return nil
}

// ReleaseMemory ends the frame's use of its memory (its buffer is kept for
// the next frame run in this slot): call it when the frame has returned.
func (f *Frame) ReleaseMemory() {
	f.Env.memInUse -= min(uint64(len(f.Mem.store)), f.Env.memInUse)
	f.Mem.reset()
}

// ResetMemoryUse forgets the memory of all frames: at the start of an
// execution, in case the last one was unwound by a panic before its frames
// released theirs.
func (e *Env) ResetMemoryUse() { e.memInUse = 0 }
