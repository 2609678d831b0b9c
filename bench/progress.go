package bench

import (
	"fmt"
	"io"
)

// Progress prints Compare's steps as "[12/99] main/sha1_divs/5311 hyvm": on
// a terminal over one line redrawn in place, elsewhere a line each.
type Progress struct {
	w       io.Writer
	inPlace bool
}

// NewProgress returns a progress indicator writing to w; inPlace redraws
// one line, for terminals.
func NewProgress(w io.Writer, inPlace bool) *Progress {
	return &Progress{w: w, inPlace: inPlace}
}

// Step reports the start of step of total; it fits Config.Progress.
func (p *Progress) Step(step, total int, what string) {
	if p.inPlace {
		fmt.Fprintf(p.w, "\r\033[K[%d/%d] %s", step, total, what)
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", step, total, what)
}

// Done clears the redrawn line.
func (p *Progress) Done() {
	if p.inPlace {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
