package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hyvm/hyvm/internal/devchain"
)

// TestLoad runs hyvmc load, bounded, against hyvmc serve's server on a
// fork of a node: every request counted and answered, per client count; a
// request that fails fails the run; bad flags are usage errors.
func TestLoad(t *testing.T) {
	c := devchain.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(ctx, t, c.URL, c.Head.Number.Uint64())
	defer func() {
		cancel()
		<-done
	}()
	url := "http://" + addr
	dir := t.TempDir()
	write := func(name, method string, params ...any) string {
		b, err := json.Marshal(map[string]any{"method": method, "params": params})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	balanceOf := write("balanceOf.json", "eth_call", map[string]any{"from": c.Sender, "to": c.Token, "input": hexutil.Bytes(c.Pack(t, "balanceOf", c.Sender))}, "latest")
	status, stdout, stderr := hyvmc(t, "load", "--url", url, "--requests", "40", "--clients", "1,4", "--json", balanceOf)
	if status != exitOK {
		t.Fatalf("exit %d: %s", status, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d result lines: %q", len(lines), stdout)
	}
	for i, l := range lines {
		var r loadResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Clients != []int{1, 4}[i] || r.Requests != 40 || r.Errors != 0 || r.PerSecond <= 0 || r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 {
			t.Errorf("result %+v", r)
		}
	}
	t.Logf("%s", stdout)
	// A transfer of more than the sender has reverts: every request fails.
	reverting := write("revert.json", "eth_call", map[string]any{"from": c.Sender, "to": c.Token, "input": hexutil.Bytes(c.Pack(t, "transfer", c.Token, devchain.Ether(1_000_000_000)))}, "latest")
	if status, _, stderr := hyvmc(t, "load", "--url", url, "--requests", "5", "--clients", "1", reverting); status != exitFailed || !strings.Contains(stderr, "requests failed") {
		t.Errorf("a reverting request: exit %d, %q", status, stderr)
	}
	status, stdout, stderr = hyvmc(t, "load", "--url", url, "--requests", "5", "--clients", "2", "--json", "--allow-errors", reverting)
	var r loadResult
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &r); status != exitOK || err != nil || r.Errors != 5 || r.Requests != 5 {
		t.Errorf("a reverting request allowed: exit %d, %+v (%v), %q", status, r, err, stderr)
	}
	if status, _, stderr := hyvmc(t, "load", "--url", "http://127.0.0.1:1", "--requests", "1", balanceOf); status != exitFailed {
		t.Errorf("no endpoint: exit %d, %q", status, stderr)
	}
	for _, args := range [][]string{{"load"}, {"load", "--url", url}, {"load", "--url", url, "--clients", "0", balanceOf}, {"load", "--url", url, filepath.Join(dir, "none.json")}} {
		if status, _, stderr := hyvmc(t, args...); status != exitUsage {
			t.Errorf("%q: exit %d, %q", args, status, stderr)
		}
	}
}
