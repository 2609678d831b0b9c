package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers"
	_ "github.com/ethereum/go-ethereum/eth/tracers/native" // the tracers Runner.Tracer names
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

// Engine selects the EVM a case runs on.
type Engine int

const (
	Hyvm Engine = iota
	Geth
)

func (e Engine) String() string {
	if e == Hyvm {
		return "hyvm"
	}
	return "geth"
}

// Status is how execution ended. Error types are not compared: every
// exceptional halt consumes all gas and reverts, whatever its cause.
type Status int

const (
	Success Status = iota
	Reverted
	Halted
)

func (s Status) String() string {
	return [...]string{"success", "revert", "halt"}[s]
}

// Outcome is everything of one execution that consensus depends on.
type Outcome struct {
	Status  Status
	Err     error // shown in diffs, never compared
	Ret     []byte
	GasUsed uint64
	Refund  uint64
	Logs    []*types.Log
	Root    common.Hash
	// Created is the address a top-level creation returned.
	Created common.Address
	// rec is set only by a diagnosing run: it knows what was written.
	rec *recorder
	// trace summarises the instructions a traced run reported.
	trace traceDigest
	// traced is Runner.Tracer's result.
	traced json.RawMessage
}

// Runner runs cases on both engines. A Runner is not safe for concurrent
// use: give each goroutine its own. Runners may share a Cache.
type Runner struct {
	Env   *Env
	Cache *runtime.Cache
	// CompareTraces also compares the instruction traces of traced cases
	// (pc, opcode, gas, cost, depth, stack height of every line). Traces
	// are not consensus, so this is off by default.
	CompareTraces bool
	// Overlay runs hyvm on a hyvmstate.Overlay over go-ethereum's StateDB,
	// flushed into it before the root is computed. Mutated and diagnosing
	// runs use the StateDB directly.
	Overlay bool
	// Tracer, if set, names one of go-ethereum's native tracers run over
	// both engines with TracerConfig (told of the call as a transaction,
	// logs and state changes from go-ethereum's hooked state on its side);
	// their JSON results are compared.
	Tracer       string
	TracerConfig json.RawMessage
	pre          *PreState
}

// NewRunner returns a runner with the standard environment and pre-state.
func NewRunner(cache *runtime.Cache) (*Runner, error) {
	if cache == nil {
		cache = runtime.NewCache(0)
	}
	pre, err := NewPreState()
	if err != nil {
		return nil, err
	}
	return &Runner{Env: NewEnv(), Cache: cache, pre: pre}, nil
}

// Mutator alters one engine's state right before execution: tests use it
// to check that the comparison notices a difference.
type Mutator func(st *state.StateDB)

