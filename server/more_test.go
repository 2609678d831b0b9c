package server_test

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/server"
	"github.com/hyvm/hyvm/sim"
)

// TestServerCallBundleMatchesReceipts sends eth_callBundle (a token
// transfer, a router swap and a swap that reverts on its bound, signed as
// the node will mine them) to hyvm, then has the node mine the same
// transactions, and requires each transaction's hash, gas used and outcome
// to be what its receipt says.
func TestServerCallBundleMatchesReceipts(t *testing.T) {
	s := newServed(t)
	c, d := s.c, s.d
	ctx := context.Background()
	head, err := c.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	args := []devchain.TxArgs{
		{To: &d.TokenA, Data: devchain.Pack(t, d.TokenABI, "transfer", common.HexToAddress("0xf2e5"), devchain.Ether(5)), Gas: 100_000},
		{To: &d.Router, Data: devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, deadline), Gas: 500_000},
		{To: &d.Router, Data: devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), devchain.Ether(1_000_000_000), path, c.Sender, deadline), Gas: 500_000},
	}
	// Signed as TransactAll signs them: the same hashes.
	nonce, err := c.Client.PendingNonceAt(ctx, c.Sender)
	if err != nil {
		t.Fatal(err)
	}
	chainID, _ := c.Client.ChainID(ctx)
	tip := big.NewInt(2_000_000_000)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	var raw []hexutil.Bytes
	for i, a := range args {
		tx := c.Sign(t, &types.DynamicFeeTx{ChainID: chainID, Nonce: nonce + uint64(i), GasTipCap: tip, GasFeeCap: feeCap, Gas: a.Gas, To: a.To, Data: a.Data})
		b, err := tx.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b)
	}
	var res sim.CallBundleResult
	if err := s.hyvm.CallContext(ctx, &res, "eth_callBundle", map[string]any{"txs": raw, "blockNumber": hexutil.Uint64(head.Number.Uint64() + 1), "stateBlockNumber": "latest"}); err != nil {
		t.Fatal(err)
	}
	txs, receipts := c.TransactAll(t, args...)
	if len(res.Results) != len(txs) {
		t.Fatalf("%d results for %d transactions", len(res.Results), len(txs))
	}
	for i, r := range res.Results {
		failed := r.Error != ""
		if r.TxHash != txs[i].Hash() || r.GasUsed != receipts[i].GasUsed || failed != (receipts[i].Status == types.ReceiptStatusFailed) {
			t.Errorf("transaction %d: hash %v gas %d error %q; mined %v gas %d status %d", i, r.TxHash, r.GasUsed, r.Error, txs[i].Hash(), receipts[i].GasUsed, receipts[i].Status)
		}
	}
	if !strings.Contains(res.Results[2].Error, "reverted") {
		t.Errorf("the greedy swap: %+v", res.Results[2])
	}
	t.Logf("bundle gas %d, coinbase diff %s", res.TotalGasUsed, (*big.Int)(res.CoinbaseDiff))
}

// TestServerRunGuest runs a HyVM guest through hyvm_runGuest on the fork:
// it stores a word in the host, logs it and returns it; the result, the
// log, the state diff and the guest's trace (guest pcs) are reported.
func TestServerRunGuest(t *testing.T) {
	c := devchain.New(t)
	s := newServedOn(t, c, server.Config{})
	host := c.Token // a host with code: an empty one is deleted after the run (EIP-161)
	// SSTORE(5, 42); MSTORE(0, 42); LOG0(0, 32); RETURN(0, 32).
	guest := common.FromHex("602a600555" + "602a600052" + "60206000a0" + "60206000f3")
	var res struct {
		Success    bool            `json:"success"`
		ReturnData hexutil.Bytes   `json:"returnData"`
		GasUsed    hexutil.Uint64  `json:"gasUsed"`
		Error      string          `json:"error"`
		Logs       []types.Log     `json:"logs"`
		StateDiff  json.RawMessage `json:"stateDiff"`
		Trace      struct {
			StructLogs []struct {
				Pc uint64 `json:"pc"`
				Op string `json:"op"`
			} `json:"structLogs"`
		} `json:"trace"`
	}
	if err := s.hyvm.CallContext(context.Background(), &res, "hyvm_runGuest", map[string]any{"guest": hexutil.Bytes(guest), "host": host, "caller": c.Sender, "gas": hexutil.Uint64(200_000), "trace": true}); err != nil {
		t.Fatal(err)
	}
	if !res.Success || new(big.Int).SetBytes(res.ReturnData).Int64() != 42 || len(res.Logs) != 1 || res.Logs[0].Address != host {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(string(res.StateDiff), strings.ToLower(host.Hex()[2:])) || !strings.Contains(string(res.StateDiff), "0x000000000000000000000000000000000000000000000000000000000000002a") {
		t.Errorf("state diff %s", res.StateDiff)
	}
	if n := len(res.Trace.StructLogs); n != 12 || res.Trace.StructLogs[0].Pc != 0 || res.Trace.StructLogs[n-1].Op != "RETURN" {
		t.Errorf("trace of %d steps: %+v", n, res.Trace.StructLogs)
	}
	t.Logf("gas %d, diff %s", res.GasUsed, res.StateDiff)
}
