package translate

import (
	"bytes"
	"fmt"
	"slices"
)

// Stack words in Go locals: inside a block, generated code keeps the words
// of the slots it touches in four uint64 locals each, which the Go
// compiler can keep in registers (a [4]uint64 it cannot: arrays of more
// than one element live in memory), instead of loading and storing the
// frame's words at every instruction. A slot's word is loaded from the
// frame at its first read in the block and stored back only where the
// frame must be exact: before a closure runs (it reads and writes the
// frame, so the locals are forgotten after it) and at the block's exit,
// where only the slots below the stack height the block leaves are stored
// (those above it are dead). An error ends the frame's run, which reads
// nothing of its stack afterwards (the stack height is not stored either),
// so error paths store nothing.

// aotRegs is the state of a block's slots while it renders, by slot
// counted from the stack height at block entry.
type aotRegs struct {
	spOff int32 // the stack pointer's move since block entry
	slots map[int32]*aotReg
	w     *bytes.Buffer
	// framed are the slots whose words stay in the frame, read and
	// written there as before (see framed); uses counts each slot's reads
	// and writes, which a first rendering of the block gathers for it.
	framed map[int32]bool
	uses   map[int32]*aotUse
}

// aotUse counts a slot's reads (operand loads) and writes (results).
type aotUse struct{ reads, writes int }

// aotReg is one slot's locals.
type aotReg struct {
	held  bool // the locals hold the slot's word
	dirty bool // and the frame's word is stale
}

func newAOTRegs(w *bytes.Buffer, framed map[int32]bool) *aotRegs {
	return &aotRegs{slots: map[int32]*aotReg{}, w: w, framed: framed, uses: map[int32]*aotUse{}}
}

// framedSlots returns the slots a block whose slots were used as uses
// keeps in the frame: those it only reads, from the words it was entered
// with. Loading them into locals gains nothing (a word read in place is
// a memory operand) and costs registers, which a block with more live
// words than the CPU has registers spills to the Go stack around every
// call (all registers are the caller's to save): blake2b_huff's one block
// of 6,600 bytes reads the masks and shift counts it was entered with
// throughout. Measured against every slot in locals: blake2b_huff 243
// against 260 µs, swap_math 0.9-1.4 against 1.1-1.6 µs, the rest alike.
func framedSlots(uses map[int32]*aotUse) map[int32]bool {
	framed := map[int32]bool{}
	for e, u := range uses {
		if e < 0 && u.writes == 0 {
			framed[e] = true
		}
	}
	return framed
}

// use returns slot e's counts.
func (g *aotRegs) use(e int32) *aotUse {
	u, ok := g.uses[e]
	if !ok {
		u = &aotUse{}
		g.uses[e] = u
	}
	return u
}

// names returns the locals of the slot e (entry-relative; names are
// never emitted unless load or def registered the slot, so that decls
// declares them).
func (g *aotRegs) names(e int32) [4]string {
	format, arg := "%s_%d", ""
	switch {
	case g.framed[e]: // the frame's limbs, addressable
		format, arg = "%s[%d]", fmt.Sprintf("translate.At(s, sp%+d)", e-g.spOff)
	case e < 0:
		arg = fmt.Sprintf("m%d", -e)
	default:
		arg = fmt.Sprintf("p%d", e)
	}
	var n [4]string
	for i := range n {
		n[i] = fmt.Sprintf(format, arg, i)
	}
	return n
}

func (g *aotRegs) reg(e int32) *aotReg {
	r, ok := g.slots[e]
	if !ok {
		r = &aotReg{}
		g.slots[e] = r
	}
	return r
}

// load returns the locals holding the word of slot k (relative to the
// current stack pointer), loading it from the frame first if they do not.
// An instruction loads all its operands before def names its result.
func (g *aotRegs) load(k int32) [4]string {
	e := k + g.spOff
	g.use(e).reads++
	if g.framed[e] {
		return g.names(e)
	}
	r, n := g.reg(e), g.names(e)
	if !r.held {
		fmt.Fprintf(g.w, "{\nw := translate.At(s, sp%+d)\n%s, %s, %s, %s = w[0], w[1], w[2], w[3]\n}\n", k, n[0], n[1], n[2], n[3])
		r.held = true
	}
	return n
}

// def returns the locals an instruction's result in slot k is assigned to.
func (g *aotRegs) def(k int32) [4]string {
	e := k + g.spOff
	g.use(e).writes++
	if g.framed[e] {
		return g.names(e)
	}
	r := g.reg(e)
	r.held, r.dirty = true, true
	return g.names(e)
}

// store writes slot e's locals back to the frame if it is stale.
func (g *aotRegs) store(e int32) {
	r := g.slots[e]
	if !r.dirty {
		return
	}
	n := g.names(e)
	fmt.Fprintf(g.w, "*translate.At(s, sp%+d) = uint256.Int{%s, %s, %s, %s}\n", e-g.spOff, n[0], n[1], n[2], n[3])
	r.dirty = false
}

// need loads the slots among ops into their locals.
func (g *aotRegs) need(ops []aotOperand) {
	for _, o := range ops {
		if o.c == nil {
			g.load(o.k)
		}
	}
}

// storeSlot makes the frame's word of slot k (relative to the stack
// pointer) exact.
func (g *aotRegs) storeSlot(k int32) {
	if _, ok := g.slots[k+g.spOff]; ok {
		g.store(k + g.spOff)
	}
}

// clobber records that a core wrote the frame's word of slot k: its
// locals no longer hold it.
func (g *aotRegs) clobber(k int32) {
	if r, ok := g.slots[k+g.spOff]; ok {
		r.held, r.dirty = false, false
	}
}

// order returns the slots touched, in order (the output is deterministic).
func (g *aotRegs) order() []int32 {
	es := make([]int32, 0, len(g.slots))
	for e := range g.slots {
		es = append(es, e)
	}
	slices.Sort(es)
	return es
}

// sync makes the frame exact and forgets the locals: before a closure or
// a stack-form instruction, which read and write the frame's words.
func (g *aotRegs) sync() {
	for _, e := range g.order() {
		g.store(e)
		g.slots[e].held = false
	}
}

// exit makes the frame exact for the block's successor, the terminator
// having popped pops words: the slots below the height left are stored.
func (g *aotRegs) exit(pops int32) {
	for _, e := range g.order() {
		if e < g.spOff-pops {
			g.store(e)
		}
	}
}

// move records that the stack pointer moved by d (sp += d rendered).
func (g *aotRegs) move(d int32) { g.spOff += d }

// decls returns the declarations of the locals used.
func (g *aotRegs) decls() string {
	var b bytes.Buffer
	for _, e := range g.order() {
		n := g.names(e)
		// Used: a limb may be read nowhere (a dead result, a limb a
		// constant mask folds away), which Go refuses.
		fmt.Fprintf(&b, "var %s, %s, %s, %s uint64\n_, _, _, _ = %s, %s, %s, %s\n", n[0], n[1], n[2], n[3], n[0], n[1], n[2], n[3])
	}
	return b.String()
}
