package hyvm_test

import (
	"bytes"
	"context"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/bench"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// The wallet tests send real transactions (runtime.ApplyMessage on hyvm's
// EVM with HyVM registered) from the owner's EOA to a Solidity wallet
// (testdata/contracts/wallet) that delegatecalls HyVM with a guest, which
// calls an ERC-20 and WETH9 (testdata/contracts). Every HyVM frame is
// observed with a tracer and checked against hyvm.Run of the same guest
// from the same state: status, output and gas exactly, logs and state.

const walletFork = blocks.Prague

var (
	bob         = common.HexToAddress("0x00000000000000000000000000000000000b0b00")
	carol       = common.HexToAddress("0x000000000000000000000000000000000ca201e0")
	ether       = new(big.Int).SetUint64(params.Ether)
	gwei2       = uint256.NewInt(2 * params.GWei)
	walletTopic = common.HexToHash("0x9e5d")
)

// walletWorld is the committed state after deployment: Token (the owner
// mints 1000 to the wallet), WETH9 and the wallet holding 10 ether.
type walletWorld struct {
	db                  state.Database
	root                common.Hash
	block               vm.BlockContext
	wallet, token, weth common.Address
	walletABI, tokenABI abi.ABI
	wethABI             abi.ABI
}

func newWalletWorld(t *testing.T) *walletWorld {
	t.Helper()
	dir, err := bench.ContractsDir()
	if err != nil {
		t.Fatal(err)
	}
	load := func(dir, name string) *bench.Artifact {
		a, err := bench.LoadArtifact(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tokenArt, wethArt, walletArt := load(dir, "Token"), load(dir, "WETH9"), load(filepath.Join(dir, "wallet"), "Wallet")

	disk := rawdb.NewMemoryDatabase()
	w := &walletWorld{db: state.NewMPTDatabase(triedb.NewDatabase(disk, nil), state.NewCodeDB(disk)),
		walletABI: walletArt.ABI, tokenABI: tokenArt.ABI, wethABI: wethArt.ABI}
	random := common.Hash{1}
	w.block = vm.BlockContext{
		CanTransfer: core.CanTransfer, Transfer: core.Transfer,
		GetHash:  func(uint64) common.Hash { return common.Hash{} },
		Coinbase: common.HexToAddress("0xc014ba5e"), GasLimit: 30_000_000,
		BlockNumber: big.NewInt(22_000_000), Time: 1_750_000_000, Difficulty: new(big.Int),
		BaseFee: big.NewInt(params.GWei), BlobBaseFee: big.NewInt(1), Random: &random,
	}
	st, err := state.New(types.EmptyRootHash, w.db)
	if err != nil {
		t.Fatal(err)
	}
	st.SetBalance(owner, uint256.MustFromBig(new(big.Int).Mul(big.NewInt(1000), ether)), tracing.BalanceChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)

	deploy := func(a *bench.Artifact, args ...any) common.Address {
		code, err := a.Deploy(args...)
		if err != nil {
			t.Fatal(err)
		}
		res := w.send(t, st, nil, nil, code, runtime.Config{})
		if res.Failed() {
			t.Fatalf("deploy: %v", res.Err)
		}
		return res.ContractAddress
	}
	w.token = deploy(tokenArt, "Test", "TST")
	w.weth = deploy(wethArt)
	w.wallet = deploy(walletArt, hyvm.Reference.Address)
	if res := w.send(t, st, &w.token, nil, w.pack(t, w.tokenABI, "mint", w.wallet, eth(1000)), runtime.Config{}); res.Failed() {
		t.Fatalf("mint: %v", res.Err)
	}
	if res := w.send(t, st, &w.wallet, uint256.MustFromBig(eth(10)), nil, runtime.Config{}); res.Failed() {
		t.Fatalf("funding the wallet: %v", res.Err)
	}
	if w.root, err = st.Commit(runtime.Rules(walletFork), 0); err != nil {
		t.Fatal(err)
	}
	return w
}

func eth(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), ether) }

func (w *walletWorld) state(t *testing.T) *state.StateDB {
	st, err := state.New(w.root, w.db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (w *walletWorld) pack(t *testing.T, a abi.ABI, method string, args ...any) []byte {
	t.Helper()
	data, err := a.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// send applies a transaction from the owner (to nil: a creation) on hyvm's
// EVM with HyVM registered, and finalises it.
func (w *walletWorld) send(t *testing.T, st *state.StateDB, to *common.Address, value *uint256.Int, data []byte, cfg runtime.Config) *runtime.ExecutionResult {
	t.Helper()
	cfg.HyVM = []runtime.HyVMContract{hyvm.Reference}
	evm := runtime.NewEVM(w.block, st, walletFork, cfg)
	msg := &core.Message{From: owner, To: to, Nonce: st.GetNonce(owner), Value: value, GasLimit: 5_000_000,
		GasPrice: gwei2, GasFeeCap: gwei2, GasTipCap: gwei2, Data: data}
	res, err := runtime.ApplyMessage(context.Background(), evm, st, &w.block, walletFork, msg)
	if err != nil {
		t.Fatalf("transaction invalid: %v", err)
	}
	st.Finalise(runtime.Rules(walletFork))
	return res
}

// hyvmFrame is a DELEGATECALL into HyVM seen by the tracer.
type hyvmFrame struct {
	depth      int
	host, from common.Address
	gas        uint64
	output     []byte
	gasUsed    uint64
	err        error
}

// frameTracer records the HyVM frames of a transaction, outermost first.
func frameTracer(frames *[]*hyvmFrame) *tracing.Hooks {
	var open []*hyvmFrame // per depth, nil for other frames
	var callers []common.Address
	return &tracing.Hooks{
		OnEnter: func(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
			var f *hyvmFrame
			if vm.OpCode(typ) == vm.DELEGATECALL && to == hyvm.Reference.Address {
				// A DELEGATECALL frame runs as its caller, whose own caller
				// is the guest's CALLER.
				f = &hyvmFrame{depth: depth, host: from, from: callers[len(callers)-1], gas: gas}
				*frames = append(*frames, f)
			}
			open = append(open, f)
			callers = append(callers, from)
		},
		OnExit: func(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
			if f := open[len(open)-1]; f != nil {
				f.output, f.gasUsed, f.err = bytes.Clone(output), gasUsed, err
			}
			open, callers = open[:len(open)-1], callers[:len(callers)-1]
		},
	}
}

// exec sends a transaction calling the wallet's method with guest, traced,
// and checks that its outermost HyVM frame is what hyvm.Run gives for the
// guest from the same state. It returns the transaction's result, the
// post-state and the frame.
func (w *walletWorld) exec(t *testing.T, method string, guest []byte, static bool, cfg runtime.Config) (*runtime.ExecutionResult, *state.StateDB, *hyvmFrame) {
	t.Helper()
	var frames []*hyvmFrame
	cfg.Tracer = frameTracer(&frames)
	st := w.state(t)
	res := w.send(t, st, &w.wallet, nil, w.pack(t, w.walletABI, method, guest), cfg)

	// The same transaction untraced: the same outcome.
	plain := cfg
	plain.Tracer = nil
	again := w.send(t, w.state(t), &w.wallet, nil, w.pack(t, w.walletABI, method, guest), plain)
	if again.UsedGas != res.UsedGas || !bytes.Equal(again.ReturnData, res.ReturnData) || (again.Err == nil) != (res.Err == nil) {
		t.Fatalf("untraced transaction differs: %+v vs %+v", again, res)
	}
	if len(frames) == 0 {
		t.Fatalf("no HyVM frame (transaction error %v)", res.Err)
	}
	f := frames[0]
	// The hook's depth is that of the frame making the call, counting the
	// transaction's frame as 0: the HyVM frame's depth as Context has it.
	ref, err := hyvm.Run(context.Background(), w.state(t), hyvm.Context{
		Fork: walletFork, Block: w.block, Origin: owner, GasPrice: gwei2,
		Host: f.host, Caller: f.from, Gas: f.gas, Static: static, Depth: f.depth, Policy: cfg.HyVMPolicy, StateDiff: true,
	}, guest)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Success != (f.err == nil) || !bytes.Equal(ref.ReturnData, f.output) || ref.GasUsed != f.gasUsed {
		t.Errorf("HyVM frame in the transaction: err %v output %x gas used %d of %d;\nhyvm.Run: err %v output %x gas used %d",
			f.err, f.output, f.gasUsed, f.gas, ref.Err, ref.ReturnData, ref.GasUsed)
	}
	// What the guest changed is in the post-state; its logs are all the
	// transaction's logs if the transaction succeeded.
	for a, d := range ref.StateDiff {
		if d.Balance != nil && st.GetBalance(a).Cmp(&d.Balance.Post) != 0 && a != owner {
			t.Errorf("%v balance: transaction %v, hyvm.Run %v", a, st.GetBalance(a), &d.Balance.Post)
		}
		for k, v := range d.Storage {
			if got := st.GetState(a, k); got != v.Post {
				t.Errorf("%v slot %v: transaction %v, hyvm.Run %v", a, k, got, v.Post)
			}
		}
	}
	if !res.Failed() {
		if got := st.Logs(); !sameLogs(got, ref.Logs) {
			t.Errorf("logs: transaction %v, hyvm.Run %v", got, ref.Logs)
		}
	}
	return res, st, f
}

func sameLogs(a, b []*types.Log) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Address != b[i].Address || !bytes.Equal(a[i].Data, b[i].Data) || len(a[i].Topics) != len(b[i].Topics) {
			return false
		}
		for j := range a[i].Topics {
			if a[i].Topics[j] != b[i].Topics[j] {
				return false
			}
		}
	}
	return true
}

// balanceOf reads an ERC-20 balance from st.
func (w *walletWorld) balanceOf(t *testing.T, st *state.StateDB, token common.Address, a abi.ABI, who common.Address) *big.Int {
	t.Helper()
	evm := runtime.NewEVM(w.block, st, walletFork, runtime.Config{})
	out, _, err := evm.Call(context.Background(), owner, token, w.pack(t, a, "balanceOf", who), 100_000, new(uint256.Int))
	if err != nil {
		t.Fatalf("balanceOf: %v", err)
	}
	return new(big.Int).SetBytes(out)
}

// output decodes the wallet's exec/execStatic output: the guest's.
func (w *walletWorld) output(t *testing.T, method string, ret []byte) []byte {
	t.Helper()
	vals, err := w.walletABI.Unpack(method, ret)
	if err != nil {
		t.Fatalf("decoding %s output %x: %v", method, ret, err)
	}
	return vals[0].([]byte)
}
