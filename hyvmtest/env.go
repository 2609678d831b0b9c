package hyvmtest

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// world is a file's environment made runnable: a committed pre-state that
// every case reopens, and the context of the HyVM frame.
type world struct {
	db   state.Database
	root common.Hash
	ctx  hyvm.Context
}

func newWorld(env *Environment, cache *runtime.Cache) (*world, error) {
	fork, err := blocks.ParseFork(env.Fork)
	if err != nil {
		return nil, err
	}
	disk := rawdb.NewMemoryDatabase()
	db := state.NewMPTDatabase(triedb.NewDatabase(disk, nil), state.NewCodeDB(disk))
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, err
	}
	dep := runtime.HyVMContract{Address: env.HyVM}
	for _, acc := range env.PreState {
		if acc.Address == env.HyVM {
			// HyVM's bytecode is not part of the vectors; the engine serves
			// it natively with the given size and hash.
			dep.CodeHash, dep.CodeSize = common.HexToHash(acc.CodeHash), acc.CodeSize
		}
		if !acc.Exists {
			continue
		}
		bal := new(uint256.Int)
		if acc.Balance != nil {
			if bal.SetFromBig(acc.Balance.ToInt()) {
				return nil, fmt.Errorf("pre-state %v: balance overflows", acc.Address)
			}
		}
		st.SetBalance(acc.Address, bal, tracing.BalanceChangeUnspecified)
		st.SetNonce(acc.Address, acc.Nonce, tracing.NonceChangeUnspecified)
		if code := common.FromHex(acc.Code); len(code) > 0 {
			st.SetCode(acc.Address, code, tracing.CodeChangeUnspecified)
		}
		for k, v := range acc.Storage {
			st.SetState(acc.Address, k, v)
		}
	}
	if dep.CodeHash == (common.Hash{}) {
		return nil, fmt.Errorf("environment: HyVM %v is not in the pre-state", env.HyVM)
	}
	// Loading is not a transition: no EIP-161 sweep of empty accounts.
	root, err := st.Commit(params.Rules{}, 0)
	if err != nil {
		return nil, err
	}
	number := env.BlockNumber
	random := env.PrevRandao
	block := vm.BlockContext{
		Coinbase:    env.Coinbase,
		GasLimit:    env.GasLimit,
		BlockNumber: new(big.Int).SetUint64(number),
		Time:        env.Timestamp,
		Difficulty:  new(big.Int),
		BaseFee:     bigOf(env.BaseFee),
		BlobBaseFee: bigOf(env.BlobBaseFee),
		Random:      &random,
		GetHash:     blockHash,
	}
	gasPrice, _ := uint256.FromBig(bigOf(env.GasPrice))
	value, _ := uint256.FromBig(bigOf(env.CallValue))
	return &world{db: db, root: root, ctx: hyvm.Context{
		Fork: fork, ChainID: new(big.Int).SetUint64(env.ChainID), Block: block,
		Origin: env.Origin, GasPrice: gasPrice, HyVM: dep,
		Host: env.Host, Caller: env.Caller, Value: value,
		Depth: 1, Warm: env.Warm, Cache: cache, StateDiff: true,
	}}, nil
}

// blockHash is the vectors' rule: keccak256 of the 8-byte big-endian number
// (the EVM applies the 256-block window).
func blockHash(n uint64) common.Hash {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return crypto.Keccak256Hash(b[:])
}

func bigOf(b *hexutil.Big) *big.Int {
	if b == nil {
		return new(big.Int)
	}
	return b.ToInt()
}

// run executes one case's guest on a fresh copy of the pre-state, traced
// by tracer if it is set.
func (w *world) run(c *Case, tracer *tracing.Hooks, t tier) (*hyvm.Result, error) {
	res, _, err := w.runOwn(c, tracer, t)
	return res, err
}

// runOwn is run that also returns the state the run leaves (finalised: the
// run is its own transaction).
func (w *world) runOwn(c *Case, tracer *tracing.Hooks, t tier) (*hyvm.Result, *state.StateDB, error) {
	st, err := state.New(w.root, w.db)
	if err != nil {
		return nil, nil, err
	}
	ctx := w.ctx
	ctx.Gas, ctx.Tracer, ctx.Backend, ctx.AOT = c.Gas, tracer, t.backend, t.aot
	res, err := hyvm.Run(context.Background(), st, ctx, c.Code)
	return res, st, err
}

// runInTransaction runs c's guest as a wallet back end would, inside a
// transaction it opened (prepared) on a fresh copy of the pre-state:
// hyvm.Run with InTransaction and no diff recorded, so the state it is
// given serves HyVM's code and caches storage itself (hyvmstate.SlotCache)
// instead of the engine's own overlay and recorder. The state it leaves,
// finalised, must have the root of the same guest run as its own
// transaction (run), whose state diff is compared with the case's: that
// diff is the result's.
func (w *world) runInTransaction(c *Case, tracer *tracing.Hooks, t tier) (*hyvm.Result, error) {
	own, ownSt, err := w.runOwn(c, tracer, t)
	if err != nil {
		return nil, err
	}
	st, err := state.New(w.root, w.db)
	if err != nil {
		return nil, err
	}
	rules := runtime.Rules(w.ctx.Fork)
	st.Prepare(rules, w.ctx.Origin, w.ctx.Block.Coinbase, &w.ctx.Host, runtime.Precompiles(w.ctx.Fork), nil)
	ctx := w.ctx
	ctx.Gas, ctx.Tracer, ctx.Backend, ctx.AOT = c.Gas, tracer, t.backend, t.aot
	ctx.InTransaction, ctx.StateDiff = true, false
	res, err := hyvm.Run(context.Background(), st, ctx, c.Code)
	if err != nil {
		return nil, err
	}
	st.Finalise(rules)
	if got, want := st.IntermediateRoot(rules), ownSt.IntermediateRoot(rules); got != want {
		return nil, fmt.Errorf("in a transaction: state root %v, as its own transaction %v", got, want)
	}
	res.StateDiff = own.StateDiff
	return res, nil
}
