// Package hyvm runs HyVM guests: EVM bytecode that a host contract hands to
// the HyVM hypervisor contract through DELEGATECALL. It reproduces what the
// deployed HyVM does — status, return data, gas used, logs and state changes
// — with hyvm's translating engine in HyVM mode, and reports the run's
// effects as a state diff.
package hyvm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// Reference is the HyVM deployment the reference vectors were measured on
// (src/HyVM.huff at commit b7836b1, no verifier, deployed with CREATE by
// 0x…de910): the default of Context.HyVM.
var Reference = runtime.HyVMContract{
	Address:  common.HexToAddress("0xa8f29a314c03dfa414c06a257daf50494d1a28f6"),
	CodeHash: common.HexToHash("0x0eca889f3663a8cdc5c718db66e11e4a7dc71b27812a55e225187a0cf5b58f9e"),
	CodeSize: runtime.HyVMCodeSize,
}

// Context is the environment of a guest run: a DELEGATECALL from Host to
// HyVM with the guest as calldata.
type Context struct {
	Fork    blocks.Fork // 0: blocks.Latest
	ChainID *big.Int    // nil: 1
	Block   vm.BlockContext
	Origin  common.Address
	// GasPrice is returned by GASPRICE; nil: 0.
	GasPrice *uint256.Int
	// HyVM is the deployment the host delegatecalls; a zero address means
	// Reference. Guests can call it too (nested guests).
	HyVM   runtime.HyVMContract
	Host   common.Address // ADDRESS of the guest
	Caller common.Address // CALLER of the guest
	Value  *uint256.Int   // CALLVALUE of the guest; nil: 0
	Gas    uint64         // gas of the HyVM frame
	Static bool           // StaticHyVM: run in a static context
	Depth  int            // call depth of the HyVM frame (1 under a transaction's host)
	// Warm lists more addresses that are warm (EIP-2929) when the frame starts.
	Warm []common.Address
	// Cache shares guest and contract translations between runs (a guest
	// from its second run: payloads sent once are not kept); nil: a
	// private one.
	Cache *runtime.Cache
	// Policy, when set, may deny the guest's calls, creations and storage
	// writes (see Policy).
	Policy Policy
	// MemoryLimits caps memory per frame and per run (zero: the defaults,
	// runtime.DefaultMaxFrameMemory and runtime.DefaultMaxMemory).
	MemoryLimits runtime.MemoryLimits
	// Backend is how code runs: the guest and the contracts it calls
	// (runtime.Backend; the zero value is auto: interpreted first,
	// closures once hot).
	Backend runtime.Backend
	// AOT holds contracts compiled ahead of time (hyvmc gen): the guest's
	// callees found there by code hash run as generated Go.
	AOT *runtime.AOTRegistry
	// StateDiff asks for Result.StateDiff, what the run changed. Recording
	// it puts a wrapper in front of every state access and reads each
	// changed account and slot before its first change; without it the
	// run's state is used directly.
	StateDiff bool
	// InTransaction runs the guest inside a transaction the caller has
	// opened on st (go-ethereum's StateDB.Prepare, or earlier runs): Run
	// neither prepares st (access list, transient storage) nor finalises
	// it, so the caller can revert to a snapshot taken before Run, run more
	// in the same transaction, and finalise when it chooses (EIP-161 then
	// deletes the empty accounts the run touched, such as a host without
	// code, balance or nonce). Caller, HyVM and Warm are still warmed. The
	// run reads st's transaction so far (access list, transient storage,
	// refund, original values) and its changes, logs included, become that
	// transaction's, journaled in st: storage when the run ends (each slot
	// once), the rest as it happens. If Run returns an error, st is
	// reverted to how it was before the run.
	InTransaction bool
	// Tracer, when set, receives per-instruction events (OnOpcode, OnFault;
	// an EIP-3155 logger works) of the guest and of every frame it calls:
	// a guest's lines have guest pcs and HyVM's gas, and show the guest's
	// memory and stack as the guest sees them (past HyVM's 0x340 bytes,
	// offsets as it pushed them). Traced runs take the per-instruction tier.
	Tracer *tracing.Hooks
}

