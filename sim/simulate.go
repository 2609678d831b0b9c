package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers"
	_ "github.com/ethereum/go-ethereum/eth/tracers/native" // the native tracers Bundle.Tracer names
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// Call is one call of a bundle. The fee fields and the nonce matter only
// in a bundle run with Validation.
type Call struct {
	From  common.Address
	To    *common.Address // nil: a creation
	Data  []byte
	Value *uint256.Int // nil: 0
	Gas   uint64

	Nonce      *uint64      // nil: the sender's nonce in the state
	GasPrice   *uint256.Int // a legacy price: both caps; nil: GasFeeCap and GasTipCap
	GasFeeCap  *uint256.Int // nil: 0
	GasTipCap  *uint256.Int // nil: 0
	AccessList types.AccessList
	// A blob transaction's hashes and fee cap, a set-code transaction's
	// authorizations.
	BlobHashes    []common.Hash
	BlobGasFeeCap *uint256.Int
	AuthList      []types.SetCodeAuthorization
	// TxHash is the hash its logs carry (CallOf: the transaction's).
	TxHash common.Hash
	// gasUnset: no gas was asked for; eth_simulateV1 gives the call what
	// the block has left.
	gasUnset bool
}

// CallOf returns the call a signed transaction makes, its sender
// recovered with signer.
func CallOf(tx *types.Transaction, signer types.Signer) (Call, error) {
	from, err := types.Sender(signer, tx)
	if err != nil {
		return Call{}, fmt.Errorf("sim: transaction %x: %w", tx.Hash(), err)
	}
	nonce := tx.Nonce()
	c := Call{From: from, To: tx.To(), Data: tx.Data(), Value: uint256.MustFromBig(tx.Value()), Gas: tx.Gas(),
		Nonce: &nonce, GasFeeCap: uint256.MustFromBig(tx.GasFeeCap()), GasTipCap: uint256.MustFromBig(tx.GasTipCap()),
		AccessList: tx.AccessList(), BlobHashes: tx.BlobHashes(), AuthList: tx.SetCodeAuthorizations(), TxHash: tx.Hash()}
	if fee := tx.BlobGasFeeCap(); fee != nil {
		c.BlobGasFeeCap = uint256.MustFromBig(fee)
	}
	return c, nil
}

// CallResult is what a call of a bundle did.
type CallResult struct {
	ReturnData []byte
	GasUsed    uint64 // as its receipt would say: intrinsic gas, refund and calldata floor included
	MaxUsedGas uint64 // the peak gas it used, before the refund
	Logs       []*types.Log
	Err        error // the execution's error (vm.ErrExecutionReverted, ...); nil on success
	Contract   common.Address
	StateDiff  hyvmstate.StateDiff // with Bundle.StateDiff: what the call changed, fees included
	Trace      json.RawMessage     // with Bundle.Tracer: the tracer's result for the call

	nonce, gas uint64 // the transaction's, as the call ran
	// stateLogs are the logs the call left in the state (its receipt's),
	// which Logs are unless TraceTransfers replaced them.
	stateLogs []*types.Log
}

// Bundle is an ordered list of calls run one after the other on one state
// in one block, each seeing what the earlier ones did, as eth_simulateV1
// runs a block's calls. Without Validation: no fees (the base fee is 0
// unless overridden), each sender's nonce taken from the state. With it,
// as a block's transactions: the block's base fee, each call's nonce and
// fees checked and paid (to the coinbase, its tip).
type Bundle struct {
	Calls          []Call
	StateOverrides StateOverride
	BlockOverrides *BlockOverrides
	Validation     bool
	StateDiff      bool // record each call's CallResult.StateDiff
	// Tracer names one of go-ethereum's native tracers ("callTracer",
	// "prestateTracer", "4byteTracer", ...), run on each call with
	// TracerConfig as debug_traceCall runs it; its result is the call's
	// CallResult.Trace. Tracing runs the code instruction by instruction.
	Tracer       string
	TracerConfig json.RawMessage
	// TraceTransfers reports every transfer of ether among a call's logs
	// (eth_simulateV1's traceTransfers: an ERC-20 Transfer log from
	// ERC-7528's address, EtherAddress). The code runs instruction by
	// instruction. Not with Tracer.
	TraceTransfers bool
	// transactions makes the calls signed transactions (CallBundle):
	// every rule of a block applies. Otherwise they run as eth_simulateV1
	// runs calls (runtime.ApplySimulated): a sender may have code, the gas
	// is bounded by the block's only, and the nonce is checked only with
	// Validation.
	transactions bool
	// roots, when set, is handed each call's effects (ReplayBlock).
	roots StateRoots
	// budget, when set, is the gas the calls of every block may still use
	// together (eth_simulateV1's gas cap): a call's gas is capped by it.
	budget *uint64
}

