package amd64

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Live code mappings, for leak tests and metrics.
var liveMappings, liveBytes atomic.Int64

// Mapped returns how many code mappings and bytes are currently live.
func Mapped() (mappings int64, bytes int64) { return liveMappings.Load(), liveBytes.Load() }

// Code is executable machine code outside the Go heap. Whoever runs it keeps
// the *Code reachable (runtime.KeepAlive after Enter): once it is not, its
// cleanup unmaps the code.
type Code struct {
	addr    uintptr
	size    int
	m       *mapping
	cleanup runtime.Cleanup
}

// mapping is the part of a Code its cleanup needs; it must not point back to
// the Code, or the Code would never become unreachable.
type mapping struct {
	mem   []byte
	freed atomic.Bool
}

// NewCode maps machine into fresh pages, first writable to copy it in, then
// read-execute only: the pages are never writable and executable at once.
func NewCode(machine []byte) (*Code, error) {
	if len(machine) == 0 {
		return nil, errors.New("amd64: map code: no machine code")
	}
	page := os.Getpagesize()
	size := (len(machine) + page - 1) / page * page
	mem, err := mapWritable(size)
	if err != nil {
		return nil, fmt.Errorf("amd64: map code: %w", err)
	}
	copy(mem, machine)
	if err := protectExec(mem); err != nil {
		_ = unmap(mem) // the protect error is the one worth reporting
		return nil, fmt.Errorf("amd64: map code: %w", err)
	}
	liveMappings.Add(1)
	liveBytes.Add(int64(size))
	m := &mapping{mem: mem}
	c := &Code{addr: uintptr(unsafe.Pointer(&mem[0])), size: size, m: m}
	c.cleanup = runtime.AddCleanup(c, func(m *mapping) { _ = m.free() }, m)
	return c, nil
}

// Addr is the address of the first byte; Addr()+p.Pc is the Prog p.
func (c *Code) Addr() uintptr { return c.addr }

// Size is the number of bytes mapped, a whole number of pages.
func (c *Code) Size() int { return c.size }

// Free unmaps the code now rather than when it becomes unreachable. Nothing
// may run the code any more. Calling it again does nothing.
func (c *Code) Free() error {
	c.cleanup.Stop()
	if err := c.m.free(); err != nil {
		return fmt.Errorf("amd64: free code at %#x: %w", c.addr, err)
	}
	return nil
}

func (m *mapping) free() error {
	if !m.freed.CompareAndSwap(false, true) {
		return nil
	}
	if err := unmap(m.mem); err != nil {
		return err
	}
	liveMappings.Add(-1)
	liveBytes.Add(-int64(len(m.mem)))
	return nil
}
