package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// estimateErrorRatio is how far above the least gas that works an
// estimate may stop, go-ethereum's node's (internal/ethapi).
const estimateErrorRatio = 0.015

// EstimateGas is eth_estimateGas, by go-ethereum's search (package
// eth/gasestimator) so that it gives the node's answer: the call run with
// the most gas it may have, then with what its peak use suggests, then a
// binary search between the most that failed and the least that worked,
// stopped within 1.5%.
func (api *ethAPI) EstimateGas(ctx context.Context, args sim.CallArgs, block *rpc.BlockNumberOrHash, overrides *sim.StateOverride, blockOverrides *sim.BlockOverrides) (_ hexutil.Uint64, err error) {
	s := api.s
	var used uint64 // by every trial run
	defer s.track("eth_estimateGas", &used, &err)()
	spec := &callSpec{args: &args, block: block, overrides: overrides, blockOverrides: blockOverrides}
	p, err := s.prepare(ctx, spec)
	if err != nil {
		return 0, err
	}
	var given uint64 // the call's gas, as CallDefaults caps it
	if args.Gas != nil {
		given = min(uint64(*args.Gas), s.cfg.GasCap)
	}
	hi := p.block.GasLimit
	if given >= params.TxGas {
		hi = given
	}
	if runtime.Rules(s.cfg.Fork).IsOsaka && hi > params.MaxTxGas {
		hi = params.MaxTxGas
	}
	if feeCap := p.msg.GasFeeCap; !feeCap.IsZero() {
		available := p.st.GetBalance(p.msg.From).Clone()
		if p.msg.Value.Cmp(available) >= 0 {
			return 0, core.ErrInsufficientFundsForTransfer
		}
		available.Sub(available, p.msg.Value)
		if allowance := new(uint256.Int).Div(available, feeCap); allowance.IsUint64() && hi > allowance.Uint64() {
			hi = allowance.Uint64()
		}
	}
	hi = min(hi, s.cfg.GasCap)
	execute := func(gas uint64) (bool, *runtime.ExecutionResult, error) {
		spec.gas = &gas
		p, err := s.prepare(ctx, spec)
		if err != nil {
			return true, nil, err
		}
		res, err := s.run(ctx, p, nil)
		s.release(p.st)
		if res != nil {
			used += res.UsedGas
		}
		switch {
		case errors.Is(err, core.ErrIntrinsicGas), errors.Is(err, core.ErrGasLimitTooHigh):
			return true, nil, nil // more gas, or less
		case err != nil:
			return true, nil, err
		}
		return res.Err != nil, res, nil
	}
	// A plain transfer to an account without code costs exactly TxGas.
	plain := len(p.msg.Data) == 0 && p.msg.To != nil && p.st.GetCodeSize(*p.msg.To) == 0
	s.release(p.st)
	if plain {
		if failed, res, err := execute(params.TxGas); !failed && err == nil {
			return hexutil.Uint64(res.UsedGas), nil
		}
	}
	failed, res, err := execute(hi)
	if err != nil {
		return 0, err
	}
	if failed {
		if res != nil && !errors.Is(res.Err, vm.ErrOutOfGas) {
			if errors.Is(res.Err, vm.ErrExecutionReverted) {
				return 0, newRevertError(res.ReturnData)
			}
			return 0, res.Err
		}
		return 0, fmt.Errorf("gas required exceeds allowance (%d)", hi)
	}
	lo := res.UsedGas - 1
	if optimistic := (res.MaxUsedGas + params.CallStipend) * 64 / 63; optimistic < hi {
		failed, _, err := execute(optimistic)
		if err != nil {
			return 0, err
		}
		if failed {
			lo = optimistic
		} else {
			hi = optimistic
		}
	}
	for lo+1 < hi {
		if float64(hi-lo)/float64(hi) < estimateErrorRatio {
			break
		}
		mid := lo + (hi-lo)/2
		if mid > lo*2 {
			mid = lo * 2
		}
		failed, _, err := execute(mid)
		if err != nil {
			return 0, err
		}
		if failed {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hexutil.Uint64(hi), nil
}
