package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Report is the outcome of a comparison: every case timed on every engine.
type Report struct {
	Engines []string // column order
	Rows    []Row
	Note    string // how it was measured, for the Markdown and the chart
}

// Row is one case's measurements, one per engine in Report.Engines order.
type Row struct {
	Suite string
	Name  string // suite/benchmark/input
	Stats []Measurement
}

// Summary is a suite's geometric means.
type Summary struct {
	Suite   string // "all" for every row
	Cases   int
	NsPerOp []float64 // per engine, in Report.Engines order
	Ratio   float64   // geth/hyvm; 0 when not both were timed
}

// stat returns row's measurement on engine.
func (r *Report) stat(row *Row, engine string) (Measurement, bool) {
	i := slices.Index(r.Engines, engine)
	if i < 0 || i >= len(row.Stats) {
		return Measurement{}, false
	}
	return row.Stats[i], true
}

// hasRatio reports whether both hyvm and go-ethereum were timed.
func (r *Report) hasRatio() bool {
	return slices.Contains(r.Engines, EngineHyvm) && slices.Contains(r.Engines, EngineGeth)
}

// Ratio returns go-ethereum's time per operation over hyvm's: above 1 hyvm
// is faster. ok is false unless both engines have a positive time.
func (r *Report) Ratio(row *Row) (ratio float64, ok bool) {
	h, okH := r.stat(row, EngineHyvm)
	g, okG := r.stat(row, EngineGeth)
	if !okH || !okG || h.NsPerOp <= 0 || g.NsPerOp <= 0 {
		return 0, false
	}
	return g.NsPerOp / h.NsPerOp, true
}

// Summaries returns the geometric means per suite, in the order suites first
// appear, then over all rows when there is more than one suite.
func (r *Report) Summaries() []Summary {
	var suites []string
	for _, row := range r.Rows {
		if !slices.Contains(suites, row.Suite) {
			suites = append(suites, row.Suite)
		}
	}
	var out []Summary
	for _, s := range suites {
		out = append(out, r.summary(s, func(row *Row) bool { return row.Suite == s }))
	}
	if len(suites) > 1 {
		out = append(out, r.summary("all", func(*Row) bool { return true }))
	}
	return out
}

func (r *Report) summary(suite string, in func(*Row) bool) Summary {
	s := Summary{Suite: suite, NsPerOp: make([]float64, len(r.Engines))}
	times := make([][]float64, len(r.Engines))
	var ratios []float64
	for i := range r.Rows {
		row := &r.Rows[i]
		if !in(row) {
			continue
		}
		s.Cases++
		for e := range r.Engines {
			if e < len(row.Stats) {
				times[e] = append(times[e], row.Stats[e].NsPerOp)
			}
		}
		if ratio, ok := r.Ratio(row); ok {
			ratios = append(ratios, ratio)
		}
	}
	for e := range times {
		s.NsPerOp[e] = Geomean(times[e])
	}
	s.Ratio = Geomean(ratios)
	return s
}

// Geomean returns the geometric mean of xs, or 0 if xs is empty or holds a
// value that is not positive.
func Geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		if !(x > 0) {
			return 0
		}
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

// table is a header and rows of formatted cells; column 0 is a name, the
// others numbers.
type table struct {
	header []string
	rows   [][]string
}

// caseTable is the per-case table: ns/op per engine, hyvm's allocs/op and
// the geth/hyvm ratio.
func (r *Report) caseTable() table {
	t := table{header: []string{"benchmark"}}
	for _, e := range r.Engines {
		t.header = append(t.header, e+" ns/op")
	}
	allocs := slices.Contains(r.Engines, EngineHyvm)
	if allocs {
		t.header = append(t.header, EngineHyvm+" allocs/op")
	}
	if r.hasRatio() {
		t.header = append(t.header, EngineGeth+"/"+EngineHyvm)
	}
	for i := range r.Rows {
		row := &r.Rows[i]
		cells := []string{row.Name}
		for _, e := range r.Engines {
			m, _ := r.stat(row, e)
			cells = append(cells, formatNumber(m.NsPerOp))
		}
		if allocs {
			m, _ := r.stat(row, EngineHyvm)
			cells = append(cells, formatAllocs(m.AllocsPerOp))
		}
		if r.hasRatio() {
			ratio, _ := r.Ratio(row)
			cells = append(cells, formatRatio(ratio))
		}
		t.rows = append(t.rows, cells)
	}
	return t
}

// summaryTable is the geometric means per suite.
func (r *Report) summaryTable() table {
	t := table{header: []string{"geomean", "cases"}}
	for _, e := range r.Engines {
		t.header = append(t.header, e+" ns/op")
	}
	if r.hasRatio() {
		t.header = append(t.header, EngineGeth+"/"+EngineHyvm)
	}
	for _, s := range r.Summaries() {
		cells := []string{s.Suite, fmt.Sprint(s.Cases)}
		for _, ns := range s.NsPerOp {
			cells = append(cells, formatNumber(ns))
		}
		if r.hasRatio() {
			cells = append(cells, formatRatio(s.Ratio))
		}
		t.rows = append(t.rows, cells)
	}
	return t
}

// WriteText writes the case table and the per-suite geometric means as
// aligned plain text.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	r.caseTable().writeText(&b)
	b.WriteString("\n")
	r.summaryTable().writeText(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeText aligns names left and numbers right, two spaces apart.
func (t table) writeText(b *strings.Builder) {
	widths := make([]int, len(t.header))
	lines := append([][]string{t.header}, t.rows...)
	for _, cells := range lines {
		for i, c := range cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, cells := range lines {
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
}

// formatNumber prints a time as a whole number from 100 up, else with three
// significant digits; "-" for none.
func formatNumber(x float64) string {
	switch {
	case math.IsNaN(x) || x < 0:
		return "-"
	case x == 0:
		return "0"
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

// formatAllocs prints an allocation count as a whole number, as go test
// does; "-" for none.
func formatAllocs(x float64) string {
	if math.IsNaN(x) || x < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", math.Round(x))
}

// formatRatio prints a speed ratio; "-" for none.
func formatRatio(x float64) string {
	if !(x > 0) {
		return "-"
	}
	return fmt.Sprintf("%.2f×", x)
}
