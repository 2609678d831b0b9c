package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/prof"
	"github.com/hyvm/hyvm/runtime"
)

// The run command's environment follows go-ethereum's "evm run": the same
// default gas, sender, receiver and block, so traces line up with its.
const defaultGas = 10_000_000_000

var (
	defaultSender   = common.BytesToAddress([]byte("sender"))
	defaultReceiver = common.BytesToAddress([]byte("receiver"))
)

// runOptions describes one run.
type runOptions struct {
	code, input      []byte
	gas              uint64
	value            *uint256.Int
	sender, receiver common.Address
	fork             blocks.Fork
	trace            *logger.Config // nil: no trace
	backend          runtime.Backend
	// ctx ends the run early (Ctrl-C, --timeout); nil: never.
	ctx context.Context

	// accounts holds further contracts to install (address → code); the
	// command line has no flag for it, tests use it for calls and creations.
	accounts map[common.Address][]byte
	// forked, if set, runs on a chain's state (--fork-url).
	forked *forkOptions
	// prestate, if set, is the state and block the run starts from.
	prestate *core.Genesis
	// create runs the code as initcode; dump asks for the state after.
	create, dump bool
	// price is the gas price GASPRICE reads; nil: 0.
	price *uint256.Int
	// profiler, if set, profiles the run (--profile).
	profiler *prof.Profiler
	// closers release what the run's state holds (a fork's disk cache).
	closers []func() error
}

// close releases what the run's state holds.
func (o *runOptions) close() {
	for _, c := range o.closers {
		c()
	}
	o.closers = nil
}

// forkOptions are the --fork-* flags.
type forkOptions struct {
	url     string
	options fork.Options
}

func (o *runOptions) context() context.Context {
	if o.ctx == nil {
		return context.Background()
	}
	return o.ctx
}

// runResult is the outcome of the call.
type runResult struct {
	output  []byte
	gasUsed uint64
	err     error  // vm.ErrExecutionReverted, another vm error, or nil
	dump    []byte // with runOptions.dump, the state after the run
}

// machineFactory builds the engine a run executes on, reporting to tracer
// (nil when not tracing).
type machineFactory func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork, tracer *tracing.Hooks) runtime.Machine

// newHyvm returns a factory of hyvm EVMs running code with backend.
func newHyvm(backend runtime.Backend) machineFactory {
	return func(block vm.BlockContext, statedb vm.StateDB, fork blocks.Fork, tracer *tracing.Hooks) runtime.Machine {
		return runtime.NewEVM(block, statedb, fork, runtime.Config{Tracer: tracer, Backend: backend})
	}
}

// runBlock is the block the call runs in, as in go-ethereum's "evm run":
// number 0, time 0, zero coinbase and prevrandao, the initial base fee, a zero
// blob base fee and a block gas limit equal to the call's gas.
func runBlock(gas uint64) vm.BlockContext {
	return vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash: func(n uint64) common.Hash {
			return crypto.Keccak256Hash([]byte(strconv.FormatUint(n, 10)))
		},
		BlockNumber: new(big.Int),
		Difficulty:  new(big.Int),
		GasLimit:    gas,
		BaseFee:     big.NewInt(params.InitialBaseFee),
		BlobBaseFee: new(big.Int),
		Random:      new(common.Hash),
	}
}

// newRunState returns a fresh in-memory state holding the code at the
// receiver, the extra accounts and the sender's funds, with the access list
// warmed as for a transaction from sender to receiver.
func newRunState(opts *runOptions, block *vm.BlockContext) (vm.StateDB, error) {
	if opts.forked != nil {
		return newForkState(opts, block)
	}
	statedb := runtime.NewMemoryState()
	if g := opts.prestate; g != nil {
		var err error
		if statedb, err = runtime.NewPreState(g.Alloc); err != nil {
			return nil, fmt.Errorf("the prestate: %w", err)
		}
		block.Coinbase, block.Time, block.BlockNumber = g.Coinbase, g.Timestamp, new(big.Int).SetUint64(g.Number)
		if g.BaseFee != nil {
			block.BaseFee = new(big.Int).Set(g.BaseFee)
		}
		if g.Difficulty != nil {
			block.Difficulty = new(big.Int).Set(g.Difficulty)
		}
		if g.GasLimit != 0 {
			block.GasLimit = g.GasLimit
		}
	}
	if opts.prestate == nil || !statedb.Exist(opts.sender) {
		// Beyond the call's value the sender holds 1e9 ether, so value
		// sent back to it from the receiver's code can be sent on again
		// (a prestate's sender holds what it says).
		balance := new(uint256.Int).Mul(uint256.NewInt(1e18), uint256.NewInt(1e9))
		if _, overflow := balance.AddOverflow(balance, opts.value); overflow {
			balance.SetAllOne() // a value near 2^256: all there is
		}
		statedb.SetBalance(opts.sender, balance, tracing.BalanceChangeUnspecified)
	}
	for addr, code := range opts.accounts {
		statedb.SetCode(addr, code, tracing.CodeChangeUnspecified)
	}
	if len(opts.code) > 0 && !opts.create {
		statedb.SetCode(opts.receiver, opts.code, tracing.CodeChangeUnspecified)
	}
	statedb.Prepare(runtime.Rules(opts.fork), opts.sender, block.Coinbase, &opts.receiver,
		runtime.Precompiles(opts.fork), nil)
	return statedb, nil
}

