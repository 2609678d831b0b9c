package translate

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Tiers: how a program's blocks run. A block translated to closures costs
// far more to build than to run once (the symbolic-stack pass, a closure
// per fused operation); code that runs once — a fresh HyVM payload, most
// of a contract called once — is cheaper interpreted. TierAuto starts every
// program interpreted (blocks decoded on first entry, nothing else built)
// and promotes it to closures once it has run enough blocks to repay their
// translation; a frame running the interpreted program continues in the
// closure one at its next jump destination, as the two share the frame and
// its layout.

// Tier selects how a program's blocks run.
type Tier uint8

const (
	// TierClosure translates every block to closures on first entry.
	TierClosure Tier = iota
	// TierInterp interprets every block, never translating.
	TierInterp
	// TierAuto interprets first and promotes hot programs to closures.
	TierAuto
)

var tierNames = [...]string{TierClosure: "closure", TierInterp: "interp", TierAuto: "auto"}

func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", t)
}

// ParseTier returns the tier named s (auto, interp or closure).
func ParseTier(s string) (Tier, error) {
	for t, name := range tierNames {
		if s == name {
			return Tier(t), nil
		}
	}
	return 0, fmt.Errorf("unknown tier %q (want %s)", s, strings.Join(tierNames[:], ", "))
}

// PromoteAfter is how many interpreted block entries a TierAuto program
// runs before it is promoted to closures (see BenchmarkPromote for how it
// was chosen).
const PromoteAfter = 2048

// heatFlush is how many block entries a run counts locally before adding
// them to its program's heat, so that runs on many goroutines do not
// contend on one counter.
const heatFlush = 64

// promotion is what a TierAuto program keeps to be promoted.
type promotion struct {
	heat atomic.Int64
	to   atomic.Pointer[Program] // the closure program, once promoted
}

// warm adds n interpreted block entries to p's heat, promoting p when it
// passes PromoteAfter, and returns the program to continue in (nil: p).
func (p *Program) warm(n int) *Program {
	if q := p.promo.to.Load(); q != nil {
		return q
	}
	if p.promo.heat.Add(int64(n)) < PromoteAfter {
		return nil
	}
	return p.promote()
}

// promote makes the closure program of p, sharing its code and jump
// destinations and charged to the same ledger, unless a concurrent run
// already did.
func (p *Program) promote() *Program {
	var q *Program
	if p.guest {
		q = newGuest(p.code, p.fork, false)
	} else {
		q = newProgram(p.code, p.fork, p.jumpDests, Options{Tier: TierClosure})
	}
	if !p.promo.to.CompareAndSwap(nil, q) {
		return p.promo.to.Load()
	}
	// The code and bitmap are p's: q counts only its own tables.
	q.fp.charge(-(allocSize(cap(p.code)) + allocSize(8*len(p.jumpDests))))
	if l := p.fp.ledger; p.fp.state.Load()&attachedBit != 0 {
		q.Attach(l)
		if p.fp.state.Load()&attachedBit == 0 { // p was detached meanwhile
			q.Detach()
		}
	}
	return q
}

// entryAt returns q's block starting at pc, a jump destination (a guest's
// block start), where a frame moves from an interpreted program to q.
func (q *Program) entryAt(pc uint32) *block {
	if q.guest {
		b, _ := q.guestAt(pc)
		return b
	}
	return q.destBlock(pc)
}

// canSwitchAt reports whether a frame of p may continue in its closure
// program at the block starting at pc: where that program can find a block
// without a predecessor (any start for a guest, a jump destination else).
func (p *Program) canSwitchAt(pc uint32) bool {
	return p.guest || p.jumpDests.Has(uint64(pc))
}
