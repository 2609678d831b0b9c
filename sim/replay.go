package sim

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// Replayed is a block run again: its transactions' results, its EIP-7685
// requests (nil before Prague), the state root after it (with
// StateRoots) and the state it left.
type Replayed struct {
	Calls    []CallResult
	Requests [][]byte
	Root     common.Hash
	State    *hyvmstate.Overlay
}

// ReplayBlock runs block on an overlay over base, the state after its
// parent, as the chain ran it: the system calls before its transactions,
// its transactions (signed, every rule of a block applied), its
// withdrawals and the system calls after. blockCtx is the block's
// context (its parent's hash among those GetHash answers). With roots,
// every step is handed to roots and Replayed.Root is the state root after
// the block, which a node's header for the block holds.
func ReplayBlock(ctx context.Context, base vm.StateDB, blockCtx vm.BlockContext, block *types.Block, chain *params.ChainConfig, fork blocks.Fork, cfg runtime.Config, roots StateRoots) (*Replayed, error) {
	if cfg.Cache == nil {
		cfg.Cache = runtime.NewCache(0)
	}
	header := block.Header()
	st := hyvmstate.New(base)
	signer := types.MakeSigner(chain, header.Number, header.Time)
	txs := Bundle{Validation: true, transactions: true, roots: roots}
	for _, tx := range block.Transactions() {
		c, err := CallOf(tx, signer)
		if err != nil {
			return nil, err
		}
		txs.Calls = append(txs.Calls, c)
	}
	var steps *blockSteps
	res, _, err := txs.runOn(ctx, st, blockCtx, fork, cfg, func(s *blockSteps) error {
		steps = s
		return s.preExecution(chain, header, header.ParentHash)
	})
	if err != nil {
		return nil, err
	}
	var logs []*types.Log
	for _, r := range res {
		logs = append(logs, r.Logs...)
	}
	out := &Replayed{Calls: res, State: st}
	if out.Requests, err = steps.postExecution(chain, header, logs, block.Withdrawals()); err != nil {
		return nil, err
	}
	if roots != nil {
		if out.Root, err = roots.Root(ctx, steps.rules); err != nil {
			return nil, fmt.Errorf("sim: block %d: %w", header.Number, err)
		}
	}
	return out, nil
}
