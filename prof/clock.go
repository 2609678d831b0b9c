package prof

import "time"

// clock times instructions for the time sample type: from the hook that
// starts one to the next hook (the next instruction, a call's entry, the
// frame's exit), one instruction in every on average.
type clock struct {
	every  int
	seed   uint64 // xorshift state for the strides
	until  int    // instructions left before the next timed one
	timed  *sample
	weight int64 // the stride the timed instruction stands for
	start  time.Time
}

// tick is called as instruction s starts: it ends the instruction being
// timed and, at the end of a stride, starts timing s.
func (c *clock) tick(s *sample) {
	c.stop()
	if c.until--; c.until > 0 {
		return
	}
	stride := 1
	if c.every > 1 {
		// Uniform on [1, 2*every-1]: mean every, and never in step with a
		// loop's length.
		c.seed ^= c.seed << 13
		c.seed ^= c.seed >> 7
		c.seed ^= c.seed << 17
		stride = 1 + int(c.seed%uint64(2*c.every-1))
	}
	c.timed, c.weight, c.until = s, int64(stride), stride // s stands for its stride
	c.start = time.Now()
}

// stop ends the instruction being timed, if any.
func (c *clock) stop() {
	if c.timed != nil {
		c.timed.nsec += int64(time.Since(c.start)) * c.weight
		c.timed = nil
	}
}
