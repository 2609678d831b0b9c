package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

const loadUsage = `Usage: hyvmc load --url URL [flags] REQUEST.json...

Load-tests a JSON-RPC endpoint from this process: each REQUEST file is one
request ({"method": ..., "params": [...]}), sent --requests times (or for
--duration, whichever ends first) by each number of concurrent clients in
--clients, over HTTP. Prints, per request and client count, the requests
served per second and the p50, p99 and maximum latency; a request that
fails (a JSON-RPC error, a timeout) is counted and fails the run unless
--allow-errors. Each request file is first sent --warmup times,
unmeasured, so that a server just started is measured warm, as a node
that has been running is. Compare hyvmc serve with the node it forks by running it
against both.

Flags:
`

// loadRequest is one request of a load test.
type loadRequest struct {
	name   string
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

// loadResult is what one request at one concurrency measured.
type loadResult struct {
	Request   string  `json:"request"`
	Clients   int     `json:"clients"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	PerSecond float64 `json:"perSecond"`
	P50       float64 `json:"p50Ms"`
	P99       float64 `json:"p99Ms"`
	Max       float64 `json:"maxMs"`
}

// loadCommand implements "hyvmc load".
func loadCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc load"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	url := fs.String("url", "", "the endpoint (http://...) (required)")
	clientsFlag := fs.String("clients", "1,8,64", "comma-separated numbers of concurrent clients")
	requests := fs.Int("requests", 2000, "requests per request file and client count")
	duration := fs.Duration("duration", 20*time.Second, "the longest each request file and client count runs")
	timeout := fs.Duration("timeout", 10*time.Second, "a request's timeout")
	allowErrors := fs.Bool("allow-errors", false, "do not fail the run when requests fail")
	asJSON := fs.Bool("json", false, "print the results as JSON lines")
	warmup := fs.Int("warmup", 1000, "requests per request file sent first, unmeasured, from the most clients, so that the endpoint is warm (translations, pools, heap)")
	files, err := parseFlags(fs, args, loadUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	if *url == "" || len(files) == 0 {
		return usageError(stderr, cmd, errors.New("want --url and at least one REQUEST file (see 'hyvmc load -h')"))
	}
	var clients []int
	for _, f := range strings.Split(*clientsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 4096 {
			return usageError(stderr, cmd, fmt.Errorf("--clients: %q is not a number of clients in [1, 4096]", f))
		}
		clients = append(clients, n)
	}
	if *requests < 1 {
		return usageError(stderr, cmd, errors.New("--requests must be at least 1"))
	}
	var reqs []loadRequest
	for _, f := range files {
		data, err := readFileOrStdin(f)
		if err != nil {
			return usageError(stderr, cmd, err)
		}
		r := loadRequest{name: f}
		if err := json.Unmarshal(data, &r); err != nil || r.Method == "" {
			return usageError(stderr, cmd, fmt.Errorf("%s: not a request ({\"method\": ..., \"params\": [...]}): %v", f, err))
		}
		reqs = append(reqs, r)
	}
	failed := false
	for _, r := range reqs {
		if *warmup > 0 {
			if _, err := loadRun(*url, r, slices.Max(clients), *warmup, *duration, *timeout); err != nil {
				fmt.Fprintf(stderr, "%s: warming up: %v\n", cmd, err)
				return exitFailed
			}
		}
		for _, n := range clients {
			res, err := loadRun(*url, r, n, *requests, *duration, *timeout)
			if err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
				return exitFailed
			}
			failed = failed || res.Errors > 0
			if *asJSON {
				b, _ := json.Marshal(res)
				fmt.Fprintln(stdout, string(b))
			} else {
				fmt.Fprintf(stdout, "%s  clients %3d  %6d requests  %8.0f/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  errors %d\n",
					res.Request, n, res.Requests, res.PerSecond, res.P50, res.P99, res.Max, res.Errors)
			}
		}
	}
	if failed && !*allowErrors {
		fmt.Fprintf(stderr, "%s: requests failed\n", cmd)
		return exitFailed
	}
	return exitOK
}

// loadRun sends r up to total times (or for at most d) from n clients,
// each with its own connection pool, and measures each round trip.
func loadRun(url string, r loadRequest, n, total int, d, timeout time.Duration) (loadResult, error) {
	ctx := context.Background()
	conns := make([]*rpc.Client, n)
	for i := range conns {
		c, err := rpc.DialContext(ctx, url)
		if err != nil {
			return loadResult{}, err
		}
		defer c.Close()
		conns[i] = c
	}
	params := make([]any, len(r.Params))
	for i, p := range r.Params {
		params[i] = p
	}
	// A first request checks the endpoint answers at all: an error the
	// endpoint sends (a revert) is the request's, counted below.
	var first json.RawMessage
	var answered rpc.Error
	if err := conns[0].CallContext(ctx, &first, r.Method, params...); err != nil && !errors.As(err, &answered) {
		return loadResult{}, fmt.Errorf("%s: %s: %w", r.name, r.Method, err)
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		next      int
		wg        sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for _, c := range conns {
		wg.Go(func() {
			for {
				mu.Lock()
				if next >= total || time.Now().After(deadline) {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				rctx, cancel := context.WithTimeout(ctx, timeout)
				t := time.Now()
				var out json.RawMessage
				err := c.CallContext(rctx, &out, r.Method, params...)
				took := time.Since(t)
				cancel()
				mu.Lock()
				latencies = append(latencies, took)
				if err != nil {
					errs++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	ms := func(q float64) float64 {
		i := min(len(latencies)-1, int(q*float64(len(latencies))))
		return float64(latencies[i]) / 1e6
	}
	return loadResult{Request: r.name, Clients: n, Requests: len(latencies), Errors: errs,
		PerSecond: float64(len(latencies)) / elapsed.Seconds(), P50: ms(0.50), P99: ms(0.99), Max: ms(1)}, nil
}
