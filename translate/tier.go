package translate

import (
	"fmt"
	"sync/atomic"
)

// Tiers: how a program runs. A block translated to closures costs far more
// to build than to run once (the symbolic-stack pass, a closure per fused
// operation); code that runs once — a fresh HyVM payload, most of a
// contract called once — is cheaper interpreted (interp.go), which builds
// nothing. TierAuto starts every program interpreted and promotes it to
// closures once it has run enough instructions to repay their translation; a
// frame being interpreted continues in the closure program at the jump
// that finds it promoted, as the two share the frame and its layout.

// Tier selects how a program's blocks run.
type Tier uint8

const (
	// TierClosure translates every block to closures on first entry.
	TierClosure Tier = iota
	// TierInterp interprets every block, never translating.
	TierInterp
	// TierAuto interprets first and promotes hot programs to closures.
	TierAuto
	// TierAMD64 compiles a program, HyVM guests included, to amd64 machine
	// code on its first run (native.go); where that cannot be done it runs
	// as TierClosure does.
	TierAMD64
)

var tierNames = [...]string{TierClosure: "closure", TierInterp: "interp", TierAuto: "auto", TierAMD64: "amd64"}

func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", t)
}

// PromoteAfter is how many instructions a TierAuto program runs
// interpreted before it is promoted to closures. Measured with
// BenchmarkOneShot (main suite) and BenchmarkHyVM's run-oneshot and
// run-newguest at 4Ki, 16Ki, 64Ki, 256Ki and 1Mi: one-shot geomean over
// go-ethereum 1.15×, 1.07×, 1.10×, 0.99×, 1.04×; the compute payload
// one-shot 2.0× at 4Ki against 1.0× at 64Ki (a loop repays its
// translation within a few thousand instructions); call-bound payloads
// within noise of each other.
const PromoteAfter = 4096

// heatFlush is how many instructions a run counts locally before adding
// them to its program's heat (at its next taken jump), so that runs on many
// goroutines do not contend on one counter.
const heatFlush = 1024

// promotion is what a TierAuto program keeps to be promoted.
type promotion struct {
	heat atomic.Int64
	to   atomic.Pointer[Program] // the closure program, once promoted
}

// warm adds n interpreted instructions to p's heat, promoting p when it
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
		q = newGuest(p.code, p.fork, Options{Tier: TierClosure})
	} else {
		q = newProgram(p.code, p.fork, p.jumpDests, Options{Tier: TierClosure})
	}
	q.nat.after = p.nat.after // the closure program may go on to machine code
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

// entryAt returns q's block starting at pc, a jump destination (for a
// guest, one byte past a 0x5b), where a frame moves from an interpreted
// program to q.
func (q *Program) entryAt(pc uint32) *block {
	if q.guest {
		b, _ := q.guestAt(pc)
		return b
	}
	return q.destBlock(pc)
}
