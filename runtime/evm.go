// Package runtime is hyvm's machine: it runs translated programs in call
// frames over a go-ethereum StateDB, performs calls, creations and
// precompiles, and applies transactions.
package runtime

import (
	"fmt"
	"math/big"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/eq"
	"github.com/hyvm/hyvm/translate"
)

// MaxCallDepth is the EVM's limit on nested calls and creations.
const MaxCallDepth = 1024

// Config tunes an EVM.
type Config struct {
	// ChainID is the chain the EVM runs for: CHAINID returns it and
	// EIP-7702 authorizations are checked against it. nil means 1 (mainnet).
	ChainID *big.Int
	// Tracer receives go-ethereum tracing hooks (EIP-3155 loggers work as
	// they do with go-ethereum's EVM). Traced runs take the per-instruction path.
	Tracer *tracing.Hooks
	// Cache shares translations between EVMs; nil gives the EVM a private one.
	Cache *Cache
	// HyVM lists deployments of the HyVM contract served natively (hyvm.go).
	HyVM []HyVMContract
	// HyVMPolicy, when set, may deny the calls, creations and storage
	// writes of every HyVM guest the EVM runs (hyvm_policy.go).
	HyVMPolicy HyVMPolicy
	// Backend selects how code runs (backend.go); the zero value is
	// BackendAuto.
	Backend Backend
	// NativeAfter is, for BackendAuto on amd64, how much gas per byte of
	// its code a hot contract runs as closures before it is compiled to
	// machine code: 0 takes translate.DefaultNativeAfter, a negative value
	// never compiles (auto then stops at closures).
	NativeAfter int
	// MemoryLimits caps the memory of a frame and of all frames of an
	// execution together (zero fields: translate.DefaultMaxFrameMemory and
	// translate.DefaultMaxMemory). Past a cap the execution fails with
	// ErrMemoryLimit and its state changes are rolled back.
	MemoryLimits MemoryLimits
	// AOT holds contracts compiled ahead of time to Go (hyvmc gen): one
	// found there by code hash and fork runs instead of a translation,
	// unless the EVM traces.
	AOT *AOTRegistry
	// Precompiles replaces the fork's precompiled contracts (PrecompileSet
	// returns a copy to change): eth_call's and eth_simulateV1's state
	// overrides move them (movePrecompileToAddress) or override them away.
	// nil: the fork's.
	Precompiles vm.PrecompiledContracts
}

// EVM executes messages against a state. An EVM is not safe for concurrent
// use; create one per goroutine and share a Cache between them.
type EVM struct {
	env         translate.Env
	rules       params.Rules
	precompiles vm.PrecompiledContracts
	cache       *Cache
	traced      bool
	aot         *AOTRegistry      // nil while tracing
	opts        translate.Options // how programs are translated: traced, tier
	backend     Backend

	cancelled atomic.Bool // Cancel was called: every execution aborts

	// zero is the value of static calls; nothing writes it (state layers
	// and frames copy values), so sharing it saves an allocation per call.
	zero uint256.Int

	depth int       // depth of the running frame; 0 outside any
	fs    *frameSet // the frames, one reused for every frame at its depth (frames.go)

	block   vm.BlockContext // env.Block points here
	kernels []hyvmKernel    // natively served code by hash (hyvm.go)
	hyvm    []HyVMContract  // the deployments kernels serve
	hyvmSt  hyvmState       // their code over the state

	lastHash common.Hash        // the code hash of lastProg
	lastProg *translate.Program // the program last returned by the cache
	guests   guestMemo          // nested guests run from frame memory (guest_memo.go)
}

// NewEVM returns an EVM for one block, running fork's rules over statedb.
func NewEVM(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork, cfg Config) *EVM {
	e := new(EVM)
	e.trackFrames()
	e.Reset(block, statedb, fork, cfg)
	return e
}

