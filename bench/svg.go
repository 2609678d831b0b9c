package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Chart geometry, in pixels; text is 12px monospace, about 7.3px a glyph.
const (
	svgMargin   = 16
	svgGlyph    = 7.3
	svgRow      = 18 // a bar's row
	svgBar      = 12
	svgHeader   = 24 // a group's title row
	svgGap      = 10 // between groups
	svgPlotMin  = 420
	svgValueCol = 70
	svgTop      = 76 // first row, below the title, the note and the axis
)

// Colours: hyvm faster, go-ethereum faster, the same for geometric means.
const (
	svgFaster      = "#66bb6a"
	svgSlower      = "#ef7b73"
	svgFasterMean  = "#2e7d32"
	svgSlowerMean  = "#c62828"
	svgGrid        = "#cccccc"
	svgStripe      = "#f5f5f5"
	svgReference   = "#333333"
	svgMutedText   = "#666666"
	svgChartTitle  = "geth/hyvm speed ratio (log scale; right of 1× hyvm is faster)"
	svgEmptyReport = "no geth/hyvm ratios to chart: time both engines"
)

// bar is one bar of the chart.
type bar struct {
	label string
	ratio float64
	mean  bool
}

// group is a titled run of bars.
type group struct {
	title string
	bars  []bar
}

// chartGroups returns the bars per suite, then the geometric means; cases
// without a ratio are left out.
func (r *Report) chartGroups() []group {
	var groups []group
	for i := range r.Rows {
		row := &r.Rows[i]
		ratio, ok := r.Ratio(row)
		if !ok {
			continue
		}
		if len(groups) == 0 || groups[len(groups)-1].title != row.Suite {
			groups = append(groups, group{title: row.Suite})
		}
		label := strings.TrimPrefix(row.Name, row.Suite+"/")
		groups[len(groups)-1].bars = append(groups[len(groups)-1].bars, bar{label: label, ratio: ratio})
	}
	if len(groups) == 0 {
		return nil
	}
	means := group{title: "geometric mean"}
	for _, s := range r.Summaries() {
		if s.Ratio > 0 {
			means.bars = append(means.bars, bar{label: s.Suite, ratio: s.Ratio, mean: true})
		}
	}
	return append(groups, means)
}

// WriteSVG writes a horizontal bar chart of the geth/hyvm ratio of every
// case, on a log scale around a 1× reference line, followed by the
// geometric means per suite.
func (r *Report) WriteSVG(w io.Writer) error {
	groups := r.chartGroups()
	longest := 0
	lo, hi := 0.0, 1.0 // log2 of the axis ends
	rows := 0
	for _, g := range groups {
		longest = max(longest, len(g.title))
		for _, b := range g.bars {
			longest = max(longest, len(b.label))
			lo = min(lo, math.Floor(math.Log2(b.ratio)))
			hi = max(hi, math.Ceil(math.Log2(b.ratio)))
			rows++
		}
	}
	labelW := float64(longest)*svgGlyph + 12
	width := math.Max(720, svgMargin*2+labelW+svgPlotMin+svgValueCol)
	plotX0 := svgMargin + labelW
	plotX1 := width - svgMargin - svgValueCol
	x := func(ratio float64) float64 {
		return plotX0 + (math.Log2(ratio)-lo)/(hi-lo)*(plotX1-plotX0)
	}
	height := float64(svgTop + rows*svgRow + len(groups)*(svgHeader+svgGap) + 40)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">%s</text>`+"\n",
		svgMargin, html.EscapeString(svgChartTitle))
	if r.Note != "" {
		fmt.Fprintf(&b, `<text x="%d" y="44" fill="%s">%s</text>`+"\n", svgMargin, svgMutedText, html.EscapeString(r.Note))
	}
	if len(groups) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", svgMargin, svgTop+svgRow, svgEmptyReport)
		b.WriteString("</svg>\n")
		_, err := io.WriteString(w, b.String())
		return err
	}

	// Stripes behind every other row, then the grid, then the rows.
	type placed struct {
		y   float64
		bar *bar // nil for a group's title
		odd bool
	}
	var layout []placed
	y := float64(svgTop)
	for gi := range groups {
		y += svgGap
		layout = append(layout, placed{y: y})
		y += svgHeader
		for i := range groups[gi].bars {
			layout = append(layout, placed{y: y, bar: &groups[gi].bars[i], odd: i%2 == 1})
			y += svgRow
		}
	}
	for _, p := range layout {
		if p.odd {
			fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%.1f" height="%d" fill="%s"/>`+"\n", svgMargin, p.y, width-2*svgMargin, svgRow, svgStripe)
		}
	}
	// A tick and grid line per power of two, fewer on a wide range, always
	// at 1×.
	bottom := height - 40
	step := 1.0
	for (hi-lo)/step > 10 {
		step *= 2
	}
	for k := math.Ceil(lo/step) * step; k <= hi; k += step {
		tx := x(math.Exp2(k))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", tx, svgTop-10, tx, bottom, svgGrid)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", tx, svgTop-16, svgMutedText, tickLabel(k))
	}
	gi := 0
	for _, p := range layout {
		if p.bar == nil {
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-weight="bold">%s</text>`+"\n", svgMargin, p.y+svgHeader-8, html.EscapeString(groups[gi].title))
			gi++
			continue
		}
		bar := p.bar
		weight := ""
		if bar.mean {
			weight = ` font-weight="bold"`
		}
		textY := p.y + svgRow/2 + 4
		fmt.Fprintf(&b, `<text x="%d" y="%.1f"%s>%s</text>`+"\n", svgMargin+8, textY, weight, html.EscapeString(bar.label))
		x0, x1 := x(1), x(bar.ratio)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"/>`+"\n",
			math.Min(x0, x1), p.y+(svgRow-svgBar)/2, math.Max(math.Abs(x1-x0), 1), svgBar, barColour(*bar))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end"%s>%s</text>`+"\n", width-svgMargin, textY, weight, formatRatio(bar.ratio))
	}
	// The reference line goes over the bars.
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"/>`+"\n", x(1), svgTop-10, x(1), bottom, svgReference)
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="%s">bars: go-ethereum ns/op ÷ hyvm ns/op per case; dark bars: geometric means</text>`+"\n",
		svgMargin, height-16, svgMutedText)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// tickLabel names the axis tick at 2^k.
func tickLabel(k float64) string {
	return fmt.Sprintf("%g×", math.Exp2(k))
}

func barColour(b bar) string {
	switch {
	case b.ratio >= 1 && b.mean:
		return svgFasterMean
	case b.ratio >= 1:
		return svgFaster
	case b.mean:
		return svgSlowerMean
	default:
		return svgSlower
	}
}
