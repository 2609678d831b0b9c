package difftest

import "github.com/hyvm/hyvm/blocks"

// Minimize shrinks a case on which the engines disagree, so a report shows
// a small program: it drops callees and calldata, then removes runs of
// instructions from the code (halving their length down to one) as long
// as the engines still disagree. It spends at most budget comparisons and
// returns c itself if nothing could be removed.
func (r *Runner) Minimize(c *Case, budget int) *Case {
	disagree := func(t *Case) bool {
		if budget <= 0 {
			return false
		}
		budget--
		_, _, diff, err := r.Compare(t)
		return err == nil && diff != ""
	}
	cur := *c
	for i := range cur.Callees {
		if cur.Callees[i] != nil {
			t := cur
			t.Callees[i] = nil
			if disagree(&t) {
				cur = t
			}
		}
	}
	if len(cur.Input) > 0 {
		t := cur
		t.Input = nil
		if disagree(&t) {
			cur = t
		}
	}
	for n := len(instructions(cur.Code)) / 2; n >= 1; n /= 2 {
		for i := 0; ; {
			ins := instructions(cur.Code)
			if i >= len(ins) {
				break
			}
			end := min(i+n, len(ins))
			stop := len(cur.Code)
			if end < len(ins) {
				stop = ins[end]
			}
			t := cur
			t.Code = append(append([]byte(nil), cur.Code[:ins[i]]...), cur.Code[stop:]...)
			if disagree(&t) {
				cur = t // the next run now starts at i
			} else {
				i += n
			}
		}
	}
	return &cur
}

// instructions returns the offset of every instruction of code.
func instructions(code []byte) []int {
	var offs []int
	for pc := 0; pc < len(code); pc += 1 + blocks.Opcode(code[pc]).Info().Immediate {
		offs = append(offs, pc)
	}
	return offs
}
