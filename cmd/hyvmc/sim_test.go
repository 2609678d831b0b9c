package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/internal/devchain"
)

// TestSimFork runs an eth_simulateV1 request file through "hyvmc sim
// --fork-url" and sends the same request to the node: every call has the
// same status, return or revert data and logs.
func TestSimFork(t *testing.T) {
	c := devchain.New(t)
	stranger, recipient := common.HexToAddress("0x5742a9e4"), common.HexToAddress("0xbeef")
	pack := func(method string, args ...any) hexutil.Bytes { return c.Pack(t, method, args...) }
	req := map[string]any{"validation": false, "blockStateCalls": []map[string]any{{
		"blockOverrides": map[string]any{"number": hexutil.EncodeBig(new(big.Int).Add(c.Head.Number, big.NewInt(1))),
			"time": hexutil.Uint64(c.Head.Time + 12), "gasLimit": hexutil.Uint64(c.Head.GasLimit), "feeRecipient": c.Head.Coinbase,
			"prevRandao": common.HexToHash("0x77"), "baseFeePerGas": "0x0"},
		"stateOverrides": map[common.Address]any{c.Token: map[string]any{"stateDiff": map[common.Hash]common.Hash{
			devchain.BalanceSlot(stranger): common.BigToHash(big.NewInt(777))}}},
		"calls": []map[string]any{
			{"from": stranger, "to": c.Token, "input": pack("transfer", recipient, big.NewInt(700)), "gas": "0x30d40"},
			{"from": recipient, "to": c.Token, "input": pack("transfer", stranger, big.NewInt(100)), "gas": "0x30d40"},
			{"from": stranger, "to": c.Token, "input": pack("transfer", recipient, big.NewInt(10_000)), "gas": "0x30d40"},
			{"from": stranger, "to": c.Token, "input": pack("balanceOf", recipient), "gas": "0x30d40"},
		},
	}}}
	file := filepath.Join(t.TempDir(), "request.json")
	data, _ := json.Marshal(req)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := hyvmc(t, "sim", "--fork-url", c.URL, "--fork-block", strconv.FormatUint(c.Head.Number.Uint64(), 10), file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type result []struct {
		Calls []struct {
			ReturnData hexutil.Bytes
			Status     hexutil.Uint64
			Logs       []*types.Log
			Error      *struct{ Data hexutil.Bytes }
		}
	}
	var got, want result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	client, err := rpc.DialContext(context.Background(), c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.CallContext(context.Background(), &want, "eth_simulateV1", req, hexutil.EncodeBig(c.Head.Number)); err != nil {
		t.Fatal(err)
	}
	render := func(r result) string {
		s := ""
		for _, call := range r[0].Calls {
			var data hexutil.Bytes
			if call.Error != nil {
				data = call.Error.Data
			}
			s += fmt.Sprintf("status %d return %x error data %x logs", call.Status, []byte(call.ReturnData), []byte(data))
			for _, l := range call.Logs {
				s += fmt.Sprintf(" [%v %v %x]", l.Address, l.Topics, l.Data)
			}
			s += "\n"
		}
		return s
	}
	if len(got) != 1 || len(want) != 1 || render(got) != render(want) {
		t.Fatalf("hyvmc sim:\n%s\neth_simulateV1:\n%s", stdout, render(want))
	}
	// And whole: the block as the node builds it, header and state root
	// included.
	var raw json.RawMessage
	if err := client.CallContext(context.Background(), &raw, "eth_simulateV1", req, hexutil.EncodeBig(c.Head.Number)); err != nil {
		t.Fatal(err)
	}
	canonical := func(b []byte) string {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		out, _ := json.Marshal(v)
		return string(out)
	}
	if a, b := canonical([]byte(stdout)), canonical(raw); a != b || !strings.Contains(b, `"stateRoot"`) {
		t.Fatalf("hyvmc sim's blocks differ from the node's:\nhyvmc %s\nnode  %s", a, b)
	}
}

// TestSimBadRequest runs malformed or unsupported request files: each is
// one line on standard error, a non-zero exit and nothing on standard
// output.
func TestSimBadRequest(t *testing.T) {
	dir := t.TempDir()
	call := `"calls": [{"from": "0x0000000000000000000000000000000000000001", "to": "0x0000000000000000000000000000000000000002"}]`
	for i, req := range []string{
		`{"blockStateCalls": [{"stateOverrides": {"0xzz": {}}, ` + call + `}]}`,
		`{"blockStateCalls": [{"stateOverrides": {"0x0000000000000000000000000000000000000002": {"balance": "a lot"}}, ` + call + `}]}`,
		`{"blockStateCalls": [{"stateOverrides": {"0x0000000000000000000000000000000000000002": {"state": {}, "stateDiff": {}}}, ` + call + `}]}`,
		`{"blockStateCalls": [{"stateOverrides": {"0x0000000000000000000000000000000000000002": {"stateDiff": {"0x01": "0x02"}}}, ` + call + `}]}`,
		`{"blockStateCalls": [{"blockOverrides": {"number": "-1"}, ` + call + `}]}`,
		`{"blockStateCalls": [{"blockOverrides": {"withdrawals": []}, ` + call + `}]}`,
		`{"blockStateCalls": []}`,
		`[1, 2`,
	} {
		file := filepath.Join(dir, fmt.Sprintf("req%d.json", i))
		if err := os.WriteFile(file, []byte(req), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := hyvmc(t, "sim", file)
		if code == exitOK || stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "sim") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", req, code, stdout, stderr)
		}
		t.Logf("%d: %s", code, strings.TrimSpace(stderr))
	}
}
