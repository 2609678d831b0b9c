package translate

import (
	"bytes"
	"fmt"

	"github.com/hyvm/hyvm/blocks"
)

// A contract's generated code is one Go function unless its source would
// exceed aotSplitBytes: then its blocks, in code order, are split into
// parts of about that size, each a function of its own, and the contract's
// function dispatches between them. The Go compiler's time grows faster
// than a function's size (some of its passes are quadratic in the nil
// checks of the stack words' pointers): snailtracer's 59,000 lines as one
// function took 216 s and 5 GB to compile, which every build of a package
// holding it paid. Inside a part, jumps and fallthroughs are gotos as
// before; to a block of another part the part stores the stack height and
// returns AOT.Next with the block's entry number, which the dispatch loop
// turns into a call of that part. Entries are numbered in code order, so
// a part's are a range: the blocks a dynamic jump can land at keep their
// dispatch number (AOT.Dest gives it), and the others another part jumps
// or falls into get one too.
const aotSplitBytes = 96 << 10

// aotSplit is how a contract's code is split into functions.
type aotSplit struct {
	part  []int    // per block: the part holding it (-1: unreachable)
	first []int    // per part: its first block
	ends  []uint32 // per part: one past its last entry number
	entry []uint32 // per block: its entry number, 0 if no other part enters it
	cur   int      // the part being rendered
	used  []bool   // per block: a goto of its own part names its label
	jumps []bool   // per part: a block of it jumps dynamically
}

// blockTexts renders each reachable block alone, as one function would
// have it (the sizes planSplit needs; the text itself when the code is
// not split).
func (r *aotRenderer) blockTexts() [][]byte {
	texts := make([][]byte, len(r.blocks))
	for i := range r.blocks {
		if r.reach[i] {
			texts[i] = r.renderBlock(i)
		}
	}
	return texts
}

// renderBlock returns block i's text, rendered under the current split.
func (r *aotRenderer) renderBlock(i int) []byte {
	start := r.out.Len()
	r.block(i)
	text := bytes.Clone(r.out.Bytes()[start:])
	r.out.Truncate(start)
	return text
}

// planSplit returns how to split the code whose blocks render as texts,
// or nil if one function holds it.
func (r *aotRenderer) planSplit(texts [][]byte) *aotSplit {
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	if total <= aotSplitBytes {
		return nil
	}
	limit := max(aotSplitBytes, total/255+1) // a part's number is a byte
	n := len(r.blocks)
	s := &aotSplit{part: make([]int, n), entry: make([]uint32, n), used: make([]bool, n)}
	size := 0
	for i := range r.blocks {
		s.part[i] = -1
		if !r.reach[i] {
			continue
		}
		if len(s.first) == 0 || size > 0 && size+len(texts[i]) > limit {
			s.first = append(s.first, i)
			size = 0
		}
		s.part[i] = len(s.first) - 1
		size += len(texts[i])
	}
	s.jumps = make([]bool, len(s.first))
	// Entries: where a dynamic jump lands, and what another part goes to.
	enter := make([]bool, n)
	for i := range r.blocks {
		if !r.reach[i] {
			continue
		}
		if r.dynamic && r.landing(&r.blocks[i]) {
			enter[i] = true
		}
		for _, j := range r.successors(&r.blocks[i].blockHead) {
			if s.part[j] != s.part[i] {
				enter[j] = true
			}
		}
	}
	var next uint32 = 1
	for i := range r.blocks {
		if enter[i] {
			s.entry[i] = next
			next++
		}
		if p := s.part[i]; p >= 0 {
			if p == len(s.ends) {
				s.ends = append(s.ends, next)
			}
			s.ends[p] = next
		}
	}
	return s
}

// end returns one past part p's last block, of n.
func (s *aotSplit) end(p, n int) int {
	if p+1 < len(s.first) {
		return s.first[p+1]
	}
	return n
}

// start returns part p's first entry number.
func (s *aotSplit) start(p int) uint32 {
	if p == 0 {
		return 0 // the first part is entered at its first block as 0
	}
	return s.ends[p-1]
}

// successors returns the blocks h's code goes to by a goto: its
// fallthrough and static jump targets.
func (r *aotRenderer) successors(h *blockHead) []int {
	var out []int
	if h.term == blocks.Fallthrough || h.term == blocks.JumpI {
		if j, ok := r.index[h.end]; ok {
			out = append(out, j)
		}
	}
	if (h.term == blocks.Jump || h.term == blocks.JumpI) && h.staticJump {
		if j, ok := r.staticTarget(h); ok {
			out = append(out, j)
		}
	}
	return out
}

