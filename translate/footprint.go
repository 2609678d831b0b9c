package translate

import (
	"sync/atomic"
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// A translation retains far more than its bytecode: the jump table, blocks,
// their closures, and blocks built lazily long after the program was
// cached. Every program therefore counts the bytes it retains (allocated
// bytes, estimated where Go cannot tell: closures) and refuses to keep more
// than its budget; past it, blocks are still built and run but not
// published, so they are garbage once left ("run without caching"). A cache
// attaches its programs to a Ledger, whose total then follows their growth.

// Per-program budget: generous for real code (whose full translation
// retains 20–100 bytes per code byte), small enough that adversarial code
// (a guest jumping into PUSH data at every 0x5b) cannot amplify itself.
const (
	// RetainPerCodeByte is what a program may retain per byte of its code.
	RetainPerCodeByte = 128
	// RetainBase is what any program may retain on top of that.
	RetainBase = 64 << 10
	// MaxRetained caps what one program may retain whatever its size.
	MaxRetained = 64 << 20
)

// retainBudget returns the default budget of a program of n code bytes.
func retainBudget(n int) int64 {
	return min(int64(n)*RetainPerCodeByte+RetainBase, MaxRetained)
}

// Ledger sums the bytes retained by the programs attached to it, and any
// the owner adds (a translation cache: its programs and its own entries).
// It is safe for concurrent use.
type Ledger struct {
	bytes      atomic.Int64
	perProgram int64
	limit      int64
	over       func()
}

// NewLedger returns an empty ledger. Each program attached to it may retain
// at most perProgram bytes (<= 0: only its own budget applies). When a
// program's growth takes the total over limit, over is called, from the
// growing goroutine, which holds no lock of the ledger's: a cache evicts
// there, so its bound holds between lookups too.
func NewLedger(perProgram, limit int64, over func()) *Ledger {
	return &Ledger{perProgram: perProgram, limit: limit, over: over}
}

// Bytes returns what the ledger counts now.
func (l *Ledger) Bytes() int64 { return l.bytes.Load() }

// Add counts n more bytes held by the ledger's owner (negative: fewer).
// It does not call over: the owner checks its bound itself.
func (l *Ledger) Add(n int64) { l.bytes.Add(n) }

// grow counts n bytes a program retains, calling over if that goes past
// the limit.
func (l *Ledger) grow(n int64) {
	if l.bytes.Add(n) > l.limit && n > 0 && l.over != nil {
		l.over()
	}
}

// footprint is a program's retained-bytes counter. state packs the count
// (shifted left once) with an attached bit, so that growth, attaching and
// detaching serialise on one word: whichever of a growth and a detach comes
// first, the ledger ends up charged exactly what the program retained while
// attached.
type footprint struct {
	state  atomic.Int64 // retained<<1 | 1 while attached
	budget atomic.Int64
	ledger *Ledger // written before the attached bit is set, never after
}

const attachedBit = 1

// charge counts n bytes the program retains whatever its budget (the
// structures it cannot run without).
func (fp *footprint) charge(n int64) {
	old := fp.state.Add(n<<1) - n<<1
	if old&attachedBit != 0 {
		fp.ledger.grow(n)
	}
}

// reserve counts n bytes about to be published, unless that would exceed
// the budget: then it reports false and the caller must not keep them.
func (fp *footprint) reserve(n int64) bool {
	budget := fp.budget.Load()
	for {
		old := fp.state.Load()
		if old>>1+n > budget {
			return false
		}
		if fp.state.CompareAndSwap(old, old+n<<1) {
			if old&attachedBit != 0 {
				fp.ledger.grow(n)
			}
			return true
		}
	}
}

// release uncounts n reserved bytes that were not kept after all (a
// concurrent builder published the same block first).
func (fp *footprint) release(n int64) { fp.charge(-n) }

// Retained returns the bytes the program retains: its code, tables and
// every block published so far.
func (p *Program) Retained() int64 { return p.fp.state.Load() >> 1 }

// Attach charges the program to l, now and as it grows, and lowers its
// budget to l's per-program cap. A program is attached at most once. What
// it retains already is added without calling l's over: the caller, which
// is adding it, checks its bound next.
func (p *Program) Attach(l *Ledger) {
	fp := &p.fp
	if l.perProgram > 0 && l.perProgram < fp.budget.Load() {
		fp.budget.Store(l.perProgram)
	}
	fp.ledger = l
	for {
		old := fp.state.Load()
		if old&attachedBit != 0 {
			panic("translate: program attached twice")
		}
		if fp.state.CompareAndSwap(old, old|attachedBit) {
			l.bytes.Add(old >> 1)
			return
		}
	}
}

// Detach stops charging the program to its ledger and takes back what it
// retains: an evicted program may still be running, and what it builds
// then no longer counts against the cache.
func (p *Program) Detach() {
	if q := p.promo.to.Load(); q != nil {
		q.Detach()
	}
	fp := &p.fp
	for {
		old := fp.state.Load()
		if old&attachedBit == 0 {
			return
		}
		if fp.state.CompareAndSwap(old, old&^attachedBit) {
			fp.ledger.bytes.Add(-(old >> 1))
			return
		}
	}
}

// Sizes of what programs allocate, for counting them.
const (
	programSize = int(unsafe.Sizeof(Program{}))
	blockSize   = int(unsafe.Sizeof(block{}))
	ptrSize     = int(unsafe.Sizeof(uintptr(0)))
	wordSize    = int(unsafe.Sizeof(uint256.Int{}))
)

// closureBytes estimates the heap object behind one operation of the
// symbolic-stack translation: nearly all bind a few slots or a constant
// (32–48 bytes).
const closureBytes = 40

// instrBytes estimates the heap object behind the stack form of an operation
// for op, wrapped for the exact gas left or not: pushes bind a word, DUP,
// SWAP, LOG and PC an integer, calls and creates a kind; the other
// operations are shared functions.
func instrBytes(op blocks.Opcode, exactGas bool) int64 {
	var n int64
	switch {
	case op == blocks.PUSH0 || op.IsPush():
		return 48
	case op >= blocks.DUP1 && op <= blocks.SWAP16, op >= blocks.LOG0 && op <= blocks.LOG4, op == blocks.PC:
		return 16
	case op == blocks.CALL, op == blocks.CALLCODE, op == blocks.DELEGATECALL, op == blocks.STATICCALL,
		op == blocks.CREATE, op == blocks.CREATE2:
		n = 16
	case !op.Info().ObservesGas:
		return 0
	}
	if exactGas {
		n += 32 // withExactGas
	}
	return n
}