// Result is the outcome of a guest run.
type Result struct {
	Success    bool   // STOP, RETURN or running off the end
	ReturnData []byte // RETURN or REVERT data; empty on STOP and exceptional halts
	GasUsed    uint64 // gas given minus gas left; all of it after an exceptional halt
	// Err is the frame's error as go-ethereum names it: nil on success,
	// vm.ErrExecutionReverted on REVERT and HyVM's revert(0, 0), another vm
	// error on an exceptional halt.
	Err       error
	Logs      []*types.Log // logs that survive the run; none if it failed
	StateDiff StateDiff    // with Context.StateDiff, what the run changed; empty if it failed
	Refund    uint64       // the SSTORE refund counter after the run (not applied)
}

// resultSpace is a Result with room for a usual run's return data and
// logs in the same allocation: a call-heavy payload's result would
// otherwise take three.
type resultSpace struct {
	res  Result
	logs [4]*types.Log
	ret  [64]byte
}

// returnData returns a copy of ret, in s if it fits; never nil.
func (s *resultSpace) returnData(ret []byte) []byte {
	if len(ret) <= len(s.ret) {
		return s.ret[:copy(s.ret[:], ret):len(ret)]
	}
	return bytes.Clone(ret)
}

// Run executes guest through HyVM against st, as c describes: as one
// transaction, unless c.InTransaction. It warms the addresses a
// transaction from Origin to Host would (Origin, Host, Coinbase,
// precompiles) plus Caller, HyVM and c.Warm, then runs the HyVM frame and
// finalises st (EIP-161). Anything the
// guest does, however malformed, is a Result. An error means the run did
// not happen and st is as it was: bad arguments,
// ctx cancelled (runtime.ErrAborted), a memory cap (runtime.ErrMemoryLimit)
// or a failure of the engine or of st (runtime.ErrInternal).
//
// Run takes a Runner from a pool, so consecutive runs reuse an EVM and its
// frames; with a nil c.Cache nothing is translated ahead and nothing is
// kept (a one-shot run). Use a Runner directly to keep its own cache, or
// share a Cache between runs and goroutines.
func Run(ctx context.Context, st vm.StateDB, c Context, guest []byte) (*Result, error) {
	r := runners.Get().(*Runner)
	defer runners.Put(r)
	cache := c.Cache
	if cache == nil {
		cache = runtime.NewCache(0)
	}
	return r.run(ctx, st, c, guest, cache)
}

// runners holds idle Runners for Run.
var runners = sync.Pool{New: func() any { return new(Runner) }}

// Runner runs guests one after another, keeping between runs what one run
// allocated and the next can reuse: an EVM with its call frames and HyVM
// kernel, the recorder of the run's changes and, for a nil Context.Cache,
// its own translation cache. A run then costs its work. A Runner is not
// safe for concurrent use: give each goroutine its own and let them share
// a Cache.
type Runner struct {
	evm   *runtime.EVM
	rec   recorder
	cache *runtime.Cache // for runs without Context.Cache
	deps  [1]runtime.HyVMContract
	host  common.Address       // the run's Host, for Prepare
	ov    *hyvmstate.Overlay   // the state runs as their own transaction work on
	sc    *hyvmstate.SlotCache // the storage of runs in the caller's transaction
}

// NewRunner returns a Runner.
func NewRunner() *Runner { return new(Runner) }

// Run is Run on r: the same arguments and outcome, with what r keeps. With
// a nil c.Cache, r's own cache keeps translations between its runs.
func (r *Runner) Run(ctx context.Context, st vm.StateDB, c Context, guest []byte) (*Result, error) {
	cache := c.Cache
	if cache == nil {
		if r.cache == nil {
			r.cache = runtime.NewCache(0)
		}
		cache = r.cache
	}
	return r.run(ctx, st, c, guest, cache)
}

