package bench

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hyvm/hyvm/runtime"
)

// Config says how Compare times the cases.
type Config struct {
	Engines []string      // engines to time, in column order
	Time    time.Duration // least time of one measurement
	Count   int           // measurements per case and engine; the median is reported
	// AOT holds the programs compiled ahead of time for EngineHyvmAOT
	// (NewAOTRegistry with package bench/aot's Register).
	AOT *runtime.AOTRegistry
	// Progress, if set, is told of every step before it starts: checking a
	// case, or timing it on an engine.
	Progress func(step, total int, what string)
}

// Compare checks every case on every engine against go-ethereum, then
// times each. A case whose reference run fails, or which an engine runs
// differently (status, output or gas), is an error before anything is timed.
func Compare(cases []Case, cfg Config) (*Report, error) {
	if len(cfg.Engines) == 0 {
		return nil, errors.New("bench: no engines")
	}
	for _, e := range cfg.Engines {
		if !slices.Contains(Engines(), e) {
			return nil, fmt.Errorf("bench: unknown engine %q", e)
		}
	}
	code := Code{Cache: runtime.NewCache(0), AOT: cfg.AOT}
	progress := cfg.Progress
	if progress == nil {
		progress = func(int, int, string) {}
	}
	total := len(cases) * (1 + len(cfg.Engines))
	want := make([]Result, len(cases))
	for i := range cases {
		progress(i+1, total, "check "+cases[i].Name())
		var err error
		if want[i], err = check(&cases[i], cfg.Engines, code); err != nil {
			return nil, err
		}
	}
	report := &Report{Engines: slices.Clone(cfg.Engines)}
	step := len(cases)
	for i := range cases {
		c := &cases[i]
		row := Row{Suite: c.Suite, Name: c.Name()}
		for _, engine := range cfg.Engines {
			step++
			progress(step, total, c.Name()+" "+engine)
			m, err := timeCase(c, engine, want[i], cfg, code)
			if err != nil {
				return nil, err
			}
			row.Stats = append(row.Stats, m)
		}
		report.Rows = append(report.Rows, row)
	}
	return report, nil
}

// check runs c once on go-ethereum and once on every other engine, and
// returns go-ethereum's result.
func check(c *Case, engines []string, code Code) (Result, error) {
	want, err := runOnce(c, EngineGeth, code)
	if err != nil {
		return Result{}, err
	}
	if want.Err != nil {
		return Result{}, fmt.Errorf("bench: %s: go-ethereum failed: %v", c.Name(), want.Err)
	}
	for _, engine := range engines {
		if engine == EngineGeth {
			continue
		}
		got, err := runOnce(c, engine, code)
		if err != nil {
			return Result{}, err
		}
		if err := agree(c, engine, got, want); err != nil {
			return Result{}, err
		}
	}
	return want, nil
}

func runOnce(c *Case, engine string, code Code) (Result, error) {
	r, err := NewRunner(c, engine, code)
	if err != nil {
		return Result{}, err
	}
	return r.Run(), nil
}

// timeCase measures c on engine cfg.Count times, on a runner whose first
// run agrees with want.
func timeCase(c *Case, engine string, want Result, cfg Config, code Code) (Measurement, error) {
	r, err := NewRunner(c, engine, code)
	if err != nil {
		return Measurement{}, err
	}
	if err := agree(c, engine, r.Run(), want); err != nil {
		return Measurement{}, err
	}
	ms := make([]Measurement, max(cfg.Count, 1))
	for i := range ms {
		ms[i] = Measure(func() { r.Run() }, cfg.Time)
	}
	return Median(ms), nil
}

// agree returns an error describing how got differs from go-ethereum's want.
func agree(c *Case, engine string, got, want Result) error {
	if Same(got, want) {
		return nil
	}
	return fmt.Errorf("bench: %s: %s disagrees with go-ethereum: %s; go-ethereum: %s",
		c.Name(), engine, describe(got), describe(want))
}

// describe prints a result on one line, its output cut to 64 bytes.
func describe(r Result) string {
	out := fmt.Sprintf("%x", r.Output)
	if len(r.Output) > 64 {
		out = fmt.Sprintf("%x... (%d bytes)", r.Output[:64], len(r.Output))
	}
	status := "ok"
	if r.Err != nil {
		status = r.Err.Error()
	}
	return fmt.Sprintf("status %s, gas %d, output 0x%s", status, r.GasUsed, out)
}
