package translate

import (
	"math"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// maxMemorySize is the largest memory size whose cost fits the gas
// arithmetic; go-ethereum reports larger requests as a gas overflow.
const maxMemorySize = 0x1FFFFFFFE0

// Memory is a frame's byte-addressed, word-grown memory.
type Memory struct {
	store       []byte
	lastGasCost uint64
	watch       memoryWatch
}

func (m *Memory) reset() {
	m.store = m.store[:0]
	m.lastGasCost = 0
	m.watch.forget()
}

// Len returns the memory size in bytes (always a multiple of 32).
func (m *Memory) Len() int { return len(m.store) }

// Data returns the memory contents.
func (m *Memory) Data() []byte { return m.store }

// grow extends memory to size bytes (more than it has), zero-filled.
func (m *Memory) grow(size uint64) {
	if uint64(cap(m.store)) >= size {
		old := len(m.store)
		m.store = m.store[:size]
		clear(m.store[old:])
		return
	}
	grown := make([]byte, size, max(size, uint64(cap(m.store))*2))
	copy(grown, m.store)
	m.store = grown
}

// memEnd returns the end of the region [off, off+size), 0 for an empty region,
// and false if it cannot be addressed.
func memEnd(off, size *uint256.Int) (uint64, bool) {
	if size.IsZero() {
		return 0, true
	}
	if !off.IsUint64() || !size.IsUint64() {
		return 0, false
	}
	end := off.Uint64() + size.Uint64()
	if end < off.Uint64() {
		return 0, false
	}
	return end, true
}

// expansionCost returns the gas for growing memory to cover end bytes and
// the word-aligned new size; it records the new total cost, as go-ethereum
// does, so callers must charge it or fail the frame.
func (m *Memory) expansionCost(end uint64) (cost, newSize uint64, err error) {
	if end == 0 {
		return 0, 0, nil
	}
	if end > maxMemorySize {
		return 0, 0, memSizeError(end)
	}
	words := (end + 31) / 32
	newSize = words * 32
	if newSize <= uint64(len(m.store)) {
		return 0, newSize, nil
	}
	total := memoryCost(words)
	cost = total - m.lastGasCost
	m.lastGasCost = total
	return cost, newSize, nil
}

// memoryCost is the gas of a memory of words words (as it only grows, an
// expansion costs the difference).
func memoryCost(words uint64) uint64 {
	return words*blocks.MemoryGas + words*words/blocks.QuadCoeffDiv
}

// memSizeError is the error for memory of end bytes (> maxMemorySize), as
// go-ethereum words it: a plain gas overflow if end cannot even be rounded
// up to words, else its gas function's overflow, reported as out of gas.
func memSizeError(end uint64) error {
	if end > math.MaxUint64-31 {
		return vm.ErrGasUintOverflow
	}
	return errGasOverflowInGasFn
}

// memAccessError is memSizeError for an access of n bytes at off.
func memAccessError(off *uint256.Int, n uint64) error {
	if !off.IsUint64() || off.Uint64() > math.MaxUint64-n {
		return vm.ErrGasUintOverflow
	}
	return memSizeError(off.Uint64() + n)
}

// set copies data into memory at off; memory must already cover it unless
// data is empty (a zero-size range may lie past the end of memory).
func (m *Memory) set(off uint64, data []byte) {
	if len(data) > 0 {
		m.watch.wrote(off, uint64(len(data)))
		copy(m.store[off:], data)
	}
}

// putByte stores b at off (MSTORE8).
func (m *Memory) putByte(off uint64, b byte) {
	m.watch.wrote(off, 1)
	m.store[off] = b
}

// setPadded writes n bytes at off: data followed by zeros.
func (m *Memory) setPadded(off, n uint64, data []byte) {
	m.watch.wrote(off, n)
	dst := m.store[off : off+n]
	k := copy(dst, data)
	clear(dst[k:])
}

// view returns memory [off, off+n) without copying; n may be 0.
func (m *Memory) view(off, n uint64) []byte {
	if n == 0 {
		return nil
	}
	return m.store[off : off+n]
}

// copyOf returns a copy of memory [off, off+n).
func (m *Memory) copyOf(off, n uint64) []byte {
	if n == 0 {
		return nil
	}
	out := make([]byte, n)
	copy(out, m.store[off:off+n])
	return out
}
