package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/server"
)

const serveUsage = `Usage: hyvmc serve --fork-url URL [flags]

Serves Ethereum JSON-RPC on the state of the chain at URL (its latest
block, or --fork-block), run by hyvm: eth_call, eth_estimateGas,
eth_createAccessList, eth_simulateV1, debug_traceCall, and eth_chainId,
eth_blockNumber, eth_getBalance, eth_getCode, eth_getStorageAt and
eth_getTransactionCount answered from the fork; eth_callBundle (Flashbots)
and hyvm_runGuest (a HyVM guest's result, logs, state diff and trace).
HTTP POST and WebSocket on one address, loopback unless --addr says
otherwise; GET /metrics gives Prometheus counters. Every request runs on
the forked block's state, bounded by --gas-cap and --timeout, and is
logged to standard error. Stops on interrupt.

Flags:
`

// serveOptions are serve's flags.
type serveOptions struct {
	addr    string
	forkURL string
	fork    fork.Options
	config  server.Config
}

// serveCommand implements "hyvmc serve".
func serveCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc serve"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var o serveOptions
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8545", "listen on `HOST:PORT` (another host than loopback exposes the endpoint)")
	fs.StringVar(&o.forkURL, "fork-url", "", "serve the state of the chain at JSON-RPC endpoint `URL` (required)")
	fs.Uint64Var(&o.fork.Block, "fork-block", 0, "the block whose state is served (0: the latest)")
	fs.StringVar(&o.fork.CacheDir, "fork-cache", "", "keep what is read from the endpoint in `DIR` for later runs")
	forkName := fs.String("fork", blocks.Latest.String(), "fork whose rules apply (Cancun, Prague, Osaka)")
	backend := fs.String("backend", runtime.BackendAuto.String(), "how code runs: auto, interp, closure or amd64")
	fs.Uint64Var(&o.config.GasCap, "gas-cap", 50_000_000, "the most gas a call may use")
	fs.DurationVar(&o.config.Timeout, "timeout", 5*time.Second, "the longest a request may run")
	fs.IntVar(&o.config.MaxConcurrent, "max-concurrent", 64, "requests served at once (more wait)")
	fs.IntVar(&o.config.MaxBatch, "max-batch", 1000, "calls in a batch")
	fs.Int64Var(&o.config.MaxRequestBytes, "max-request-bytes", 5<<20, "the largest request body")
	logRequests := fs.Bool("log", true, "log each request (method, duration, gas, error) to standard error")
	positional, err := parseFlags(fs, args, serveUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	if len(positional) > 0 {
		return usageError(stderr, cmd, fmt.Errorf("unexpected argument %q (see 'hyvmc serve -h')", positional[0]))
	}
	if o.forkURL == "" {
		return usageError(stderr, cmd, errors.New("--fork-url is required"))
	}
	if o.config.Fork, err = blocks.ParseFork(*forkName); err != nil {
		return usageError(stderr, cmd, fmt.Errorf("--fork: %w", err))
	}
	if o.config.Backend, err = parseBackend(*backend, stderr); err != nil {
		return usageError(stderr, cmd, err)
	}
	if *logRequests {
		o.config.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err = serve(ctx, &o, func(addr string, block uint64) {
		fmt.Fprintf(stderr, "%s: serving block %d of %s on http://%s (WebSocket: ws://%s)\n", cmd, block, o.forkURL, addr, addr)
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	}
	return exitOK
}

// serve forks o's endpoint and serves it on o.addr until ctx is done;
// ready is told the address listened on and the block served.
func serve(ctx context.Context, o *serveOptions, ready func(addr string, block uint64)) error {
	cache, err := fork.Dial(ctx, o.forkURL, o.fork)
	if err != nil {
		return err
	}
	defer cache.Close()
	srv, err := server.New(ctx, cache, o.config)
	if err != nil {
		return err
	}
	defer srv.Close()
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	ready(l.Addr().String(), cache.Block())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}