// goTo renders going on at block j: a goto within the function (part),
// otherwise a return to the dispatch.
func (r *aotRenderer) goTo(w *bytes.Buffer, j int) {
	s := r.split
	if s == nil || s.part[j] == s.cur {
		if s != nil {
			s.used[j] = true
		}
		fmt.Fprintf(w, "goto b%d\n", r.blocks[j].start)
		return
	}
	fmt.Fprintf(w, "f.SetAOTSP(sp)\nreturn x.Next(f, %d)\n", s.entry[j])
}

// goJump renders a taken dynamic jump, its destination in dest.
func (r *aotRenderer) goJump(w *bytes.Buffer) {
	if r.split != nil {
		r.split.jumps[r.split.cur] = true
	}
	fmt.Fprintf(w, "goto jump\n")
}

// renderSplit returns the contract's function dispatching between its
// parts, and the parts.
func (r *aotRenderer) renderSplit() []byte {
	s := r.split
	parts := len(s.first)
	texts := make([][]byte, len(r.blocks))
	for i := range r.blocks {
		if s.part[i] >= 0 {
			s.cur = s.part[i]
			texts[i] = r.renderBlock(i)
		}
	}
	w := &r.out
	name := namePlaceholder
	fmt.Fprintf(w, "\n// run%s runs %s's code in f until it halts. Its blocks are split\n// among %d functions, which hand the frame on at a block boundary.\n", name, name, parts)
	fmt.Fprintf(w, "func run%s(f *translate.Frame, x *translate.AOT) ([]byte, error) {\nout, err := run%s_0(f, x, 0)\nfor err == translate.ErrAOTNext {\nswitch e := f.AOTNext(); parts%s[e] {\n", name, name, name)
	for p := 0; p < parts-1; p++ {
		fmt.Fprintf(w, "case %d:\nout, err = run%s_%d(f, x, e)\n", p, name, p)
	}
	fmt.Fprintf(w, "default:\nout, err = run%s_%d(f, x, e)\n}\n}\nreturn out, err\n}\n", name, parts-1)
	// Per entry number, the part holding it (a table: the switch above
	// is then a jump table, whatever the number of parts).
	table := make([]byte, s.ends[parts-1])
	for p := range parts {
		for e := s.start(p); e < s.ends[p]; e++ {
			table[e] = byte(p)
		}
	}
	fmt.Fprintf(w, "\n// parts%s is the part of %s's code holding each entry.\nconst parts%s = %q\n", name, name, name, table)
	for p := range parts {
		r.renderPart(p, texts)
	}
	return w.Bytes()
}

// renderPart renders part p, its blocks' texts rendered.
func (r *aotRenderer) renderPart(p int, texts [][]byte) {
	s, w, name := r.split, &r.out, namePlaceholder
	var entries, landings []int
	first, last := s.first[p], s.first[p]
	for i := first; i < s.end(p, len(r.blocks)); i++ {
		if s.part[i] != p {
			continue // unreachable
		}
		last = i
		if s.entry[i] != 0 && i != first {
			entries = append(entries, i)
			s.used[i] = true
		}
		if s.jumps[p] && r.landing(&r.blocks[i]) {
			landings = append(landings, i)
			s.used[i] = true
		}
	}
	fmt.Fprintf(w, "\n// run%s_%d runs %s's blocks from %d to %d, from the one numbered e\n// (0: the first).\n", name, p, name, r.blocks[first].start, r.blocks[last].end)
	fmt.Fprintf(w, "func run%s_%d(f *translate.Frame, x *translate.AOT, e uint32) ([]byte, error) {\n", name, p)
	fmt.Fprintf(w, "s, sp := f.AOTStack()\nops := x.Ops()\n_, _, _ = s, sp, ops\n")
	if s.jumps[p] {
		fmt.Fprintf(w, "var dest uint256.Int\n")
		if r.guest {
			fmt.Fprintf(w, "var jumpi bool\n")
		}
	}
	entryOf := func(_, i int) uint32 { return s.entry[i] }
	if len(entries) > 0 {
		r.gotoSwitch("e", entries, entryOf)
	}
	for i := first; i <= last; i++ {
		if s.part[i] != p {
			continue
		}
		if s.used[i] {
			fmt.Fprintf(w, "b%d:\n", r.blocks[i].start)
		}
		w.Write(texts[i])
	}
	if !s.jumps[p] {
		fmt.Fprintf(w, "}\n")
		return
	}
	fmt.Fprintf(w, "jump:\n")
	if r.guest {
		r.guestJumpPrelude()
	} else {
		fmt.Fprintf(w, "n := x.Dest(&dest)\n")
	}
	if len(landings) > 0 {
		r.gotoSwitch("n", landings, entryOf)
	}
	if !r.guest {
		fmt.Fprintf(w, "if n == 0 {\nreturn x.InvalidJump(f)\n}\n")
	}
	fmt.Fprintf(w, "f.SetAOTSP(sp)\nreturn x.Next(f, n)\n}\n")
}