func (r *Runner) run(ctx context.Context, st vm.StateDB, c Context, guest []byte, cache *runtime.Cache) (res *Result, err error) {
	switch {
	case ctx == nil:
		return nil, errors.New("hyvm: nil context")
	case st == nil:
		return nil, errors.New("hyvm: nil state")
	case c.Depth < 0 || c.Depth > runtime.MaxCallDepth:
		return nil, fmt.Errorf("hyvm: depth %d out of range [0, %d]", c.Depth, runtime.MaxCallDepth)
	}
	// Once the run writes into st (at once in the caller's transaction, at
	// the end as its own), undo is st's snapshot from before: any error
	// reverts st to it (unless st failed inside its own Finalise, after
	// which nothing can be).
	undo := -1
	where := "outside the guest's frame"
	defer func() { // a state that fails outside the guest's frame
		if p := recover(); p != nil {
			res, err = nil, runtime.InternalError(p, where)
		}
		if err != nil && undo >= 0 {
			func() {
				defer func() { _ = recover() }() // st failing: nothing more can be done
				st.RevertToSnapshot(undo)
			}()
		}
		if r.evm != nil {
			r.evm.Idle() // between runs the Runner keeps nothing of this one
		}
	}()
	fork := c.Fork
	if fork == 0 {
		fork = blocks.Latest
	}
	if !fork.Supported() {
		return nil, fmt.Errorf("hyvm: unsupported fork %v (supported: %v)", fork, blocks.Forks())
	}
	dep := c.HyVM
	if dep.Address == (common.Address{}) {
		dep = Reference
	}
	rules := runtime.Rules(fork)
	var work vm.StateDB
	if c.InTransaction {
		// In a transaction the caller has open, the run works on st itself
		// but for storage, which a SlotCache keeps until the run ends:
		// accounts, logs and the access list go to st as they change
		// (journaled there, so a snapshot of st reverts them), while a
		// storage loop's writes cost a record each, not go-ethereum's
		// journal entry and map writes. Until the run has ended, st is
		// reverted to how it was on any error.
		if r.sc == nil {
			r.sc = hyvmstate.NewSlotCache()
		}
		r.sc.Begin(st)
		defer r.sc.Release()
		work = r.sc
		undo = st.Snapshot()
	} else {
		// As its own transaction, the run works on an overlay of st,
		// written into st when it ends: go-ethereum's StateDB costs several
		// times more per access (journal entries, maps of objects) than
		// hyvmstate's flat overlay, which the run leaves behind whole or
		// not at all.
		if r.ov == nil {
			r.ov = hyvmstate.New(nil)
		}
		r.ov.Reset(st)
		defer r.ov.Release()
		work = r.ov
	}
	// The EVM runs on the run's state itself unless a diff is recorded:
	// the recorder's forwarding costs a call per state access.
	var sdb vm.StateDB = work
	rec := &r.rec
	if c.StateDiff {
		rec.reset(work)
		defer rec.release()
		sdb = rec
	}
	if !c.InTransaction {
		// The destination through the Runner: a pointer into c would move
		// the whole Context to the heap on every run.
		r.host = c.Host
		sdb.Prepare(rules, c.Origin, c.Block.Coinbase, &r.host, runtime.Precompiles(fork), nil)
	}
	sdb.AddAddressToAccessList(c.Caller)
	sdb.AddAddressToAccessList(dep.Address)
	for _, a := range c.Warm {
		sdb.AddAddressToAccessList(a)
	}

	r.deps[0] = dep
	cfg := runtime.Config{ChainID: c.ChainID, Cache: cache, HyVM: r.deps[:],
		MemoryLimits: c.MemoryLimits, Tracer: c.Tracer, Backend: c.Backend, AOT: c.AOT}
	if r.evm == nil {
		r.evm = runtime.NewEVM(c.Block, sdb, fork, cfg)
	} else {
		r.evm.Reset(c.Block, sdb, fork, cfg)
	}
	evm := r.evm
	gasPrice := c.GasPrice
	if gasPrice == nil {
		gasPrice = new(uint256.Int)
	}
	evm.SetTxContext(vm.TxContext{Origin: c.Origin, GasPrice: gasPrice})
	ret, left, err := evm.RunGuest(ctx, runtime.GuestCall{HyVM: dep.Address, Host: c.Host, Caller: c.Caller,
		Value: c.Value, Gas: c.Gas, Static: c.Static, Depth: c.Depth, Policy: c.Policy}, guest)
	if runtime.HaltsExecution(err) {
		return nil, err
	}
	space := new(resultSpace)
	res = &space.res
	*res = Result{Success: err == nil, ReturnData: space.returnData(ret), GasUsed: c.Gas - left, Err: err, Refund: work.GetRefund()}
	if c.InTransaction {
		if logs := r.sc.AppendLogs(space.logs[:0:len(space.logs)]); res.Success && len(logs) > 0 {
			res.Logs = logs
		}
		where = "writing the run's storage"
		r.sc.Commit()
	} else {
		if res.Success {
			res.Logs = r.ov.Logs() // before they are written to st
		}
		where, undo = "writing the run's changes", st.Snapshot()
		for _, l := range res.Logs {
			st.AddLog(l)
		}
		r.ov.Flush(rules)
	}
	if c.StateDiff {
		res.StateDiff = rec.diff(st)
	}
	return res, nil
}
