package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/server"
	"github.com/hyvm/hyvm/sim"
)

// served is a node with the testdata exchange deployed and hyvm serving a
// fork of it: the same requests go to both.
type served struct {
	c          *devchain.Chain
	d          *devchain.DEX
	node, hyvm *rpc.Client
	block      string // the forked block's number: "latest" may move on the node
	url        string // hyvm's
}

func newServed(t *testing.T) *served {
	t.Helper()
	c := devchain.New(t)
	d := c.DeployDEX(t)
	s := newServedOn(t, c, server.Config{})
	s.d = d
	return s
}

// newServedOn serves a fork of c's latest block under cfg (without the
// exchange).
func newServedOn(t testing.TB, c *devchain.Chain, cfg server.Config) *served {
	t.Helper()
	ctx := context.Background()
	cache, err := fork.Dial(ctx, c.URL, fork.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	srv, err := server.New(ctx, cache, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	s := &served{c: c, url: ts.URL}
	if s.node, err = rpc.DialContext(ctx, c.URL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.node.Close)
	if s.hyvm, err = rpc.DialContext(ctx, ts.URL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.hyvm.Close)
	s.block = hexutil.EncodeUint64(cache.Block())
	return s
}

// answer is a JSON-RPC outcome: the result, or the error's code, message
// and data.
func answer(c *rpc.Client, method string, params ...any) string {
	var res json.RawMessage
	err := c.CallContext(context.Background(), &res, method, params...)
	if err == nil {
		return string(res)
	}
	out := "error: " + err.Error()
	var ec rpc.Error
	if errors.As(err, &ec) {
		out += fmt.Sprintf(" (code %d)", ec.ErrorCode())
	}
	var ed rpc.DataError
	if errors.As(err, &ed) {
		out += fmt.Sprintf(" data %v", ed.ErrorData())
	}
	return out
}

// callArgs is a call in JSON-RPC's shape.
func callArgs(from common.Address, to *common.Address, data []byte, extra map[string]any) map[string]any {
	a := map[string]any{"from": from, "input": hexutil.Bytes(data)}
	if to != nil {
		a["to"] = to
	}
	for k, v := range extra {
		a[k] = v
	}
	return a
}

// TestServerMatchesNode sends the same eth_call, eth_estimateGas and
// eth_createAccessList requests on the testdata exchange (token reads and
// transfers, quotes, router swaps that succeed and revert, a creation,
// plain transfers, state and block overrides) to the node and to hyvm
// serving a fork of it, and requires identical JSON results or errors
// (code, message and revert data).
func TestServerMatchesNode(t *testing.T) {
	s := newServed(t)
	c, d := s.c, s.d
	pack := func(a any, method string, args ...any) []byte {
		switch a := a.(type) {
		case string:
			return devchain.Pack(t, map[string]abi.ABI{"token": d.TokenABI, "router": d.RouterABI, "pair": d.PairABI}[a], method, args...)
		}
		panic("no abi")
	}
	head, err := c.Client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	fresh := common.HexToAddress("0xf2e5")
	amount := devchain.Ether(1000)
	swap := pack("router", "swapExactTokensForTokens", amount, big.NewInt(1), path, c.Sender, deadline)
	greedy := pack("router", "swapExactTokensForTokens", amount, devchain.Ether(1_000_000_000), path, c.Sender, deadline)
	transfer := pack("token", "transfer", fresh, devchain.Ether(5))
	// The fresh account holds 7 token A by a state override of its balance slot.
	rich := map[string]any{d.TokenA.Hex(): map[string]any{"stateDiff": map[string]any{devchain.BalanceSlot(fresh).Hex(): common.BigToHash(devchain.Ether(7)).Hex()}}}
	probe := common.HexToAddress("0xc0de")
	probeCode := append(common.FromHex("0x303b50333b5060013b5073"), d.TokenA.Bytes()...)
	probeCode = append(probeCode, common.FromHex("0x3b60005260206000f3")...)
	cases := []struct {
		name      string
		args      map[string]any
		overrides map[string]any
		block     map[string]any
	}{
		{"balanceOf", callArgs(c.Sender, &d.TokenA, pack("token", "balanceOf", c.Sender), nil), nil, nil},
		{"quote", callArgs(c.Sender, &d.Router, pack("router", "getAmountsOut", amount, path), nil), nil, nil},
		{"transfer", callArgs(c.Sender, &d.TokenA, transfer, nil), nil, nil},
		{"router swap", callArgs(c.Sender, &d.Router, swap, nil), nil, nil},
		{"router swap under its bound", callArgs(c.Sender, &d.Router, greedy, nil), nil, nil},
		{"transfer from an empty account", callArgs(fresh, &d.TokenA, transfer, nil), nil, nil},
		{"transfer from an overridden balance", callArgs(fresh, &d.TokenA, pack("token", "transfer", c.Sender, devchain.Ether(6)), nil), rich, nil},
		{"swap past an overridden time", callArgs(c.Sender, &d.Router, swap, nil), nil, map[string]any{"time": hexutil.Uint64(head.Time + 7200)}},
		{"ether transfer", callArgs(c.Sender, &fresh, nil, map[string]any{"value": (*hexutil.Big)(devchain.Ether(1))}), nil, nil},
		{"with gas", callArgs(c.Sender, &d.Router, swap, map[string]any{"gas": hexutil.Uint64(300_000)}), nil, nil},
		{"too little gas", callArgs(c.Sender, &d.Router, swap, map[string]any{"gas": hexutil.Uint64(60_000)}), nil, nil},
		{"creation", callArgs(c.Sender, nil, common.FromHex("0x600a600c600039600a6000f3602a60005260206000f3"), nil), nil, nil},
		{"from a contract", callArgs(d.Router, &d.TokenA, pack("token", "balanceOf", d.Router), nil), nil, nil},
		// Code looking at itself, its caller, a precompile and token A
		// (EXTCODESIZE): an access list leaves out all but the token.
		{"lookups", callArgs(c.Sender, &probe, nil, nil), map[string]any{probe.Hex(): map[string]any{"code": hexutil.Bytes(probeCode)}}, nil},
	}
	outcomes := map[string]int{}
	defer func() {
		// The node's own answers must cover what the cases are for: calls
		// returning data, reverts with data, estimates, access lists.
		for _, k := range []string{"eth_call data", "eth_call revert", "eth_estimateGas data", "eth_estimateGas revert", "eth_createAccessList list"} {
			if outcomes[k] == 0 {
				t.Errorf("no case where the node answers %s: %v", k, outcomes)
			}
		}
	}()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"eth_call", "eth_estimateGas", "eth_createAccessList"} {
				params := []any{tc.args, s.block}
				if tc.overrides != nil || tc.block != nil {
					params = append(params, tc.overrides)
				}
				if tc.block != nil && method != "eth_createAccessList" {
					params = append(params, tc.block)
				}
				if method == "eth_createAccessList" && tc.block != nil {
					continue // it takes no block overrides
				}
				want, got := answer(s.node, method, params...), answer(s.hyvm, method, params...)
				outcomes[method+" "+kindOf(want)]++
				if got != want {
					t.Errorf("%s:\nhyvm %s\nnode %s", method, got, want)
				} else {
					t.Logf("%s: %.120s", method, got)
				}
			}
		})
	}
}

