package sim_test

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/sim"
)

// TestCallBundle simulates a Flashbots bundle (a token transfer, ether
// paid straight to the coinbase, a router swap reverting on its bound;
// signed transactions, nonces in sequence) with sim.CallBundle on a fork,
// and the same transactions with go-ethereum's state transition on the
// same state in the same block: every transaction's gas, return or revert
// data and coinbase gain agree, the ether sent to the coinbase is the
// payment and nothing else, and the bundle's totals and hash add up.
func TestCallBundle(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	ctx := context.Background()
	cache := openFork(t, c, 0)
	head, err := cache.Header(ctx, cache.Block())
	if err != nil {
		t.Fatal(err)
	}
	config := devchain.Config()
	baseFee := eip1559.CalcBaseFee(config, head)
	nonce, err := c.Client.NonceAt(ctx, c.Sender, head.Number)
	if err != nil {
		t.Fatal(err)
	}
	coinbase, payment := common.HexToAddress("0xc0ffee"), big.NewInt(1e15)
	tip := big.NewInt(3e9)
	feeCap := new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
	sign := func(i uint64, to common.Address, value *big.Int, data []byte, gas uint64) *types.Transaction {
		return c.Sign(t, &types.DynamicFeeTx{ChainID: config.ChainID, Nonce: nonce + i, GasTipCap: tip, GasFeeCap: feeCap,
			Gas: gas, To: &to, Value: value, Data: data})
	}
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	txs := []*types.Transaction{
		sign(0, d.TokenA, nil, devchain.Pack(t, d.TokenABI, "transfer", common.HexToAddress("0xbeef"), devchain.Ether(5)), 100_000),
		sign(1, coinbase, payment, nil, 21_000),
		sign(2, d.Router, nil, devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(10),
			new(big.Int).Lsh(big.NewInt(1), 200), path, c.Sender, new(big.Int).SetUint64(head.Time+3600)), 500_000),
	}
	args := &sim.CallBundleArgs{BlockNumber: hexutil.Uint64(head.Number.Uint64() + 1), Coinbase: &coinbase}
	for _, tx := range txs {
		raw, err := tx.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		args.Txs = append(args.Txs, raw)
	}
	block, err := cache.BlockContext(ctx, config)
	if err != nil {
		t.Fatal(err)
	}
	got, after, err := sim.CallBundle(ctx, cache.State(ctx), head, block.GetHash, config, blocks.Latest, runtime.Config{}, args)
	if err != nil {
		t.Fatal(err)
	}
	// Logs name their transaction, as a receipt's do.
	if logs := after.Logs(); len(logs) == 0 || logs[0].TxHash != txs[0].Hash() || logs[0].TxIndex != 0 {
		t.Errorf("the transfer's logs: %+v", logs)
	}
	out, _ := json.MarshalIndent(got, "", "  ")
	t.Logf("%s", out)

	// go-ethereum's state transition on a StateDB holding what the fork read.
	st := memoryState(t, cache.Alloc())
	random := head.MixDigest
	ref := vm.BlockContext{CanTransfer: core.CanTransfer, Transfer: core.Transfer, GetHash: block.GetHash, Coinbase: coinbase,
		BlockNumber: new(big.Int).Add(head.Number, big.NewInt(1)), Time: head.Time + 12, Difficulty: new(big.Int),
		GasLimit: head.GasLimit, BaseFee: baseFee, BlobBaseFee: new(big.Int), Random: &random}
	signer := c.Signer(t)
	gp := core.NewGasPool(ref.GasLimit)
	var hashes []byte
	total := uint64(0)
	for i, tx := range txs {
		msg, err := core.TransactionToMessage(tx, signer, baseFee)
		if err != nil {
			t.Fatal(err)
		}
		before := st.GetBalance(coinbase).ToBig()
		st.SetTxContext(tx.Hash(), i, 0)
		res, err := core.ApplyMessage(vm.NewEVM(ref, st, config, vm.Config{}), msg, gp)
		if err != nil {
			t.Fatal(err)
		}
		st.Finalise(config.Rules(ref.BlockNumber, true, ref.Time))
		diff := new(big.Int).Sub(st.GetBalance(coinbase).ToBig(), before)
		g := got.Results[i]
		wantSent := new(big.Int)
		if i == 1 {
			wantSent = payment
		}
		data := res.ReturnData
		gotData := g.Value
		if res.Failed() {
			gotData = g.Revert
		}
		if g.GasUsed != res.UsedGas || string(gotData) != string(data) || (g.Error != "") != res.Failed() ||
			(*big.Int)(g.CoinbaseDiff).Cmp(diff) != 0 || (*big.Int)(g.EthSentToCoinbase).Cmp(wantSent) != 0 || g.TxHash != tx.Hash() {
			t.Errorf("transaction %d: hyvm %+v; go-ethereum gas %d, failed %v, %x, coinbase +%v", i, g, res.UsedGas, res.Failed(), data, diff)
		}
		total += res.UsedGas
		hashes = append(hashes, tx.Hash().Bytes()...)
	}
	if got.TotalGasUsed != total || got.BundleHash != crypto.Keccak256Hash(hashes) || (*big.Int)(got.EthSentToCoinbase).Cmp(payment) != 0 ||
		got.Results[2].Error == "" {
		t.Errorf("bundle: %+v; want gas %d, ether sent %v, the swap reverting", got, total, payment)
	}
}