// Run runs the bundle on an overlay over base (a fork.State, a StateDB),
// in block (the context of the block the state is at; Run applies the
// bundle's block overrides to a copy) under fork's rules, with cfg's
// engine settings. It returns a result per call and the overlay with the
// bundle's effects (finalised after each call, as a block's transactions
// are). An error means the bundle could not run: an invalid override or
// call, a cancelled ctx, a failing state.
func (b *Bundle) Run(ctx context.Context, base vm.StateDB, block vm.BlockContext, fork blocks.Fork, cfg runtime.Config) ([]CallResult, *hyvmstate.Overlay, error) {
	st := hyvmstate.New(base)
	results, _, err := b.runOn(ctx, st, block, fork, cfg, nil)
	if err != nil {
		return nil, nil, err
	}
	return results, st, nil
}

// runOn runs the bundle on st in block (before its overrides), returning
// a result per call and the block it ran in (after them).
// pre, if not nil, runs after the state overrides and before the calls
// (a block's system calls).
func (b *Bundle) runOn(ctx context.Context, st *hyvmstate.Overlay, block vm.BlockContext, fork blocks.Fork, cfg runtime.Config, pre func(*blockSteps) error) ([]CallResult, vm.BlockContext, error) {
	var settled func(map[common.Address][]common.Hash) error
	if b.roots != nil {
		// Overrides are settled under no fork's rules, as the node does.
		settled = func(touched map[common.Address][]common.Hash) error {
			return b.roots.Step(ctx, params.Rules{}, touched, st)
		}
	}
	precompiles, err := b.StateOverrides.apply(st, fork, settled)
	if err != nil {
		return nil, block, err
	}
	if precompiles != nil {
		cfg.Precompiles = precompiles
	}
	if !b.Validation || block.BaseFee == nil {
		block.BaseFee = new(big.Int) // no fees without validation
	}
	if err := b.BlockOverrides.Apply(&block); err != nil {
		return nil, block, err
	}
	if b.TraceTransfers && b.Tracer != "" {
		return nil, block, errors.New("sim: traceTransfers with a tracer")
	}
	rules := runtime.Rules(fork)
	if cfg.Cache == nil {
		cfg.Cache = runtime.NewCache(0) // one for every call, traced or not
	}
	evm := runtime.NewEVM(block, st, fork, cfg)
	// A block's steps are followed only for a block built (system calls,
	// roots); a plain bundle finalises its calls itself and allocates
	// nothing for it.
	var steps *blockSteps
	if pre != nil || b.roots != nil {
		steps = &blockSteps{ctx: ctx, evm: evm, st: st, rules: rules, roots: b.roots}
	}
	if pre != nil {
		if err := pre(steps); err != nil {
			return nil, block, err
		}
	}
	results := make([]CallResult, len(b.Calls))
	logIndex := uint(0) // in the bundle, ether transfers included
	used := uint64(0)   // the block's gas so far
	for i, c := range b.Calls {
		if c.gasUnset && block.GasLimit > used {
			c.Gas = block.GasLimit - used // what eth_simulateV1 gives a call with no gas
		}
		capped := false
		if b.budget != nil && c.Gas > *b.budget {
			c.Gas, capped = *b.budget, true
		}
		msg := b.message(&c, st, block.BaseFee)
		st.SetTxContext(c.TxHash, i, 0)
		logs, mark := len(st.Logs()), st.Snapshot()
		var tracer *tracers.Tracer
		var transfers *transferLogs
		traced := cfg
		switch {
		case b.Tracer != "":
			var err error
			if tracer, err = b.newTracer(i, &block, fork); err != nil {
				return nil, block, err
			}
			traced.Tracer = tracer.Hooks
		case b.TraceTransfers:
			transfers = new(transferLogs)
			traced.Tracer = transfers.hooks()
		}
		if traced.Tracer != nil {
			evm.Reset(block, st, fork, traced) // keeps its frames
		}
		var res *runtime.ExecutionResult
		var err error
		if b.transactions { // a signed transaction's checks, all of them
			res, err = runtime.ApplyMessage(ctx, evm, st, &block, fork, msg)
		} else {
			res, err = runtime.ApplySimulated(ctx, evm, st, &block, fork, msg, b.Validation)
		}
		if err != nil {
			// As the node words it: the error, and the gas the call had.
			return nil, block, fmt.Errorf("sim: call %d: %w", i, txValidationError(fmt.Errorf("err: %w (supplied gas %d)", err, msg.GasLimit)))
		}
		used += res.UsedGas
		if b.budget != nil {
			*b.budget -= min(*b.budget, res.UsedGas)
			if capped && res.Err != nil && !errors.Is(res.Err, vm.ErrExecutionReverted) {
				res.Err = fmt.Errorf("%w (gas limit was capped by the RPC server's global gas cap)", res.Err)
			}
		}
		results[i] = CallResult{ReturnData: res.ReturnData, GasUsed: res.UsedGas, MaxUsedGas: res.MaxUsedGas, Err: res.Err, Contract: res.ContractAddress,
			Logs: append([]*types.Log(nil), st.Logs()[logs:]...), nonce: msg.Nonce, gas: msg.GasLimit}
		results[i].stateLogs = results[i].Logs
		if transfers != nil {
			results[i].Logs = transfers.logs
			for _, l := range results[i].Logs {
				l.BlockNumber, l.TxHash, l.TxIndex, l.Index = block.BlockNumber.Uint64(), c.TxHash, uint(i), logIndex
				logIndex++
			}
		}
		if tracer != nil {
			if results[i].Trace, err = tracer.GetResult(); err != nil {
				return nil, block, fmt.Errorf("sim: call %d: %s: %w", i, b.Tracer, err)
			}
		}
		if b.StateDiff {
			results[i].StateDiff = st.DiffSince(mark)
		}
		if steps == nil {
			st.Finalise(rules)
		} else if err := steps.finalise(mark); err != nil {
			return nil, block, fmt.Errorf("sim: call %d: %w", i, err)
		}
	}
	return results, block, nil
}

