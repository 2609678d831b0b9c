package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"
)

// What the server reports of each request: a structured log line (method,
// duration, gas, error) to Config.Logger, and Prometheus counters by
// method and outcome at /metrics.

// methodStats are one method's counters.
type methodStats struct {
	ok, failed uint64
	seconds    float64
	gas        uint64
}

// stats are the server's counters.
type stats struct {
	mu      sync.Mutex
	methods map[string]*methodStats
}

// track returns the function a method defers to report itself: its
// duration, the gas *gas says it used and whether *err is set.
func (s *Server) track(method string, gas *uint64, err *error) func() {
	start := time.Now()
	return func() {
		took := time.Since(start)
		st := &s.stats
		st.mu.Lock()
		m := st.methods[method]
		if m == nil {
			m = new(methodStats)
			st.methods[method] = m
		}
		if *err != nil {
			m.failed++
		} else {
			m.ok++
		}
		m.seconds += took.Seconds()
		m.gas += *gas
		st.mu.Unlock()
		if l := s.cfg.Logger; l != nil {
			attrs := []any{slog.String("method", method), slog.Duration("duration", took), slog.Uint64("gas", *gas)}
			if *err != nil {
				l.Info("request", append(attrs, slog.String("error", (*err).Error()))...)
			} else {
				l.Info("request", attrs...)
			}
		}
	}
}

// writeMetrics writes the counters in Prometheus' text format.
func (s *Server) writeMetrics(w io.Writer) {
	st := &s.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	names := make([]string, 0, len(st.methods))
	for n := range st.methods {
		names = append(names, n)
	}
	slices.Sort(names)
	fmt.Fprintf(w, "# HELP hyvm_rpc_requests_total JSON-RPC requests served, by method and outcome.\n# TYPE hyvm_rpc_requests_total counter\n")
	for _, n := range names {
		m := st.methods[n]
		fmt.Fprintf(w, "hyvm_rpc_requests_total{method=%q,outcome=\"ok\"} %d\nhyvm_rpc_requests_total{method=%q,outcome=\"error\"} %d\n", n, m.ok, n, m.failed)
	}
	fmt.Fprintf(w, "# HELP hyvm_rpc_request_seconds_total Time spent serving requests, by method.\n# TYPE hyvm_rpc_request_seconds_total counter\n")
	for _, n := range names {
		fmt.Fprintf(w, "hyvm_rpc_request_seconds_total{method=%q} %g\n", n, st.methods[n].seconds)
	}
	fmt.Fprintf(w, "# HELP hyvm_rpc_gas_total Gas used by the calls requests ran, by method.\n# TYPE hyvm_rpc_gas_total counter\n")
	for _, n := range names {
		fmt.Fprintf(w, "hyvm_rpc_gas_total{method=%q} %d\n", n, st.methods[n].gas)
	}
	fmt.Fprintf(w, "# HELP hyvm_rpc_in_flight HTTP requests being served.\n# TYPE hyvm_rpc_in_flight gauge\nhyvm_rpc_in_flight %d\n", len(s.slots))
}

// metricsHandler serves /metrics.
func (s *Server) metricsHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	s.writeMetrics(w)
}