// execute runs opts on the machine newMachine builds, writing the trace (if
// asked for) to traceOut with go-ethereum's own JSON logger, set up as
// go-ethereum's runtime.Call sets it up.
func execute(opts *runOptions, newMachine machineFactory, traceOut io.Writer) *runResult {
	defer opts.close()
	block := runBlock(opts.gas)
	statedb, err := newRunState(opts, &block)
	if err != nil {
		return &runResult{err: fmt.Errorf("creating the state: %w", err)}
	}
	tracer := opts.tracer(traceOut)
	m := newMachine(block, statedb, opts.fork, tracer)
	m.SetTxContext(vm.TxContext{Origin: opts.sender, GasPrice: opts.gasPrice()})
	var (
		out  []byte
		left uint64
	)
	if opts.create {
		initcode := append(bytes.Clone(opts.code), opts.input...)
		traceTxStart(tracer, &block, statedb, opts, initcode)
		out, _, left, err = m.Create(opts.context(), opts.sender, initcode, opts.gas, opts.value)
	} else {
		traceTxStart(tracer, &block, statedb, opts, opts.input)
		out, left, err = m.Call(opts.context(), opts.sender, opts.receiver, opts.input, opts.gas, opts.value)
	}
	res := &runResult{output: out, gasUsed: opts.gas - left, err: err}
	if runtime.HaltsExecution(err) {
		res.gasUsed = 0 // the run did not happen: nothing was paid
	}
	traceTxEnd(tracer, res)
	if opts.dump && !runtime.HaltsExecution(err) {
		res.dump, res.err = dumpState(statedb, opts.fork, &block, res.err)
	}
	return res
}

// traceTxStart tells tracer, if set, that the run's transaction (to the
// receiver with data) starts, as go-ethereum's runtime.Call does: its
// loggers read the state through the context it is given.
func traceTxStart(tracer *tracing.Hooks, block *vm.BlockContext, statedb vm.StateDB, opts *runOptions, data []byte) {
	if tracer == nil || tracer.OnTxStart == nil {
		return
	}
	tx := types.NewTx(&types.LegacyTx{To: &opts.receiver, Data: data, Value: opts.value.ToBig(), Gas: opts.gas})
	tracer.OnTxStart(runtime.VMContext(block, statedb), tx, opts.sender)
}

// traceTxEnd tells tracer, if set, that the run's transaction ended.
func traceTxEnd(tracer *tracing.Hooks, res *runResult) {
	if tracer != nil && tracer.OnTxEnd != nil {
		tracer.OnTxEnd(&types.Receipt{GasUsed: res.gasUsed}, res.err)
	}
}

// parseBackend parses a --backend value and tells stderr what that backend
// cannot do on this platform.
func parseBackend(name string, stderr io.Writer) (runtime.Backend, error) {
	b, err := runtime.ParseBackend(name)
	if err != nil {
		return 0, fmt.Errorf("--backend: %w", err)
	}
	if note := b.Note(); note != "" {
		fmt.Fprintf(stderr, "hyvmc: note: %s\n", note)
	}
	return b, nil
}

// gasPrice is the price GASPRICE reads.
func (o *runOptions) gasPrice() *uint256.Int {
	if o.price == nil {
		return new(uint256.Int)
	}
	return o.price
}

// dumpState commits the run's state, as go-ethereum's "evm run --dump"
// does, and returns its dump; runErr passes through unless the dump fails.
func dumpState(st vm.StateDB, fork blocks.Fork, block *vm.BlockContext, runErr error) ([]byte, error) {
	sdb, ok := st.(*state.StateDB)
	if !ok {
		return nil, errors.New("--dump: the state is not an in-memory state")
	}
	root, err := sdb.Commit(runtime.Rules(fork), block.BlockNumber.Uint64())
	if err != nil {
		return nil, fmt.Errorf("--dump: committing the state: %w", err)
	}
	after, err := state.New(root, sdb.Database())
	if err != nil {
		return nil, fmt.Errorf("--dump: reopening the state: %w", err)
	}
	return after.Dump(nil), runErr
}

// tracer returns the hooks the run reports to: the EIP-3155 logger
// writing to traceOut (--trace), the profiler (--profile), or none.
func (o *runOptions) tracer(traceOut io.Writer) *tracing.Hooks {
	switch {
	case o.trace != nil:
		return logger.NewJSONLogger(o.trace, traceOut)
	case o.profiler != nil:
		return o.profiler.Hooks()
	}
	return nil
}
