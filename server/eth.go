package server

import (
	"context"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// ethAPI is the eth namespace: what a node answers, from the fork.
type ethAPI struct{ s *Server }

// ChainId is eth_chainId: the forked chain's.
func (api *ethAPI) ChainId() *hexutil.Big { return (*hexutil.Big)(api.s.chain.ChainID) }

// BlockNumber is eth_blockNumber: the forked block's, which every request
// runs on.
func (api *ethAPI) BlockNumber() hexutil.Uint64 { return hexutil.Uint64(api.s.header.Number.Uint64()) }

// GetBalance, GetCode, GetStorageAt and GetTransactionCount read the
// forked state.
func (api *ethAPI) GetBalance(ctx context.Context, addr common.Address, block rpc.BlockNumberOrHash) (*hexutil.Big, error) {
	var v *big.Int
	err := api.s.read(ctx, &block, func(st vm.StateDB) { v = st.GetBalance(addr).ToBig() })
	return (*hexutil.Big)(v), err
}

func (api *ethAPI) GetCode(ctx context.Context, addr common.Address, block rpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	var code []byte
	err := api.s.read(ctx, &block, func(st vm.StateDB) { code = st.GetCode(addr) })
	return code, err
}

func (api *ethAPI) GetStorageAt(ctx context.Context, addr common.Address, key string, block rpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	slot, err := hexutil.DecodeBig(key)
	if err != nil || slot.BitLen() > 256 {
		if h, herr := hexutil.Decode(key); herr == nil && len(h) <= 32 {
			slot = new(big.Int).SetBytes(h)
		} else {
			return nil, errors.New("unable to decode storage key: hex string invalid")
		}
	}
	var v common.Hash
	err = api.s.read(ctx, &block, func(st vm.StateDB) { v = st.GetState(addr, common.BigToHash(slot)) })
	return v[:], err
}

func (api *ethAPI) GetTransactionCount(ctx context.Context, addr common.Address, block rpc.BlockNumberOrHash) (*hexutil.Uint64, error) {
	var n uint64
	err := api.s.read(ctx, &block, func(st vm.StateDB) { n = st.GetNonce(addr) })
	return (*hexutil.Uint64)(&n), err
}

// read runs f on the forked state of block, a failed read an error.
func (s *Server) read(ctx context.Context, block *rpc.BlockNumberOrHash, f func(vm.StateDB)) (err error) {
	if _, err := s.blockAt(block); err != nil {
		return err
	}
	defer contain(&err, "reading the forked state")
	ctx, cancel := s.request(ctx)
	defer cancel()
	f(s.fork.State(ctx))
	return nil
}

// Call is eth_call: the call's output, a revert as an error with code 3
// and the revert data.
func (api *ethAPI) Call(ctx context.Context, args sim.CallArgs, block *rpc.BlockNumberOrHash, overrides *sim.StateOverride, blockOverrides *sim.BlockOverrides) (_ hexutil.Bytes, err error) {
	var gas uint64
	defer api.s.track("eth_call", &gas, &err)()
	p, err := api.s.prepare(ctx, &callSpec{args: &args, block: block, overrides: overrides, blockOverrides: blockOverrides})
	if err != nil {
		return nil, err
	}
	res, err := api.s.run(ctx, p, nil)
	api.s.release(p.st)
	if err != nil {
		return nil, err
	}
	gas = res.UsedGas
	if errors.Is(res.Err, vm.ErrExecutionReverted) && len(res.ReturnData) > 0 {
		return nil, newRevertError(res.ReturnData)
	}
	if res.Err != nil {
		return nil, res.Err
	}
	return res.ReturnData, nil
}

// accessListResult is eth_createAccessList's result.
type accessListResult struct {
	AccessList *types.AccessList `json:"accessList"`
	Error      string            `json:"error,omitempty"`
	GasUsed    hexutil.Uint64    `json:"gasUsed"`
}

// CreateAccessList is eth_createAccessList, as go-ethereum's node makes
// it: the call run again with the access list its last run touched until
// the list stops changing; the sender, the recipient (or the created
// address) and the precompiles left out.
func (api *ethAPI) CreateAccessList(ctx context.Context, args sim.CallArgs, block *rpc.BlockNumberOrHash, overrides *sim.StateOverride) (_ *accessListResult, err error) {
	var gas uint64
	defer api.s.track("eth_createAccessList", &gas, &err)()
	spec := &callSpec{args: &args, block: block, overrides: overrides}
	p, err := api.s.prepare(ctx, spec)
	if err != nil {
		return nil, err
	}
	if args.Nonce == nil { // the created address's nonce: the sender's
		n := hexutil.Uint64(p.st.GetNonce(args.From))
		args.Nonce = &n
	}
	api.s.release(p.st)
	to := crypto.CreateAddress(args.From, uint64(*args.Nonce))
	if args.To != nil {
		to = *args.To
	}
	exclude := map[common.Address]struct{}{args.From: {}, to: {}}
	for _, a := range runtime.Precompiles(api.s.cfg.Fork) {
		exclude[a] = struct{}{}
	}
	prev := logger.NewAccessListTracer(nil, exclude)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		list := prev.AccessList()
		spec.accessList = &list
		if p, err = api.s.prepare(ctx, spec); err != nil {
			return nil, err
		}
		tracer := logger.NewAccessListTracer(list, exclude)
		res, err := api.s.run(ctx, p, tracer.Hooks())
		api.s.release(p.st)
		if err != nil {
			return nil, err
		}
		gas += res.UsedGas
		if tracer.Equal(prev) {
			out := &accessListResult{AccessList: &list, GasUsed: hexutil.Uint64(res.UsedGas)}
			if res.Err != nil {
				out.Error = res.Err.Error()
			}
			return out, nil
		}
		prev = tracer
	}
}