// message is c as the message ApplyMessage runs: free and with the
// state's nonce without validation; with it, c's nonce and fees (the
// effective gas price under baseFee), checked.
func (b *Bundle) message(c *Call, st vm.StateDB, baseFee *big.Int) *core.Message {
	if !b.Validation {
		free := *c
		free.Nonce, free.GasPrice, free.GasFeeCap, free.GasTipCap = nil, nil, nil, nil
		return free.Message(st.GetNonce(c.From), baseFee)
	}
	return c.Message(st.GetNonce(c.From), baseFee)
}

// Message is c as the message go-ethereum's TransactionArgs.ToMessage
// makes under baseFee: c's nonce, else nonce; a legacy price as both
// caps, or the caps given; and the price paid, the tip above the base fee
// up to the cap (0 without fees, as eth_call runs a call).
func (c *Call) Message(nonce uint64, baseFee *big.Int) *core.Message {
	msg := &core.Message{From: c.From, To: c.To, Nonce: nonce, Value: new(uint256.Int), GasLimit: c.Gas,
		GasPrice: new(uint256.Int), GasFeeCap: new(uint256.Int), GasTipCap: new(uint256.Int), Data: c.Data,
		AccessList: c.AccessList, BlobHashes: c.BlobHashes, SetCodeAuthorizations: c.AuthList}
	if c.Value != nil {
		msg.Value = c.Value.Clone()
	}
	if c.BlobGasFeeCap != nil {
		msg.BlobGasFeeCap = c.BlobGasFeeCap.Clone()
	}
	if c.Nonce != nil {
		msg.Nonce = *c.Nonce
	}
	switch {
	case c.GasPrice != nil:
		msg.GasFeeCap, msg.GasTipCap = c.GasPrice.Clone(), c.GasPrice.Clone()
	default:
		if c.GasFeeCap != nil {
			msg.GasFeeCap = c.GasFeeCap.Clone()
		}
		if c.GasTipCap != nil {
			msg.GasTipCap = c.GasTipCap.Clone()
		}
	}
	price := new(uint256.Int).Add(msg.GasTipCap, uint256.MustFromBig(baseFee))
	if price.Gt(msg.GasFeeCap) {
		price.Set(msg.GasFeeCap)
	}
	msg.GasPrice = price
	return msg
}

// newTracer makes b's tracer for call i (ApplyMessage tells it the call
// starts and ends, as go-ethereum's debug_traceCall does).
func (b *Bundle) newTracer(i int, block *vm.BlockContext, fork blocks.Fork) (*tracers.Tracer, error) {
	t, err := tracers.DefaultDirectory.New(b.Tracer, &tracers.Context{BlockNumber: block.BlockNumber, TxIndex: i}, b.TracerConfig, runtime.ChainConfig(fork))
	if err != nil {
		return nil, fmt.Errorf("sim: tracer %q: %w", b.Tracer, err)
	}
	return t, nil
}
