package bench

import (
	"bytes"
	"encoding/xml"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fixedReport has two suites; hyvm is twice as fast on main and half as
// fast on micro.
func fixedReport() *Report {
	row := func(suite, name string, hyvm, geth, allocs float64) Row {
		return Row{Suite: suite, Name: suite + "/" + name, Stats: []Measurement{
			{N: 10, NsPerOp: hyvm, AllocsPerOp: allocs}, {N: 10, NsPerOp: geth, AllocsPerOp: 99},
		}}
	}
	return &Report{
		Engines: []string{EngineHyvm, EngineGeth},
		Note:    "go1.26 test <note>",
		Rows: []Row{
			row("main", "a/x", 1000, 2000, 3),
			row("main", "b/y", 4000, 8000, 0),
			row("micro", "c/z", 50, 25, 0.6),
		},
	}
}

func TestGeomean(t *testing.T) {
	for _, tt := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{5}, 5},
		{[]float64{1, 4}, 2},
		{[]float64{2, 8, 4}, 4},
		{[]float64{0.5, 2}, 1},
		{[]float64{1, 0}, 0},
		{[]float64{1, -1}, 0},
		{[]float64{1, math.NaN()}, 0},
	} {
		if got := Geomean(tt.xs); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Geomean(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func TestSummaries(t *testing.T) {
	r := fixedReport()
	got := r.Summaries()
	want := []Summary{
		{Suite: "main", Cases: 2, NsPerOp: []float64{2000, 4000}, Ratio: 2},
		{Suite: "micro", Cases: 1, NsPerOp: []float64{50, 25}, Ratio: 0.5},
		{Suite: "all", Cases: 3, NsPerOp: []float64{math.Cbrt(1000 * 4000 * 50), math.Cbrt(2000 * 8000 * 25)}, Ratio: math.Cbrt(2 * 2 * 0.5)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d summaries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		ok := g.Suite == w.Suite && g.Cases == w.Cases && near(g.Ratio, w.Ratio)
		for e := range w.NsPerOp {
			ok = ok && near(g.NsPerOp[e], w.NsPerOp[e])
		}
		if !ok {
			t.Errorf("summary %d = %+v, want %+v", i, g, w)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := fixedReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `benchmark  hyvm ns/op  geth ns/op  hyvm allocs/op  geth/hyvm
main/a/x         1000        2000               3      2.00×
main/b/y         4000        8000               0      2.00×
micro/c/z        50.0        25.0               1      0.50×

geomean  cases  hyvm ns/op  geth ns/op  geth/hyvm
main         2        2000        4000      2.00×
micro        1        50.0        25.0      0.50×
all          3         585         737      1.26×
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteTextOneEngine(t *testing.T) {
	r := fixedReport()
	r.Engines = r.Engines[1:] // geth only: no allocs, no ratio
	for i := range r.Rows {
		r.Rows[i].Stats = r.Rows[i].Stats[1:]
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "benchmark  geth ns/op" || lines[1] != "main/a/x         2000" {
		t.Errorf("got:\n%s", b.String())
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := fixedReport().WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"go1.26 test <note>\n",
		"| benchmark | hyvm ns/op | geth ns/op | hyvm allocs/op | geth/hyvm |\n| :--- | ---: | ---: | ---: | ---: |\n",
		"| `main/a/x` | 1000 | 2000 | 3 | 2.00× |\n",
		"| `micro/c/z` | 50.0 | 25.0 | 1 | 0.50× |\n",
		"## Geometric mean per suite\n",
		"| geomean | cases | hyvm ns/op | geth ns/op | geth/hyvm |\n",
		"| all | 3 | 585 | 737 | 1.26× |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestWriteSVG(t *testing.T) {
	var b bytes.Buffer
	if err := fixedReport().WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	if err := xml.Unmarshal(b.Bytes(), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	// A bar per case and per geometric mean, over stripes and a background.
	bars := strings.Count(svg, `fill="`+svgFaster+`"`) + strings.Count(svg, `fill="`+svgSlower+`"`)
	means := strings.Count(svg, `fill="`+svgFasterMean+`"`) + strings.Count(svg, `fill="`+svgSlowerMean+`"`)
	if bars != 3 || means != 3 {
		t.Errorf("%d case bars and %d mean bars, want 3 and 3", bars, means)
	}
	for _, want := range []string{
		"go1.26 test &lt;note&gt;", // escaped
		">a/x<", ">c/z<", ">main<", ">micro<", ">geometric mean<", ">all<",
		">2.00×<", ">0.50×<", ">1.26×<",
		">0.5×<", ">1×<", ">2×<", // ticks
		`stroke="` + svgReference + `"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestWriteSVGWithoutRatios(t *testing.T) {
	r := fixedReport()
	r.Engines = r.Engines[:1]
	var b bytes.Buffer
	if err := r.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(b.Bytes(), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	if !strings.Contains(b.String(), svgEmptyReport) {
		t.Errorf("SVG lacks %q:\n%s", svgEmptyReport, b.String())
	}
}

func TestFilter(t *testing.T) {
	cases := []Case{
		{Suite: "main", Benchmark: "sha1_divs", Input: "5311"},
		{Suite: "micro", Benchmark: "signextend", Input: "one"},
		{Suite: "micro", Benchmark: "signextend", Input: "zero"},
		{Suite: "contracts", Benchmark: "erc20_transfer", Input: "to_fresh"},
	}
	names := func(cs []Case) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.Name())
		}
		return strings.Join(s, " ")
	}
	for _, tt := range []struct{ expr, want string }{
		{"", "main/sha1_divs/5311 micro/signextend/one micro/signextend/zero contracts/erc20_transfer/to_fresh"},
		{"micro/signextend", "micro/signextend/one micro/signextend/zero"},
		{"/one$|^contracts/", "micro/signextend/one contracts/erc20_transfer/to_fresh"},
		{"nothing", ""},
	} {
		var re *regexp.Regexp
		if tt.expr != "" {
			re = regexp.MustCompile(tt.expr)
		}
		if got := names(Filter(cases, re)); got != tt.want {
			t.Errorf("Filter(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestMeasure(t *testing.T) {
	var sink []byte
	runs := 0
	m := Measure(func() {
		runs++
		sink = make([]byte, 64+runs%2) // one allocation a run
	}, 5*time.Millisecond)
	_ = sink
	if m.N < 2 || runs < m.N+1 {
		t.Errorf("N = %d after %d runs: want several runs and a warm-up", m.N, runs)
	}
	if m.NsPerOp <= 0 || m.NsPerOp*float64(m.N) < float64(5*time.Millisecond) {
		t.Errorf("%v ns/op over %d runs: less than the time asked for", m.NsPerOp, m.N)
	}
	if m.AllocsPerOp < 0.9 || m.AllocsPerOp > 1.5 {
		t.Errorf("%v allocs/op, want about 1", m.AllocsPerOp)
	}
}

func TestNextRuns(t *testing.T) {
	for _, tt := range []struct {
		n       int
		elapsed time.Duration
		want    int
	}{
		{1, time.Millisecond, 100},              // capped at 100-fold
		{10, 10 * time.Millisecond, 120},        // 100 predicted, plus 20%
		{100, time.Second, 101},                 // at least one more
		{1, 0, 100},                             // no time measured
		{maxRuns / 2, time.Nanosecond, maxRuns}, // capped at maxRuns
	} {
		if got := nextRuns(tt.n, tt.elapsed, 100*time.Millisecond); got != tt.want {
			t.Errorf("nextRuns(%d, %v) = %d, want %d", tt.n, tt.elapsed, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	ms := []Measurement{{N: 1, NsPerOp: 30, AllocsPerOp: 1}, {N: 2, NsPerOp: 10, AllocsPerOp: 3}, {N: 3, NsPerOp: 20, AllocsPerOp: 2}}
	if got := Median(ms); got != (Measurement{N: 6, NsPerOp: 20, AllocsPerOp: 2}) {
		t.Errorf("odd count: %+v", got)
	}
	if got := Median(ms[:2]); got != (Measurement{N: 3, NsPerOp: 20, AllocsPerOp: 2}) {
		t.Errorf("even count: %+v", got)
	}
}