// Run executes c on engine from pre.
func (r *Runner) Run(c *Case, engine Engine, mutate Mutator, diagnose bool) (*Outcome, error) {
	st, err := r.pre.State(c)
	if err != nil {
		return nil, err
	}
	env := r.Env
	rules := env.Rules(c.Fork)
	st.SetTxContext(env.TxHash, 0, 0)
	var to *common.Address
	if !c.Create {
		to = &Target
		if c.To != nil {
			to = c.To
		}
	}
	st.Prepare(rules, Sender, env.Block.Coinbase, to, vm.ActivePrecompiles(rules), c.AccessList)
	if mutate != nil {
		mutate(st)
	}

	var sdb vm.StateDB = st
	var rec *recorder
	if diagnose {
		rec, sdb = newRecorder(st)
	}
	var overlay *hyvmstate.Overlay
	if engine == Hyvm && r.Overlay && mutate == nil && !diagnose {
		overlay = hyvmstate.New(st)
		overlay.SetTxContext(env.TxHash, 0, 0)
		overlay.Prepare(rules, Sender, env.Block.Coinbase, to, vm.ActivePrecompiles(rules), c.AccessList)
		sdb = overlay
	}
	var hooks *tracing.Hooks
	var trace traceDigest
	switch {
	case c.Traced && r.CompareTraces:
		hooks = trace.hooks()
	case c.Traced: // a tracer that does nothing still selects hyvm's traced path
		hooks = &tracing.Hooks{OnOpcode: func(uint64, byte, uint64, uint64, tracing.OpContext, []byte, int, error) {}}
	}
	var tracer *tracers.Tracer
	if r.Tracer != "" && r.CompareTraces {
		return nil, errors.New("difftest: Tracer and CompareTraces both want the tracing hooks")
	}
	if r.Tracer != "" {
		if tracer, err = tracers.DefaultDirectory.New(r.Tracer, &tracers.Context{BlockNumber: env.Block.BlockNumber, TxHash: env.TxHash},
			r.TracerConfig, ChainConfig(c.Fork)); err != nil {
			return nil, err
		}
		hooks = tracer.Hooks
		if engine == Geth && sdb == vm.StateDB(st) {
			sdb = state.NewHookedState(st, hooks) // go-ethereum's tracers hear of logs from its state
		}
	}
	var m runtime.Machine
	switch engine {
	case Hyvm:
		m = runtime.NewEVM(env.Block, sdb, c.Fork, runtime.Config{Cache: r.Cache, Tracer: hooks, Backend: c.Backend})
	default:
		m = reference.New(env.Block, sdb, ChainConfig(c.Fork), vm.Config{Tracer: hooks})
	}
	m.SetTxContext(env.Tx)
	value := uint256.NewInt(c.Value)
	if c.ValueOverBalance {
		value.AddUint64(SenderBalance, 1)
	}
	if tracer != nil && tracer.OnTxStart != nil {
		tx := types.NewTx(&types.LegacyTx{To: to, Value: value.ToBig(), Gas: c.Gas, GasPrice: env.Tx.GasPrice.ToBig(), Data: c.Input})
		tracer.OnTxStart(runtime.VMContext(&env.Block, sdb), tx, Sender)
	}
	out := &Outcome{}
	var left uint64
	if c.Create {
		out.Ret, out.Created, left, out.Err = m.Create(context.Background(), Sender, c.Code, c.Gas, value)
	} else {
		out.Ret, left, out.Err = m.Call(context.Background(), Sender, *to, c.Input, c.Gas, value)
	}
	if left > c.Gas {
		return nil, fmt.Errorf("%v left %d gas of %d", engine, left, c.Gas)
	}
	out.GasUsed = c.Gas - left
	if tracer != nil {
		if tracer.OnTxEnd != nil {
			tracer.OnTxEnd(&types.Receipt{GasUsed: out.GasUsed}, nil)
		}
		if out.traced, err = tracer.GetResult(); err != nil {
			return nil, fmt.Errorf("%v: %s: %w", engine, r.Tracer, err)
		}
	}
	switch {
	case out.Err == nil:
		out.Status = Success
	case errors.Is(out.Err, vm.ErrExecutionReverted):
		out.Status = Reverted
	default:
		out.Status = Halted
	}
	if overlay != nil {
		out.Refund = overlay.GetRefund()
		out.Logs = overlay.GetLogs(env.TxHash, env.Block.BlockNumber.Uint64(), common.Hash{}, env.Block.Time)
		overlay.Flush(rules)
	} else {
		out.Refund = st.GetRefund()
		// GetLogs stamps block fields as receipts have them: an EVM need not
		// set them (go-ethereum's does not).
		out.Logs = st.GetLogs(env.TxHash, env.Block.BlockNumber.Uint64(), common.Hash{}, env.Block.Time)
	}
	out.Root = st.IntermediateRoot(rules)
	out.rec = rec
	out.trace = trace
	return out, nil
}

// TracerResult is Runner.Tracer's result on the run (nil without one).
func (o *Outcome) TracerResult() json.RawMessage { return o.traced }

// Compare runs c on both engines and returns their outcomes and the
// differences between them ("" when they agree).
func (r *Runner) Compare(c *Case) (hy, ge *Outcome, diff string, err error) {
	return r.CompareMutated(c, nil, nil)
}

// CompareMutated is Compare with a pre-state mutation per engine.
func (r *Runner) CompareMutated(c *Case, mutHyvm, mutGeth Mutator) (hy, ge *Outcome, diff string, err error) {
	if hy, err = r.Run(c, Hyvm, mutHyvm, false); err != nil {
		return nil, nil, "", err
	}
	if ge, err = r.Run(c, Geth, mutGeth, false); err != nil {
		return nil, nil, "", err
	}
	diffs := Diff(hy, ge)
	if r.Tracer != "" && !sameJSON(hy.traced, ge.traced) {
		diffs = append(diffs, fmt.Sprintf("%s: hyvm %s; geth %s", r.Tracer, hy.traced, ge.traced))
	}
	if r.CompareTraces && hy.trace != ge.trace {
		diffs = append(diffs, fmt.Sprintf("trace: hyvm %d lines, last %q; geth %d lines, last %q",
			hy.trace.lines, hy.trace.last, ge.trace.lines, ge.trace.last))
	}
	if len(diffs) == 0 {
		return hy, ge, "", nil
	}
	// Run both again recording what they wrote, to say how the states differ.
	if hy.Root != ge.Root {
		h2, err1 := r.Run(c, Hyvm, mutHyvm, true)
		g2, err2 := r.Run(c, Geth, mutGeth, true)
		if err1 == nil && err2 == nil {
			diffs = append(diffs, diffAccounts(h2.rec, g2.rec)...)
		}
	}
	return hy, ge, strings.Join(diffs, "\n"), nil
}