// Reset makes e what NewEVM(block, statedb, fork, cfg) returns, keeping
// what it allocated: its call frames (33 KB each, one per depth reached)
// and, for the same HyVM deployments, their kernels. Reusing an EVM this
// way is what makes a run cost only its work; it also clears a Cancel.
// Not while e runs.
func (e *EVM) Reset(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork, cfg Config) {
	chainID := cfg.ChainID
	if chainID == nil {
		chainID = big.NewInt(1)
	}
	e.rules = Rules(fork)
	e.precompiles = precompileSets[fork]
	if cfg.Precompiles != nil {
		e.precompiles = cfg.Precompiles
	}
	e.cache = cfg.Cache
	if e.cache == nil {
		e.cache = NewCache(0)
	}
	e.traced = cfg.Tracer != nil
	e.aot = cfg.AOT
	if e.traced {
		e.aot = nil
	}
	e.backend = cfg.Backend
	e.opts = translate.Options{PerInstructionGas: e.traced, Tier: cfg.Backend.tier()}
	if e.opts.Tier == translate.TierAuto && !e.traced {
		e.opts.NativeAfter = cfg.NativeAfter // part of the cache key: only where it acts
	}
	if e.traced {
		e.opts.Tier = translate.TierClosure // one traced tier: keep one cache key
	}
	e.cancelled.Store(false)
	e.depth = 0
	e.lastHash, e.lastProg = common.Hash{}, nil
	e.guests = guestMemo{}
	env := &e.env
	env.State = statedb
	e.block = block // kept in e: a reset allocates no block context
	env.Block = &e.block
	env.Tx = vm.TxContext{}
	env.Fork = fork
	env.Host = host{e}
	env.Tracer = cfg.Tracer
	env.Abort.Store(false)
	env.ChainID.SetFromBig(chainID)
	setWord(&env.Number, block.BlockNumber)
	setWord(&env.BaseFee, block.BaseFee)
	setWord(&env.BlobBaseFee, block.BlobBaseFee)
	setWord(&env.Difficulty, block.Difficulty)
	env.Timestamp.SetUint64(block.Time)
	env.GasLimit.SetUint64(block.GasLimit)
	e.setupHyVM(cfg.HyVM)
	env.HyVMPolicy = cfg.HyVMPolicy
	env.MemoryLimits = cfg.MemoryLimits
}

// Idle drops what e refers to of its last run (state, cache, block and
// transaction context, tracer, policy, programs, the frames' inputs and
// code) so that an EVM kept for reuse holds only its own allocations;
// Reset prepares it again.
func (e *EVM) Idle() {
	e.cache, e.lastProg, e.guests = nil, nil, guestMemo{}
	e.env.State, e.env.Block, e.env.Tracer, e.env.HyVMPolicy = nil, nil, nil, nil
	e.env.Tx, e.block = vm.TxContext{}, vm.BlockContext{}
	e.hyvmSt.StateDB = nil
	for _, f := range e.fs.frames {
		if f != nil {
			f.Forget()
		}
	}
}

func setWord(w *uint256.Int, v *big.Int) {
	if v == nil {
		w.Clear()
		return
	}
	w.SetFromBig(v)
}

// Cancel aborts the running execution and every later one with ErrAborted,
// as go-ethereum's EVM.Cancel does; it is safe to call from any goroutine.
// To stop a single run, cancel the context given to it instead.
func (e *EVM) Cancel() {
	e.cancelled.Store(true)
	e.env.Abort.Store(true)
}

// Backend returns how the EVM runs code.
func (e *EVM) Backend() Backend { return e.backend }

// Cancelled reports whether Cancel was called.
func (e *EVM) Cancelled() bool { return e.cancelled.Load() }

// ChainID returns the chain id the EVM runs for.
func (e *EVM) ChainID() *uint256.Int { return &e.env.ChainID }

// Tracer returns the hooks the EVM reports to (nil: none).
func (e *EVM) Tracer() *tracing.Hooks { return e.env.Tracer }

