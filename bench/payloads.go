package bench

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/hyvm/guest"
	"github.com/hyvm/hyvm/runtime"
)

// hyvmWallet is the account the guests run in; it holds tokens and ether.
var hyvmWallet = common.HexToAddress("0x00000000000000000000000000000000000a11e7")

// hyvmGas is the gas of every guest run.
const hyvmGas = 10_000_000

// HyVMPayload is one guest of the HyVM payload benchmarks.
type HyVMPayload struct {
	Name  string
	Guest []byte
}

// HyVMPayloads returns the HyVM payload benchmarks' guests, built over the
// contracts scenario deployed afresh (its addresses are deterministic).
func HyVMPayloads() ([]HyVMPayload, error) {
	_, _, w, err := hyvmWorld()
	if err != nil {
		return nil, err
	}
	return buildPayloads(w)
}

// hyvmWorld deploys the contracts scenario on a fresh in-memory state,
// funds the wallet and gives HyVM's address a nonce, as the reference
// deployment has.
func hyvmWorld() (state.Database, *state.StateDB, *world, error) {
	dir, err := ContractsDir()
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := loadArtifacts(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	db := runtime.NewMemoryDatabase()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, nil, nil, err
	}
	d := &Deployer{engine: EngineGeth, state: st}
	w := deployWorld(d, a)
	w.send(w.tokenA, a.token, nil, "transfer", hyvmWallet, eth(100_000))
	d.Fund(hyvmWallet, uint256.MustFromBig(eth(100)))
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)
	if w.err != nil {
		return nil, nil, nil, w.err
	}
	return db, st, w, nil
}

// buildPayloads builds the guests over the deployed scenario.
func buildPayloads(w *world) ([]HyVMPayload, error) {
	var packErr error
	pack := func(a *Artifact, method string, args ...any) []byte {
		data, err := a.ABI.Pack(method, args...)
		if err != nil && packErr == nil {
			packErr = fmt.Errorf("bench: packing %s: %w", method, err)
		}
		return data
	}
	tok, amount := w.a.token, eth(1000)
	path := []common.Address{w.tokenA, w.tokenB, w.tokenC}
	minOut := new(big.Int).Mul(w.quote(amount, path...)[2], big.NewInt(995))
	minOut.Div(minOut, big.NewInt(1000))
	deadline := new(big.Int).SetUint64(contractsTime + 600)

	// Approve the router, swap A for C through B, check the C received.
	swap := new(guest.Builder).
		Call(w.tokenA, nil, pack(tok, "approve", w.router, amount)).
		Call(w.router, nil, pack(w.a.router, "swapExactTokensForTokens", amount, minOut, path, hyvmWallet, deadline)).
		StaticCall(w.tokenC, pack(tok, "balanceOf", hyvmWallet)).
		RequireOutputAtLeast(uint256.MustFromBig(minOut)).
		ReturnOutput()

	// A batch of token transfers to 24 payees, then the balance left.
	batch := new(guest.Builder)
	for i := range 24 {
		payee := common.BigToAddress(big.NewInt(0x1000 + int64(i)))
		batch.Call(w.tokenA, nil, pack(tok, "transfer", payee, new(big.Int).Add(eth(1), big.NewInt(int64(i)))))
	}
	batch.StaticCall(w.tokenA, pack(tok, "balanceOf", hyvmWallet)).ReturnOutput()

	// Wrap ether (a call with value), pay WETH out, approve a spender.
	// (Unwrapping would send ether to the wallet, which natively runs the
	// guest as its code.)
	wrap := new(guest.Builder).
		Call(w.weth, uint256.MustFromBig(eth(5)), pack(w.a.weth, "deposit")).
		Call(w.weth, nil, pack(w.a.weth, "transfer", Holder, eth(2))).
		Call(w.weth, nil, pack(w.a.weth, "approve", w.router, eth(3))).
		StaticCall(w.weth, pack(w.a.weth, "balanceOf", hyvmWallet)).
		ReturnOutput()

	// 200 rounds of 8 mixing steps, each stored in one of 16 slots.
	loop := new(guest.Builder).Loop(200, func(b *guest.Builder) {
		for k := range uint64(8) {
			// x = (i*i + c_k) ^ (i << (k+1)); sstore((i + k) & 15, x)
			b.Op(vm.DUP1, vm.DUP1, vm.MUL)
			b.Push(new(uint256.Int).Lsh(uint256.NewInt(0x9e3779b97f4a7c15+k), 190))
			b.Op(vm.ADD, vm.DUP2).PushUint(k+1).Op(vm.SHL, vm.XOR)
			b.PushUint(15).PushUint(k).Op(vm.DUP4, vm.ADD, vm.AND, vm.SSTORE)
		}
	})
	loop.Op(vm.PUSH0, vm.SLOAD).PushUint(0).Op(vm.MSTORE).PushUint(32).PushUint(0).Op(vm.RETURN)

	// 500 rounds of 8 arithmetic steps on a word in memory: compute only,
	// where the guest's own instructions are the cost.
	arith := new(guest.Builder).Loop(500, func(b *guest.Builder) {
		for k := range uint64(8) {
			// m[0] = (m[0]*c_k + i) ^ (m[0] >> (k+3))
			b.PushUint(0).Op(vm.MLOAD, vm.DUP1)
			b.Push(new(uint256.Int).Lsh(uint256.NewInt(0x9e3779b97f4a7c15+k), 130))
			b.Op(vm.MUL, vm.DUP3, vm.ADD, vm.SWAP1).PushUint(k+3).Op(vm.SHR, vm.XOR)
			b.PushUint(0).Op(vm.MSTORE)
		}
	})
	arith.PushUint(32).PushUint(0).Op(vm.RETURN)

	if packErr != nil {
		return nil, packErr
	}
	return []HyVMPayload{
		{"approve_swap_check", swap.Bytes()},
		{"transfer_batch_24", batch.Bytes()},
		{"weth_wrap_pay_approve", wrap.Bytes()},
		{"mix_loop_sstore", loop.Bytes()},
		{"arith_loop_mem", arith.Bytes()},
	}, nil
}
