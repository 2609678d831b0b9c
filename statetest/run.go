package statetest

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// check runs one outcome of a test and returns nil when it passes, or what
// differed.
func (r *Runner) check(t *fixture, forkName string, post *postState, rootOut *common.Hash) error {
	fork, err := blocks.ParseFork(forkName)
	if err != nil {
		return err
	}
	if err := checkConfig(t, fork); err != nil {
		return err
	}
	block, err := blockContext(&t.Env, fork)
	if err != nil {
		return fmt.Errorf("bad fixture: %w", err)
	}
	statedb, err := newPreState(t.Pre)
	if err != nil {
		return fmt.Errorf("bad fixture: %w", err)
	}
	rules := runtime.ChainConfig(fork).Rules(block.BlockNumber, block.Random != nil, block.Time)

	msg, err := t.Tx.message(post, fork, block.BaseFee)
	if err != nil && !errors.As(err, new(invalidTxError)) {
		return fmt.Errorf("bad fixture: transaction: %w", err)
	}
	// txState is what the transaction runs on: the pre-state itself, or an
	// overlay over it, flushed into it before the root is computed.
	var txState interface {
		vm.StateDB
		Logs() []*types.Log
	} = statedb
	var overlay *hyvmstate.Overlay
	if r.Overlay {
		overlay = hyvmstate.New(statedb)
		txState = overlay
	}
	var result *runtime.ExecutionResult
	if err == nil {
		m := r.NewMachine(block, txState, fork)
		result, err = runtime.ApplyMessage(context.Background(), m, txState, &block, fork, msg)
	}
	if runtime.HaltsExecution(err) {
		// Never a rejected transaction, even where one is expected.
		return fmt.Errorf("engine failure: %w", err)
	}
	if err != nil {
		if post.ExpectException == "" {
			return fmt.Errorf("unexpected invalid tx: %w", err)
		}
		// The rejected transaction must have left the pre-state alone.
		root := statedb.IntermediateRoot(rules)
		*rootOut = root
		if root != common.Hash(post.Hash) {
			return fmt.Errorf("state root after rejected tx (%v): got %x want %x", err, root, post.Hash)
		}
		return nil
	}
	if post.ExpectException != "" {
		return fmt.Errorf("expected exception %s, tx accepted (gas used %d)", post.ExpectException, result.UsedGas)
	}
	// go-ethereum's runner credits the coinbase a zero reward after the
	// transaction; an empty coinbase is then swept (EIP-161) even if the
	// transaction never touched it.
	txState.AddBalance(block.Coinbase, new(uint256.Int), tracing.BalanceChangeUnspecified)
	if overlay != nil {
		overlay.Flush(rules)
	}
	root := statedb.IntermediateRoot(rules)
	*rootOut = root

	var diffs []string
	if root != common.Hash(post.Hash) {
		diffs = append(diffs, fmt.Sprintf("state root: got %x want %x (gas used %d, execution error: %v)%s",
			root, post.Hash, result.UsedGas, result.Err, explainRoot(statedb, t.Pre, post.State)))
	}
	if logs := logsHash(txState.Logs()); logs != common.Hash(post.Logs) {
		diffs = append(diffs, fmt.Sprintf("logs hash: got %x want %x (%d logs)", logs, post.Logs, len(txState.Logs())))
	}
	if len(diffs) > 0 {
		return errors.New(strings.Join(diffs, "; "))
	}
	return nil
}

// checkConfig rejects fixtures written for another chain or blob schedule
// than the one runtime.ChainConfig gives the fork.
func checkConfig(t *fixture, fork blocks.Fork) error {
	if id := t.Config.ChainID; id != nil && id.big().Cmp(big.NewInt(runtime.ChainID)) != 0 {
		return fmt.Errorf("unsupported chain id %v (want %d)", id.big(), runtime.ChainID)
	}
	s, ok := t.Config.BlobSchedule[fork.String()]
	if !ok {
		return nil
	}
	want := runtime.BlobConfig(fork)
	matches := func(n *num, v uint64) bool { return n == nil || (n.big().IsUint64() && n.big().Uint64() == v) }
	if !matches(s.Target, uint64(want.Target)) || !matches(s.Max, uint64(want.Max)) || !matches(s.BaseFeeUpdateFraction, want.UpdateFraction) {
		return fmt.Errorf("fixture blob schedule for %v differs from %d/%d/%d", fork, want.Target, want.Max, want.UpdateFraction)
	}
	return nil
}

// logsHash is keccak256 of the RLP list of [address, topics, data] logs.
func logsHash(logs []*types.Log) common.Hash {
	enc, err := rlp.EncodeToBytes(logs)
	if err != nil {
		// Logs always encode; a failure here is a programming error.
		panic(fmt.Sprintf("encoding logs: %v", err))
	}
	return crypto.Keccak256Hash(enc)
}

// explainRoot names accounts whose post-state differs from the fixture's
// expected one, as a suffix for a root-mismatch message.
func explainRoot(statedb *state.StateDB, pre types.GenesisAlloc, expectedJSON []byte) string {
	d := diffState(statedb, pre, expectedJSON)
	if d == "" {
		return ""
	}
	return "; " + d
}
