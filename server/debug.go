package server

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/eth/tracers"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/sim"
)

// debugAPI is the debug namespace.
type debugAPI struct{ s *Server }

// traceCallConfig is debug_traceCall's third parameter (go-ethereum's
// TraceCallConfig: the struct logger's options, a named native tracer
// and its configuration, and the overrides).
type traceCallConfig struct {
	logger.Config
	Tracer         *string             `json:"tracer"`
	TracerConfig   json.RawMessage     `json:"tracerConfig"`
	StateOverrides *sim.StateOverride  `json:"stateOverrides"`
	BlockOverrides *sim.BlockOverrides `json:"blockOverrides"`
}

// TraceCall is debug_traceCall: the call run as eth_call runs it, traced
// by one of go-ethereum's native tracers (callTracer, prestateTracer,
// 4byteTracer, flatCallTracer, ...) or, without one, the struct logger.
// The code runs instruction by instruction.
func (api *debugAPI) TraceCall(ctx context.Context, args sim.CallArgs, block rpc.BlockNumberOrHash, config *traceCallConfig) (_ json.RawMessage, err error) {
	var gas uint64
	defer api.s.track("debug_traceCall", &gas, &err)()
	if config == nil {
		config = &traceCallConfig{}
	}
	p, err := api.s.prepare(ctx, &callSpec{args: &args, block: &block, overrides: config.StateOverrides, blockOverrides: config.BlockOverrides})
	if err != nil {
		return nil, err
	}
	var hooks *tracing.Hooks
	var result func() (json.RawMessage, error)
	if config.Tracer == nil || *config.Tracer == "" {
		l := logger.NewStructLogger(&config.Config)
		hooks, result = l.Hooks(), l.GetResult
	} else {
		t, err := tracers.DefaultDirectory.New(*config.Tracer, &tracers.Context{BlockNumber: p.block.BlockNumber}, config.TracerConfig, api.s.chain)
		if err != nil {
			return nil, fmt.Errorf("tracer %q: %w", *config.Tracer, err)
		}
		hooks, result = t.Hooks, t.GetResult
	}
	res, err := api.s.run(ctx, p, hooks)
	if err != nil {
		return nil, err
	}
	gas = res.UsedGas
	defer api.s.release(p.st) // once the tracer's result is made
	return result()
}
