package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/server"
)

// TestServerBadRequests sends what a public endpoint meets (malformed
// JSON, wrong parameter types, unknown methods, a batch and a body over
// the limits, a block not served, endless loops with and without gas above
// the cap, a failing override) and requires a JSON-RPC error (or HTTP 413)
// for each, within the time limit, and the server still answering after.
func TestServerBadRequests(t *testing.T) {
	const timeout = 300 * time.Millisecond
	c := devchain.New(t)
	ctx := context.Background()
	s := newServedOn(t, c, server.Config{GasCap: 1 << 40, Timeout: timeout, MaxBatch: 5, MaxRequestBytes: 4096})
	post := func(body string) (int, string, time.Duration) {
		start := time.Now()
		resp, err := http.Post(s.url, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), time.Since(start)
	}
	loop := `{"0x000000000000000000000000000000000000c0de":{"code":"0x5b600056"}}` // JUMPDEST; JUMP(0): forever
	call := func(id int, args string, extra ...string) string {
		params := append([]string{args, `"latest"`}, extra...)
		return `{"jsonrpc":"2.0","id":` + strings.Repeat("1", id) + `,"method":"eth_call","params":[` + strings.Join(params, ",") + `]}`
	}
	to := `{"from":"0x0000000000000000000000000000000000000001","to":"0x000000000000000000000000000000000000c0de"`
	cases := []struct {
		name, body string
		code       int    // the JSON-RPC error code; 0: an HTTP status instead
		status     int    // the HTTP status wanted when code is 0
		contains   string // in the error's message
	}{
		{"malformed JSON", `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[`, -32700, 0, ""},
		{"wrong types", `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[5, true]}`, -32602, 0, ""},
		{"unknown method", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x00"]}`, -32601, 0, ""},
		{"batch over the limit", "[" + strings.Repeat(`{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},`, 5) + `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}]`, -32600, 0, "batch too large"},
		{"body over the limit", call(1, to+`,"input":"0x`+strings.Repeat("00", 4096)+`"}`), 0, http.StatusRequestEntityTooLarge, ""},
		{"another block", call(1, to+"}") + "", -32000, 0, ""},
		{"endless loop", call(1, to+"}", loop), -32000, 0, "execution aborted (timeout = 300ms)"},
		{"endless loop, gas above the cap", call(1, to+`,"gas":"0xffffffffffffff"}`, loop), -32000, 0, "execution aborted"},
		{"bad override", call(1, to+"}", `{"0x000000000000000000000000000000000000c0de":{"state":{},"stateDiff":{}}}`), -32000, 0, ""},
	}
	cases[5].body = strings.Replace(call(1, to+"}"), `"latest"`, `"0x1"`, 1)
	for _, tc := range cases {
		status, body, took := post(tc.body)
		if took > timeout+2*time.Second {
			t.Errorf("%s: answered after %v", tc.name, took)
		}
		if tc.code == 0 {
			if status != tc.status {
				t.Errorf("%s: HTTP %d, want %d: %.200s", tc.name, status, tc.status, body)
			}
			continue
		}
		var resp struct {
			Error *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		raw := bytes.TrimSpace([]byte(body))
		if bytes.HasPrefix(raw, []byte("[")) { // a batch refused whole: one error in an array
			var batch []json.RawMessage
			if err := json.Unmarshal(raw, &batch); err == nil && len(batch) == 1 {
				raw = batch[0]
			}
		}
		if err := json.Unmarshal(raw, &resp); err != nil || resp.Error == nil {
			t.Errorf("%s: HTTP %d, not a JSON-RPC error: %.300s", tc.name, status, body)
			continue
		}
		if resp.Error.Code != tc.code || !strings.Contains(resp.Error.Message, tc.contains) {
			t.Errorf("%s: error %d %q, want %d containing %q", tc.name, resp.Error.Code, resp.Error.Message, tc.code, tc.contains)
		}
		t.Logf("%s: %d %s (%v)", tc.name, resp.Error.Code, resp.Error.Message, took.Round(time.Millisecond))
	}
	// Still serving.
	client := s.hyvm
	var id hexutil.Big
	if err := client.CallContext(ctx, &id, "eth_chainId"); err != nil {
		t.Fatalf("after the bad requests: %v", err)
	}
}

// TestServerObserves checks the request log (method, duration, gas,
// error) and the Prometheus counters at /metrics after a few requests.
func TestServerObserves(t *testing.T) {
	var logs bytes.Buffer
	c := devchain.New(t)
	ctx := context.Background()
	s := newServedOn(t, c, server.Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	client := s.hyvm
	call := map[string]any{"from": c.Sender, "to": c.Token, "input": hexutil.Bytes(c.Pack(t, "balanceOf", c.Sender))}
	for range 3 {
		var out hexutil.Bytes
		if err := client.CallContext(ctx, &out, "eth_call", call, "latest"); err != nil {
			t.Fatal(err)
		}
	}
	var out hexutil.Bytes
	if err := client.CallContext(ctx, &out, "eth_call", call, "0x1"); err == nil {
		t.Fatal("a call on another block succeeded")
	}
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`hyvm_rpc_requests_total{method="eth_call",outcome="ok"} 3`, `hyvm_rpc_requests_total{method="eth_call",outcome="error"} 1`,
		`# TYPE hyvm_rpc_gas_total counter`, `hyvm_rpc_request_seconds_total{method="eth_call"}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d log lines: %s", len(lines), logs.String())
	}
	var first struct {
		Msg, Method string
		Duration    int64
		Gas         uint64
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.Method != "eth_call" || first.Gas == 0 || first.Duration <= 0 {
		t.Errorf("log line %s (%v)", lines[0], err)
	}
	if !strings.Contains(lines[3], `"error":"hyvm serves the state of block`) {
		t.Errorf("the failed request's line: %s", lines[3])
	}
}

// TestServerWebSocketsTakeNoSlot opens more WebSocket connections than
// the server serves requests at once and requires HTTP requests still to
// be answered: a long-lived connection must not hold a slot.
func TestServerWebSocketsTakeNoSlot(t *testing.T) {
	c := devchain.New(t)
	ctx := context.Background()
	s := newServedOn(t, c, server.Config{MaxConcurrent: 1})
	for i := range 3 {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ws, err := rpc.DialContext(dctx, "ws"+strings.TrimPrefix(s.url, "http"))
		if err != nil {
			t.Fatalf("WebSocket connection %d: %v", i, err)
		}
		defer ws.Close()
		var id hexutil.Big
		if err := ws.CallContext(dctx, &id, "eth_chainId"); err != nil {
			t.Fatalf("WebSocket connection %d: %v", i, err)
		}
	}
	hc := s.hyvm
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var n hexutil.Uint64
	if err := hc.CallContext(tctx, &n, "eth_blockNumber"); err != nil {
		t.Fatalf("HTTP with WebSocket connections open: %v", err)
	}
}