// SetTxContext implements Machine.
func (e *EVM) SetTxContext(ctx vm.TxContext) { e.env.Tx = ctx }

// StateDB returns the state the EVM runs on.
func (e *EVM) StateDB() vm.StateDB { return e.env.State }

// Fork returns the fork whose rules the EVM runs.
func (e *EVM) Fork() blocks.Fork { return e.env.Fork }

// ChainRules returns go-ethereum's rule flags for the EVM's fork.
func (e *EVM) ChainRules() params.Rules { return e.rules }

// Context returns the block context.
func (e *EVM) Context() *vm.BlockContext { return e.env.Block }

// frame returns the reusable frame for depth d (1-based), reset.
func (e *EVM) frame(d int) *translate.Frame {
	f := e.frameAt(d)
	f.Reset(&e.env, d)
	return f
}

// program returns the translation of code, cached by its hash.
func (e *EVM) program(hash common.Hash, code []byte, stateCode bool) (*translate.Program, error) {
	if p := e.nativeProgram(hash); p != nil {
		return p, nil
	}
	// The last program is remembered: repeated calls to one contract then
	// skip the registry's and the shared cache's lookups.
	if e.lastProg != nil && eq.Hash(&e.lastHash, &hash) {
		return e.lastProg, nil
	}
	if e.aot != nil {
		if p := e.aot.lookup(hash, e.env.Fork); p != nil {
			e.lastHash, e.lastProg = hash, p
			return p, nil
		}
	}
	p, err := e.cache.program(hash, code, stateCode, e.env.Fork, e.opts)
	if err == nil {
		e.lastHash, e.lastProg = hash, p
	}
	return p, err
}

// frameSpec describes a frame to run.
type frameSpec struct {
	caller, address common.Address
	code            []byte
	codeHash        common.Hash // zero: hash the code to key the cache
	stateCode       bool        // code is an account's in the state, which never changes
	input           []byte
	gas             uint64
	value           *uint256.Int
	static          bool
}

// runFrame executes code in a new frame one level deeper and returns its
// output, the gas it leaves (none after an exceptional halt) and its error.
func (e *EVM) runFrame(s frameSpec) (ret []byte, left uint64, err error) {
	if len(s.code) == 0 {
		return nil, s.gas, nil
	}
	if e.env.Abort.Load() {
		return nil, 0, ErrAborted
	}
	hash := s.codeHash
	if eq.ZeroHash(&hash) {
		hash = codeHash(s.code)
	}
	prog, err := e.program(hash, s.code, s.stateCode)
	if err != nil {
		return nil, 0, fmt.Errorf("translate code of %v: %w", s.address, err)
	}
	e.depth++
	f := e.frame(e.depth)
	defer func() {
		e.depth--
		f.Env = nil // a frame between runs points to no EVM (frames.go)
	}()
	f.Gas = s.gas
	f.Caller, f.Address = s.caller, s.address
	if s.value != nil {
		f.Value = *s.value
	}
	f.Input = s.input
	f.Code = s.code
	f.Static = s.static
	ret, err = prog.Run(f)
	return ret, f.Gas, err
}

// exitGas is the gas a frame returns to its caller: all of it is consumed
// by any error except a revert.
func exitGas(left uint64, err error) uint64 {
	if err != nil && err != vm.ErrExecutionReverted {
		return 0
	}
	return left
}

// precompile returns the precompiled contract at addr, if any.
func (e *EVM) precompile(addr common.Address) (vm.PrecompiledContract, bool) {
	p, ok := e.precompiles[addr]
	return p, ok
}

func runPrecompile(p vm.PrecompiledContract, input []byte, gas uint64) ([]byte, uint64, error) {
	cost := p.RequiredGas(input)
	if gas < cost {
		return nil, 0, vm.ErrOutOfGas
	}
	out, err := p.Run(input)
	return out, gas - cost, err
}