// TestServerSimulateMatchesNode sends one eth_simulateV1 request of two
// blocks (a transfer and a router swap, then the balances they left, the
// second block's time overridden; a reverting swap) to both, and requires
// the same answer byte for byte: every header field (state roots, hashes,
// blooms, transaction and receipt roots, requests hash), the transaction
// hashes and, per call, status, return data, gas, logs and error.
func TestServerSimulateMatchesNode(t *testing.T) {
	s := newServed(t)
	c, d := s.c, s.d
	head, err := c.Client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	fresh := common.HexToAddress("0xf2e5")
	call := func(to common.Address, data []byte) map[string]any {
		return callArgs(c.Sender, &to, data, nil)
	}
	req := map[string]any{"blockStateCalls": []any{
		map[string]any{"calls": []any{
			call(d.TokenA, devchain.Pack(t, d.TokenABI, "transfer", fresh, devchain.Ether(5))),
			call(d.Router, devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, deadline)),
		}},
		map[string]any{"blockOverrides": map[string]any{"time": hexutil.Uint64(head.Time + 100)}, "calls": []any{
			call(d.TokenA, devchain.Pack(t, d.TokenABI, "balanceOf", fresh)),
			call(d.TokenC, devchain.Pack(t, d.TokenABI, "balanceOf", c.Sender)),
			call(d.Router, devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), devchain.Ether(1_000_000_000), path, c.Sender, deadline)),
		}},
	}}
	type simLog struct {
		Address common.Address `json:"address"`
		Topics  []common.Hash  `json:"topics"`
		Data    hexutil.Bytes  `json:"data"`
	}
	type simError struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	}
	type simCall struct {
		Status     hexutil.Uint64 `json:"status"`
		ReturnData hexutil.Bytes  `json:"returnData"`
		GasUsed    hexutil.Uint64 `json:"gasUsed"`
		Logs       []simLog       `json:"logs"`
		Error      simError       `json:"error"`
	}
	type simBlock struct {
		Number    hexutil.Uint64 `json:"number"`
		Timestamp hexutil.Uint64 `json:"timestamp"`
		Calls     []simCall      `json:"calls"`
	}
	sameJSON(t, "eth_simulateV1", answer(s.hyvm, "eth_simulateV1", req, s.block), answer(s.node, "eth_simulateV1", req, s.block))
	var results [2][]simBlock
	for i, client := range []*rpc.Client{s.node, s.hyvm} {
		if err := client.CallContext(context.Background(), &results[i], "eth_simulateV1", req, s.block); err != nil {
			t.Fatalf("%s: %v", []string{"node", "hyvm"}[i], err)
		}
	}
	node, hyvm := results[0], results[1]
	if len(node) != 2 {
		t.Fatalf("the node simulated %d blocks", len(node))
	}
	for k := range node {
		a, b := fmt.Sprintf("%+v", hyvm[k]), fmt.Sprintf("%+v", node[k])
		if a != b {
			t.Errorf("block %d:\nhyvm %s\nnode %s", k, a, b)
		}
	}
	if got := node[1].Calls[2].Status; got != 0 {
		t.Errorf("the greedy swap did not fail on the node (status %d)", got)
	}
	if swap := node[0].Calls[1]; swap.Status != 1 || len(swap.Logs) == 0 {
		t.Errorf("the swap did not succeed with logs on the node: %+v", swap)
	}
	t.Logf("%+v", hyvm)

	// With traceTransfers: ether sent to an account, to a contract that
	// refuses it (the transfer's log dropped with the revert), and through
	// a creation, besides the swap's token transfers.
	value := (*hexutil.Big)(devchain.Ether(1))
	withValue := func(to *common.Address, data []byte) map[string]any {
		return callArgs(c.Sender, to, data, map[string]any{"value": value})
	}
	req = map[string]any{"traceTransfers": true, "blockStateCalls": []any{
		map[string]any{"calls": []any{
			withValue(&fresh, nil),
			withValue(&d.TokenA, nil),
			withValue(nil, common.FromHex("0x60006000f3")),
			call(d.Router, devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, deadline)),
		}},
	}}
	sameJSON(t, "eth_simulateV1 with traceTransfers", answer(s.hyvm, "eth_simulateV1", req, s.block), answer(s.node, "eth_simulateV1", req, s.block))
	for i, client := range []*rpc.Client{s.node, s.hyvm} {
		results[i] = nil
		if err := client.CallContext(context.Background(), &results[i], "eth_simulateV1", req, s.block); err != nil {
			t.Fatalf("traceTransfers: %s: %v", []string{"node", "hyvm"}[i], err)
		}
	}
	if a, b := fmt.Sprintf("%+v", results[1]), fmt.Sprintf("%+v", results[0]); a != b {
		t.Errorf("traceTransfers:\nhyvm %s\nnode %s", a, b)
	}
	// With validation (base fee, nonces, fees paid to an overridden fee
	// recipient), a beacon root, a prevrandao and withdrawals overridden;
	// an EIP-1559 call, a legacy one with a gas price, a creation.
	gwei := func(n int64) *hexutil.Big { return (*hexutil.Big)(new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9))) }
	// An EIP-7702 authority delegating to token A's code.
	authorityKey, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	chainID, err := c.Client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	auth, err := types.SignSetCode(authorityKey, types.SetCodeAuthorization{ChainID: *uint256.MustFromBig(chainID), Address: d.TokenA})
	if err != nil {
		t.Fatal(err)
	}
	authority := crypto.PubkeyToAddress(authorityKey.PublicKey)
	validated := map[string]any{"validation": true, "blockStateCalls": []any{
		map[string]any{"blockOverrides": map[string]any{"feeRecipient": common.HexToAddress("0xfee"), "prevRandao": common.HexToHash("0x1234"),
			"beaconRoot": common.HexToHash("0xbeac"), "withdrawals": []any{map[string]any{"index": "0x0", "validatorIndex": "0x7",
				"address": common.HexToAddress("0x7777"), "amount": "0x3b9aca00"}}},
			"calls": []any{
				callArgs(c.Sender, &d.TokenA, devchain.Pack(t, d.TokenABI, "transfer", fresh, devchain.Ether(2)), map[string]any{"maxFeePerGas": gwei(100), "maxPriorityFeePerGas": gwei(2)}),
				callArgs(c.Sender, &fresh, nil, map[string]any{"gasPrice": gwei(50), "value": value}),
				callArgs(c.Sender, nil, common.FromHex("0x600a600c600039600a6000f3602a60005260206000f3"), map[string]any{"maxFeePerGas": gwei(100)}),
				callArgs(c.Sender, &d.TokenA, devchain.Pack(t, d.TokenABI, "balanceOf", fresh), map[string]any{"gasPrice": gwei(60),
					"accessList": types.AccessList{{Address: d.TokenA, StorageKeys: []common.Hash{devchain.BalanceSlot(fresh)}}}}),
				callArgs(c.Sender, &d.TokenA, devchain.Pack(t, d.TokenABI, "balanceOf", fresh), map[string]any{"maxFeePerGas": gwei(100),
					"accessList": types.AccessList{{Address: d.TokenB, StorageKeys: []common.Hash{}}}}),
				callArgs(c.Sender, &authority, devchain.Pack(t, d.TokenABI, "balanceOf", fresh), map[string]any{"maxFeePerGas": gwei(100),
					"authorizationList": []types.SetCodeAuthorization{auth}}),
			}},
	}}
	// State overrides of every kind go into the state roots: a balance, a
	// nonce, code, slots changed, and a token's whole storage replaced.
	thousand := common.BigToHash(big.NewInt(1000))
	overridden := map[string]any{"blockStateCalls": []any{
		map[string]any{"stateOverrides": map[string]any{
			fresh.Hex():    map[string]any{"balance": (*hexutil.Big)(devchain.Ether(7)), "nonce": hexutil.Uint64(5)},
			d.TokenA.Hex(): map[string]any{"state": map[string]any{devchain.BalanceSlot(fresh).Hex(): thousand}},
			d.TokenB.Hex(): map[string]any{"stateDiff": map[string]any{devchain.BalanceSlot(fresh).Hex(): thousand}},
			"0x00000000000000000000000000000000000c0de5": map[string]any{"code": hexutil.Bytes(common.FromHex("0x4460005260206000f3"))}, // PREVRANDAO
		}, "calls": []any{
			call(d.TokenA, devchain.Pack(t, d.TokenABI, "balanceOf", fresh)),
			call(d.TokenA, devchain.Pack(t, d.TokenABI, "balanceOf", c.Sender)),
			call(common.HexToAddress("0xc0de5"), nil),
		}},
	}}
	// The identity precompile moved away (and its address given code), in
	// eth_simulateV1 and in eth_call.
	identity, movedTo := common.BytesToAddress([]byte{4}), common.HexToAddress("0x4444")
	moved := map[string]any{identity.Hex(): map[string]any{"movePrecompileToAddress": movedTo, "code": hexutil.Bytes(common.FromHex("0x602a60005260206000f3"))}}
	overridden["blockStateCalls"] = append(overridden["blockStateCalls"].([]any), map[string]any{"stateOverrides": moved, "calls": []any{
		call(movedTo, common.FromHex("0xdeadbeef")), call(identity, common.FromHex("0xdeadbeef")),
	}})
	for _, to := range []common.Address{movedTo, identity} {
		args := callArgs(c.Sender, &to, common.FromHex("0xdeadbeef"), nil)
		want := answer(s.node, "eth_call", args, s.block, moved)
		if strings.HasPrefix(want, "error") {
			t.Errorf("the node refused the moved precompile's call: %s", want)
		}
		sameJSON(t, "eth_call of a moved precompile", answer(s.hyvm, "eth_call", args, s.block, moved), want)
	}
	want := answer(s.node, "eth_simulateV1", overridden, s.block)
	if strings.HasPrefix(want, "error") {
		t.Errorf("the node refused the overrides: %s", want)
	}
	sameJSON(t, "eth_simulateV1 with state overrides", answer(s.hyvm, "eth_simulateV1", overridden, s.block), want)

	// Block numbers skipped (empty blocks filled in), and refused.
	gaps := map[string]any{"blockStateCalls": []any{
		map[string]any{"blockOverrides": map[string]any{"number": (*hexutil.Big)(new(big.Int).Add(head.Number, big.NewInt(3)))},
			"calls": []any{call(d.TokenA, devchain.Pack(t, d.TokenABI, "transfer", fresh, devchain.Ether(1)))}},
		map[string]any{"blockOverrides": map[string]any{"number": (*hexutil.Big)(new(big.Int).Add(head.Number, big.NewInt(5)))}, "calls": []any{}},
	}}
	want = answer(s.node, "eth_simulateV1", gaps, s.block)
	if strings.HasPrefix(want, "error") || strings.Count(want, `"stateRoot"`) != 5 {
		t.Errorf("the node did not simulate five blocks: %.300s", want)
	}
	sameJSON(t, "eth_simulateV1 with gaps", answer(s.hyvm, "eth_simulateV1", gaps, s.block), want)
	// Requests the node refuses: the same codes and messages.
	for name, bad := range map[string]map[string]any{
		"numbers out of order": {"blockStateCalls": []any{map[string]any{"blockOverrides": map[string]any{"number": (*hexutil.Big)(head.Number)}}}},
		"too many blocks":      {"blockStateCalls": []any{map[string]any{"blockOverrides": map[string]any{"number": (*hexutil.Big)(new(big.Int).Add(head.Number, big.NewInt(257)))}}}},
		"time out of order":    {"blockStateCalls": []any{map[string]any{"blockOverrides": map[string]any{"time": hexutil.Uint64(head.Time)}}}},
		"nonce too low": {"validation": true, "blockStateCalls": []any{map[string]any{"calls": []any{
			callArgs(c.Sender, &fresh, nil, map[string]any{"nonce": hexutil.Uint64(0), "maxFeePerGas": gwei(100)})}}}},
		"fee below the base fee": {"validation": true, "blockStateCalls": []any{map[string]any{"calls": []any{
			callArgs(c.Sender, &fresh, nil, map[string]any{"maxFeePerGas": hexutil.Big{}})}}}},
		"funds short": {"blockStateCalls": []any{map[string]any{"calls": []any{
			callArgs(fresh, &c.Sender, nil, map[string]any{"value": value})}}}},
	} {
		got, want := answer(s.hyvm, "eth_simulateV1", bad, s.block), answer(s.node, "eth_simulateV1", bad, s.block)
		if !strings.HasPrefix(want, "error: ") {
			t.Errorf("%s: the node did not refuse it: %.200s", name, want)
		}
		sameJSON(t, "eth_simulateV1, "+name, got, want)
	}
	want = answer(s.node, "eth_simulateV1", validated, s.block)
	if strings.HasPrefix(want, "error") {
		t.Errorf("the node refused the validated request: %s", want)
	}
	sameJSON(t, "eth_simulateV1 with validation and overrides", answer(s.hyvm, "eth_simulateV1", validated, s.block), want)
	delegated := callArgs(c.Sender, &authority, devchain.Pack(t, d.TokenABI, "balanceOf", fresh), map[string]any{"authorizationList": []types.SetCodeAuthorization{auth}})
	for _, method := range []string{"eth_call", "eth_estimateGas"} {
		want := answer(s.node, method, delegated, s.block)
		if strings.HasPrefix(want, "error") {
			t.Errorf("the node refused %s with an authorization: %s", method, want)
		}
		sameJSON(t, method+" with an authorization", answer(s.hyvm, method, delegated, s.block), want)
	}
	validated["returnFullTransactions"] = true
	full := answer(s.node, "eth_simulateV1", validated, s.block)
	if !strings.Contains(full, `"yParity"`) || !strings.Contains(full, `"type":"0x0"`) || !strings.Contains(full, `"type":"0x1"`) || !strings.Contains(full, `"type":"0x4"`) {
		t.Errorf("the node's full transactions lack a typed, a legacy, an access-list or a set-code one: %.300s", full)
	}
	sameJSON(t, "eth_simulateV1 with full transactions", answer(s.hyvm, "eth_simulateV1", validated, s.block), full)
	if calls := results[0][0].Calls; len(calls[0].Logs) != 1 || calls[0].Logs[0].Address != sim.EtherAddress || len(calls[1].Logs) != 0 || len(calls[2].Logs) != 1 {
		t.Errorf("the node's transfer logs: %+v", calls)
	}
}

