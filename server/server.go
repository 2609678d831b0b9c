// Package server puts hyvm behind the Ethereum JSON-RPC methods that
// simulation clients call (eth_call, eth_estimateGas, eth_createAccessList,
// eth_simulateV1, debug_traceCall and the state reads), over the state of
// a chain it forks (package fork), on go-ethereum's rpc package: a bot or
// wallet back end switches to it by changing a URL, as with anvil.
//
// Every request runs on its own overlay over the forked block's state and
// in that block, as a node answers for "latest" at that block; requests
// share the fork's cache of what has been read and one translation cache.
// A request is bounded by a gas cap and a time limit; the HTTP handler
// bounds request size, batch size and concurrency.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/runtime"
)

// Config configures a Server; the zero value of a field takes the
// default go-ethereum's node has for it.
type Config struct {
	Fork    blocks.Fork     // the rules code runs under (default blocks.Latest)
	Backend runtime.Backend // how code runs
	AOT     *runtime.AOTRegistry
	// GasCap bounds the gas of a call (default 50,000,000, a node's
	// --rpc.gascap); a call without gas gets it.
	GasCap uint64
	// Timeout bounds a request's execution (default 5 s, a node's
	// --rpc.evmtimeout).
	Timeout time.Duration
	// MaxRequestBytes bounds an HTTP request's body (default 5 MiB),
	// MaxBatch a batch's calls and MaxBatchBytes its response (defaults
	// 1,000 and 25 MB, a node's), MaxConcurrent the HTTP requests served
	// at once (default 64; more wait; WebSocket connections take none).
	MaxRequestBytes int64
	MaxBatch        int
	MaxBatchBytes   int
	MaxConcurrent   int
	// Logger, if set, gets a line per request: method, duration, gas and
	// error.
	Logger *slog.Logger
}

// Server answers JSON-RPC requests on a forked chain's state.
type Server struct {
	fork     *fork.Cache
	cfg      Config
	chain    *params.ChainConfig
	block    vm.BlockContext // the forked block's
	header   *types.Header
	cache    *runtime.Cache // translations, shared by every request
	rpc      *rpc.Server
	slots    chan struct{} // MaxConcurrent
	evms     sync.Pool     // *runtime.EVM, reset between requests
	overlays sync.Pool     // *hyvmstate.Overlay, reset between requests
	stats    stats
}

// New returns a server answering on the state of the block c forked.
func New(ctx context.Context, c *fork.Cache, cfg Config) (*Server, error) {
	if cfg.Fork == 0 {
		cfg.Fork = blocks.Latest
	}
	if !cfg.Fork.Supported() {
		return nil, fmt.Errorf("server: unsupported fork %v", cfg.Fork)
	}
	cfg.GasCap = orDefault(cfg.GasCap, 50_000_000)
	cfg.Timeout = orDefault(cfg.Timeout, 5*time.Second)
	cfg.MaxRequestBytes = orDefault(cfg.MaxRequestBytes, 5<<20)
	cfg.MaxBatch = orDefault(cfg.MaxBatch, 1000)
	cfg.MaxBatchBytes = orDefault(cfg.MaxBatchBytes, 25_000_000)
	cfg.MaxConcurrent = orDefault(cfg.MaxConcurrent, 64)
	s := &Server{fork: c, cfg: cfg, chain: runtime.ChainConfig(cfg.Fork), cache: runtime.NewCache(0),
		rpc: rpc.NewServer(), slots: make(chan struct{}, cfg.MaxConcurrent), stats: stats{methods: map[string]*methodStats{}}}
	id, err := c.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.chain.ChainID = id // CHAINID and signatures are the forked chain's
	if s.block, err = c.BlockContext(ctx, s.chain); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if s.header, err = c.Header(ctx, c.Block()); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.rpc.SetBatchLimits(cfg.MaxBatch, cfg.MaxBatchBytes)
	s.rpc.SetHTTPBodyLimit(int(cfg.MaxRequestBytes))
	s.rpc.SetWebsocketReadLimit(cfg.MaxRequestBytes)
	for name, api := range map[string]any{"eth": &ethAPI{s}, "debug": &debugAPI{s}, "hyvm": &hyvmAPI{s}} {
		if err := s.rpc.RegisterName(name, api); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	return s, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Handler returns the server's HTTP handler: JSON-RPC over HTTP POST, and
// over WebSocket on an upgrade request; GET /metrics is the counters in
// Prometheus' text format.
func (s *Server) Handler() http.Handler {
	ws := s.rpc.WebsocketHandler([]string{"*"})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/metrics" {
			s.metricsHandler(w, r)
			return
		}
		if r.Header.Get("Upgrade") == "websocket" {
			// A connection lives long: holding a slot for its life would
			// let a few idle ones starve every HTTP request.
			ws.ServeHTTP(w, r)
			return
		}
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		case <-r.Context().Done():
			return
		}
		s.rpc.ServeHTTP(w, r)
	})
}

// Close stops the server's RPC service (not the fork, which the caller
// owns).
func (s *Server) Close() { s.rpc.Stop() }

// blockAt returns the block context of the block a request names, which
// must be the forked block: "latest", "pending", "safe", "finalized",
// its number or its hash (nil: latest).
func (s *Server) blockAt(b *rpc.BlockNumberOrHash) (vm.BlockContext, error) {
	if b == nil {
		return s.block, nil
	}
	if h, ok := b.Hash(); ok {
		if h != s.header.Hash() {
			return vm.BlockContext{}, fmt.Errorf("hyvm serves the state of block %d (%v) only, not block %v", s.header.Number, s.header.Hash(), h)
		}
		return s.block, nil
	}
	n, _ := b.Number()
	switch {
	case n == rpc.LatestBlockNumber, n == rpc.PendingBlockNumber, n == rpc.SafeBlockNumber, n == rpc.FinalizedBlockNumber:
	case n >= 0 && uint64(n) == s.header.Number.Uint64():
	default:
		return vm.BlockContext{}, fmt.Errorf("hyvm serves the state of block %d only, not block %v", s.header.Number, n)
	}
	return s.block, nil
}

// request bounds a request's context by the time limit.
func (s *Server) request(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.Timeout)
}

// contain, deferred, turns a panic (a forked read the endpoint did not
// answer, a fault) into *err: no panic reaches a client.
func contain(err *error, what string) {
	if r := recover(); r != nil {
		*err = runtime.InternalError(r, what)
	}
}
