package bench

import (
	goruntime "runtime"
	"slices"
	"time"
)

// Measurement is the cost of one operation, averaged over N runs.
type Measurement struct {
	N           int
	NsPerOp     float64
	AllocsPerOp float64
}

// maxRuns caps the runs of one measurement, as testing.B does.
const maxRuns = 1_000_000_000

// Measure times op the way testing.Benchmark does: after one warm-up run it
// grows the number of runs until a batch takes at least d, collecting
// garbage before each batch, and reports the last batch.
func Measure(op func(), d time.Duration) Measurement {
	op()
	n := 1
	for {
		var before, after goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&before)
		start := time.Now()
		for range n {
			op()
		}
		elapsed := time.Since(start)
		goruntime.ReadMemStats(&after)
		if elapsed >= d || n >= maxRuns {
			return Measurement{
				N:           n,
				NsPerOp:     float64(elapsed.Nanoseconds()) / float64(n),
				AllocsPerOp: float64(after.Mallocs-before.Mallocs) / float64(n),
			}
		}
		n = nextRuns(n, elapsed, d)
	}
}

// nextRuns predicts the runs that take d from n runs taking elapsed: 20%
// more than the prediction, growing at least by one and at most 100-fold.
func nextRuns(n int, elapsed, d time.Duration) int {
	ns := max(elapsed.Nanoseconds(), 1)
	next := int64(float64(d.Nanoseconds()) * float64(n) / float64(ns))
	next += next / 5
	next = min(next, 100*int64(n), maxRuns)
	return int(max(next, int64(n)+1))
}

// Median returns the measurement with the median time per operation (the
// mean of the middle two for an even count) and the median allocations; its
// N counts the runs of them all.
func Median(ms []Measurement) Measurement {
	if len(ms) == 0 {
		return Measurement{}
	}
	ns := make([]float64, len(ms))
	allocs := make([]float64, len(ms))
	total := 0
	for i, m := range ms {
		ns[i], allocs[i] = m.NsPerOp, m.AllocsPerOp
		total += m.N
	}
	return Measurement{N: total, NsPerOp: median(ns), AllocsPerOp: median(allocs)}
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 0 {
		return (xs[mid-1] + xs[mid]) / 2
	}
	return xs[mid]
}