// sameJSON requires hyvm's answer to be the node's byte for byte, and
// shows where they part.
func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		t.Logf("%s: %d bytes identical: %.160s", what, len(got), got)
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: differ from byte %d:\nhyvm …%.400s\nnode …%.400s", what, i, got[max(0, i-200):], want[max(0, i-200):])
}

// TestServerTraceCallMatchesNode sends debug_traceCall with go-ethereum's
// callTracer (with logs), prestateTracer (diff mode) and struct logger on
// a router swap to both and requires identical JSON.
func TestServerTraceCallMatchesNode(t *testing.T) {
	s := newServed(t)
	c, d := s.c, s.d
	if !c.Geth() {
		t.Skip("needs geth --dev (HYVM_GETH, as in CI): the in-process node serves no debug namespace")
	}
	head, err := c.Client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	swap := devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, new(big.Int).SetUint64(head.Time+3600))
	args := callArgs(c.Sender, &d.Router, swap, nil)
	for _, cfg := range []map[string]any{
		{"tracer": "callTracer", "tracerConfig": map[string]any{"withLog": true}},
		{"tracer": "prestateTracer", "tracerConfig": map[string]any{"diffMode": true}},
		{"tracer": "4byteTracer"},
		{"enableMemory": false, "disableStack": true},
	} {
		want, got := answer(s.node, "debug_traceCall", args, s.block, cfg), answer(s.hyvm, "debug_traceCall", args, s.block, cfg)
		if got != want {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%v: differ from byte %d:\nhyvm …%.300s\nnode …%.300s", cfg, i, got[max(0, i-200):], want[max(0, i-200):])
		} else {
			t.Logf("%v: %d bytes: %.100s", cfg, len(got), got)
		}
	}
}

// kindOf classifies an answer: data (a non-empty result), revert (an
// error with data), list (a non-empty access list), or other.
func kindOf(a string) string {
	switch {
	case strings.HasPrefix(a, "error:") && strings.Contains(a, "(code 3) data 0x"):
		return "revert"
	case strings.Contains(a, `"accessList":[{`):
		return "list"
	case strings.HasPrefix(a, `"0x`) && a != `"0x"` && strings.Trim(a, `"0x`) != "":
		return "data"
	}
	return "other"
}
