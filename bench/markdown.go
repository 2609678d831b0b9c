package bench

import (
	"io"
	"strings"
)

// WriteMarkdown writes the same tables as WriteText as Markdown, under the
// report's note.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# hyvm benchmarks\n\n")
	if r.Note != "" {
		b.WriteString(r.Note + "\n\n")
	}
	if r.hasRatio() {
		b.WriteString("`geth/hyvm` is go-ethereum's time per operation over hyvm's: above 1× hyvm is faster.\n\n")
	}
	r.caseTable().writeMarkdown(&b, true)
	b.WriteString("\n## Geometric mean per suite\n\n")
	r.summaryTable().writeMarkdown(&b, false)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdown writes a pipe table, names left-aligned (as code when code
// is set) and numbers right-aligned.
func (t table) writeMarkdown(b *strings.Builder, code bool) {
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
	line(t.header)
	align := make([]string, len(t.header))
	for i := range align {
		align[i] = "---:"
	}
	align[0] = ":---"
	line(align)
	for _, cells := range t.rows {
		if code {
			cells = append([]string{"`" + cells[0] + "`"}, cells[1:]...)
		}
		line(cells)
	}
}