// unknownError reports whether err is not one of the EVM's errors, which
// means the engine failed internally (a panic, a translation failure).
func unknownError(err error) bool {
	if err == nil {
		return false
	}
	for _, known := range []error{
		vm.ErrOutOfGas, vm.ErrCodeStoreOutOfGas, vm.ErrDepth, vm.ErrInsufficientBalance,
		vm.ErrContractAddressCollision, vm.ErrExecutionReverted, vm.ErrMaxCodeSizeExceeded,
		vm.ErrMaxInitCodeSizeExceeded, vm.ErrInvalidJump, vm.ErrWriteProtection,
		vm.ErrReturnDataOutOfBounds, vm.ErrGasUintOverflow, vm.ErrInvalidCode,
		vm.ErrNonceUintOverflow,
	} {
		if errors.Is(err, known) {
			return false
		}
	}
	var (
		under *vm.ErrStackUnderflow
		over  *vm.ErrStackOverflow
		inval *vm.ErrInvalidOpCode
	)
	return !errors.As(err, &under) && !errors.As(err, &over) && !errors.As(err, &inval)
}

// Diff lists the consensus-relevant differences between two outcomes, a
// (hyvm) first.
func Diff(a, b *Outcome) []string {
	var d []string
	// A precompile's own error ends a top-level call to it on both engines
	// alike; any other error that is not the EVM's is an engine failure.
	same := a.Err != nil && b.Err != nil && a.Err.Error() == b.Err.Error()
	if unknownError(a.Err) && !same {
		d = append(d, fmt.Sprintf("hyvm failed internally: %v", a.Err))
	}
	if unknownError(b.Err) && !same {
		d = append(d, fmt.Sprintf("geth failed internally: %v", b.Err))
	}
	if a.Status != b.Status {
		d = append(d, fmt.Sprintf("status: hyvm %v (%v), geth %v (%v)", a.Status, a.Err, b.Status, b.Err))
	}
	if !bytes.Equal(a.Ret, b.Ret) {
		d = append(d, fmt.Sprintf("return data: hyvm %x, geth %x", a.Ret, b.Ret))
	}
	if a.GasUsed != b.GasUsed {
		d = append(d, fmt.Sprintf("gas used: hyvm %d, geth %d (hyvm %+d)", a.GasUsed, b.GasUsed, int64(a.GasUsed-b.GasUsed)))
	}
	if a.Refund != b.Refund {
		d = append(d, fmt.Sprintf("refund: hyvm %d, geth %d", a.Refund, b.Refund))
	}
	if a.Created != b.Created {
		d = append(d, fmt.Sprintf("created address: hyvm %v, geth %v", a.Created, b.Created))
	}
	d = append(d, diffLogs(a.Logs, b.Logs)...)
	if a.Root != b.Root {
		d = append(d, fmt.Sprintf("post-state root: hyvm %v, geth %v", a.Root, b.Root))
	}
	return d
}

func diffLogs(a, b []*types.Log) []string {
	if len(a) != len(b) {
		return []string{fmt.Sprintf("logs: hyvm %d, geth %d:\n  hyvm %s\n  geth %s", len(a), len(b), fmtLogs(a), fmtLogs(b))}
	}
	var d []string
	for i := range a {
		if s, t := fmtLog(a[i]), fmtLog(b[i]); s != t {
			d = append(d, fmt.Sprintf("log %d: hyvm %s, geth %s", i, s, t))
		}
	}
	return d
}

// fmtLog renders the fields an EVM sets (the rest are the receipt's).
func fmtLog(l *types.Log) string {
	return fmt.Sprintf("{%v topics %x data %x block %d tx %v/%d index %d}", l.Address, l.Topics, l.Data, l.BlockNumber, l.TxHash, l.TxIndex, l.Index)
}

func fmtLogs(ls []*types.Log) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = fmtLog(l)
	}
	return strings.Join(s, " ")
}

// sameJSON reports whether two JSON documents hold the same values; a
// document that is not JSON (or is empty) is never the same as another.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil || x == nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
