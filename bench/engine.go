package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

// Engine names, as they appear in benchmark names: hyvm is its default
// backend (auto: interpreted, closures once hot); the others force one.
const (
	EngineHyvm        = "hyvm"
	EngineHyvmInterp  = "hyvm-interp"
	EngineHyvmClosure = "hyvm-closure"
	EngineHyvmAMD64   = "hyvm-amd64"
	// EngineHyvmAOT is hyvm with the main suite's programs compiled ahead
	// of time to Go (package bench/aot); other code runs as EngineHyvm.
	EngineHyvmAOT = "hyvm-aot"
	EngineGeth    = "geth"
)

// Engines lists the engines every case runs on; go-ethereum is the reference.
func Engines() []string {
	return []string{EngineHyvm, EngineHyvmInterp, EngineHyvmClosure, EngineHyvmAMD64, EngineHyvmAOT, EngineGeth}
}

// hyvmEngine is how one of hyvm's engines runs code.
type hyvmEngine struct {
	backend runtime.Backend
	aot     bool // with the code compiled ahead of time (Code.AOT)
}

// hyvmEngines maps hyvm's engine names to how they run code.
var hyvmEngines = map[string]hyvmEngine{
	EngineHyvm: {backend: runtime.BackendAuto}, EngineHyvmInterp: {backend: runtime.BackendInterp},
	EngineHyvmClosure: {backend: runtime.BackendClosure}, EngineHyvmAMD64: {backend: runtime.BackendAMD64},
	EngineHyvmAOT: {backend: runtime.BackendAuto, aot: true},
}

// Addresses used by every benchmark.
var (
	Sender   = common.HexToAddress("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b")
	Contract = common.HexToAddress("0xbe7c43a580000000000000000000000000000001")
)

// Fork is the fork the benchmarks run under.
const Fork = blocks.Latest

// Runner executes one case repeatedly on one engine, each run from the same
// state: changes are reverted after every run.
type Runner struct {
	c       *Case
	engine  string
	call    Call
	state   vm.StateDB
	machine runtime.Machine
	zero    uint256.Int
}

// Call is the message a run sends from Sender.
type Call struct {
	To    common.Address
	Input []byte
	Value *uint256.Int // nil sends nothing
}

// Result is what one run produced.
type Result struct {
	Output  []byte
	GasUsed uint64
	Err     error
}

// Code is what the runs of hyvm's engines share: the translation cache and,
// for EngineHyvmAOT, the programs compiled ahead of time. The registry is
// the caller's (NewAOTRegistry with package bench/aot's Register) so that
// package bench does not import the generated code: compiling it takes
// minutes, and every importer of bench would pay for it.
type Code struct {
	Cache *runtime.Cache
	AOT   *runtime.AOTRegistry // required by EngineHyvmAOT only
}

// NewRunner prepares c on engine, over a fresh in-memory state.
func NewRunner(c *Case, engine string, code Code) (*Runner, error) {
	db := runtime.NewMemoryDatabase()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, fmt.Errorf("bench: new state: %w", err)
	}
	st.SetBalance(Sender, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	call, time := Call{To: Contract, Input: c.Calldata}, uint64(1)
	if c.Setup != nil {
		// The engine under test deploys its own pre-state; the time the
		// setup ends at is the measured call's block time.
		d := &Deployer{Time: time, engine: engine, state: st, code: code}
		if call, err = c.Setup(d); err != nil {
			return nil, fmt.Errorf("bench: %s setup on %s: %w", c.Name(), engine, err)
		}
		time = d.Time
	} else {
		st.SetCode(Contract, c.Code, tracing.CodeChangeUnspecified)
		st.SetNonce(Contract, 1, tracing.NonceChangeUnspecified)
	}
	// Commit so runs start from committed state, as a transaction would.
	root, err := st.Commit(runtime.Rules(Fork), 0)
	if err != nil {
		return nil, fmt.Errorf("bench: commit state: %w", err)
	}
	if st, err = state.New(root, db); err != nil {
		return nil, fmt.Errorf("bench: reopen state: %w", err)
	}
	// hyvm runs on its own state overlay over go-ethereum's StateDB;
	// go-ethereum keeps its StateDB, as its users would.
	var runState vm.StateDB = st
	if _, hyvm := hyvmEngines[engine]; hyvm {
		runState = hyvmstate.New(st)
	}
	r := &Runner{c: c, engine: engine, call: call, state: runState}
	if r.machine, err = newMachine(engine, blockContext(c.Gas, time), runState, code); err != nil {
		return nil, err
	}
	// Warm the access list once, as the transaction would; every run then
	// reverts to the state right after it.
	runState.Prepare(runtime.Rules(Fork), Sender, Sender, &call.To, runtime.Precompiles(Fork), nil)
	return r, nil
}

// blockContext is the block every run executes in.
func blockContext(gasLimit, time uint64) vm.BlockContext {
	return vm.BlockContext{
		CanTransfer: func(db vm.StateDB, a common.Address, v *uint256.Int) bool { return db.GetBalance(a).Cmp(v) >= 0 },
		Transfer: func(db vm.StateDB, from, to common.Address, v *uint256.Int, _ *params.Rules) {
			db.SubBalance(from, v, tracing.BalanceChangeTransfer)
			db.AddBalance(to, v, tracing.BalanceChangeTransfer)
		},
		GetHash:     func(uint64) common.Hash { return common.Hash{} },
		Coinbase:    Sender,
		GasLimit:    gasLimit,
		BlockNumber: big.NewInt(1),
		Time:        time,
		Difficulty:  big.NewInt(0),
		BaseFee:     big.NewInt(1),
		BlobBaseFee: big.NewInt(1),
		Random:      &common.Hash{1},
	}
}

// newMachine returns engine over st, with Sender as the transaction origin.
func newMachine(engine string, block vm.BlockContext, st vm.StateDB, code Code) (runtime.Machine, error) {
	var m runtime.Machine
	switch h, hyvm := hyvmEngines[engine]; {
	case hyvm:
		cfg := runtime.Config{Cache: code.Cache, Backend: h.backend}
		if h.aot {
			if code.AOT == nil {
				return nil, fmt.Errorf("bench: engine %s needs the programs compiled ahead of time (package bench/aot)", engine)
			}
			cfg.AOT = code.AOT
		}
		m = runtime.NewEVM(block, st, Fork, cfg)
	case engine == EngineGeth:
		m = reference.New(block, st, runtime.ChainConfig(Fork), vm.Config{})
	default:
		return nil, fmt.Errorf("bench: unknown engine %q", engine)
	}
	m.SetTxContext(vm.TxContext{Origin: Sender, GasPrice: uint256.NewInt(1)})
	return m, nil
}

// Run executes the case once and undoes its state changes.
func (r *Runner) Run() Result {
	value := r.call.Value
	if value == nil {
		value = &r.zero
	}
	snap := r.state.Snapshot()
	out, left, err := r.machine.Call(context.Background(), Sender, r.call.To, r.call.Input, r.c.Gas, value)
	r.state.RevertToSnapshot(snap)
	return Result{Output: out, GasUsed: r.c.Gas - left, Err: err}
}

// Same reports whether two results agree on status, output and gas.
func Same(a, b Result) bool {
	return (a.Err == nil) == (b.Err == nil) && bytes.Equal(a.Output, b.Output) && a.GasUsed == b.GasUsed
}
