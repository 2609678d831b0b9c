// Package hyvm runs HyVM guests: EVM bytecode that a host contract hands to
// the HyVM hypervisor contract through DELEGATECALL. It reproduces what the
// deployed HyVM does — status, return data, gas used, logs and state changes
// — with hyvm's translating engine in HyVM mode, and reports the run's
// effects as a state diff.
package hyvm

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
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
	// Cache shares guest and contract translations between runs; nil: a
	// private one.
	Cache *runtime.Cache
	// Policy, when set, may deny the guest's calls, creations and storage
	// writes (see Policy).
	Policy Policy
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
	StateDiff StateDiff    // what the run changed; empty if it failed
	Refund    uint64       // the SSTORE refund counter after the run (not applied)
}

// Run executes guest through HyVM against st, as ctx describes. It warms
// the addresses a transaction from Origin to Host would (Origin, Host,
// Coinbase, precompiles) plus Caller, HyVM and ctx.Warm, then runs the HyVM frame and
// finalises st (EIP-161). The returned error is only for a failure of the
// engine itself; anything the guest does, however malformed, is a Result.
func Run(st vm.StateDB, ctx Context, guest []byte) (*Result, error) {
	fork := ctx.Fork
	if fork == 0 {
		fork = blocks.Latest
	}
	dep := ctx.HyVM
	if dep.Address == (common.Address{}) {
		dep = Reference
	}
	rules := runtime.Rules(fork)
	rec := newRecorder(st)
	rec.Prepare(rules, ctx.Origin, ctx.Block.Coinbase, &ctx.Host, runtime.Precompiles(fork), nil)
	rec.AddAddressToAccessList(ctx.Caller)
	rec.AddAddressToAccessList(dep.Address)
	for _, a := range ctx.Warm {
		rec.AddAddressToAccessList(a)
	}

	evm := runtime.NewEVM(ctx.Block, rec, fork, runtime.Config{ChainID: ctx.ChainID, Cache: ctx.Cache, HyVM: []runtime.HyVMContract{dep}})
	gasPrice := ctx.GasPrice
	if gasPrice == nil {
		gasPrice = new(uint256.Int)
	}
	evm.SetTxContext(vm.TxContext{Origin: ctx.Origin, GasPrice: gasPrice})
	ret, left, err := evm.RunGuest(runtime.GuestCall{HyVM: dep.Address, Host: ctx.Host, Caller: ctx.Caller,
		Value: ctx.Value, Gas: ctx.Gas, Static: ctx.Static, Depth: ctx.Depth, Policy: ctx.Policy}, guest)
	if errors.Is(err, runtime.ErrInternal) {
		return nil, err
	}
	res := &Result{Success: err == nil, ReturnData: bytes.Clone(ret), GasUsed: ctx.Gas - left, Err: err, Refund: st.GetRefund()}
	if res.ReturnData == nil {
		res.ReturnData = []byte{}
	}
	st.Finalise(rules)
	if res.Success {
		res.Logs = rec.logs
	}
	res.StateDiff = rec.diff(st)
	return res, nil
}
