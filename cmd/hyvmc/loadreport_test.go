package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hyvm/hyvm/internal/devchain"
)

// loadRequests is how many requests TestLoadAgainstNode sends per request
// and client count: few in CI, more for the README's figures
// (go test ./cmd/hyvmc -run TestLoadAgainstNode -v -load.requests 5000).
var loadRequests = flag.Int("load.requests", 200, "TestLoadAgainstNode: requests per request and client count")

// TestMain lets a test run this test binary as hyvmc itself
// (HYVMC_AS_MAIN=1): the server and the load generator of
// TestLoadAgainstNode are processes of their own.
func TestMain(m *testing.M) {
	if os.Getenv("HYVMC_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// hyvmcProcess returns hyvmc with args as a process of its own.
func hyvmcProcess(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "HYVMC_AS_MAIN=1")
	return cmd
}

// TestLoadAgainstNode runs hyvmc serve forking a node with the testdata
// exchange, and hyvmc load from another process against it and against
// the node itself: eth_call of an ERC-20 transfer and of a two-hop router
// swap at 1, 8 and 64 concurrent clients over loopback. Every request must
// succeed on both; the figures are logged (the README's come from a run
// with -load.requests 5000 against geth --dev).
func TestLoadAgainstNode(t *testing.T) {
	c := devchain.New(t)
	d := c.DeployDEX(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	server := hyvmcProcess(ctx, "serve", "--fork-url", c.URL, "--addr", "127.0.0.1:0")
	stderr, err := server.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		server.Wait()
	}()
	lines := bufio.NewScanner(stderr)
	url := ""
	for url == "" && lines.Scan() {
		if _, rest, ok := strings.Cut(lines.Text(), " on http://"); ok {
			url = "http://" + strings.Fields(rest)[0]
		}
	}
	if url == "" {
		t.Fatal("hyvmc serve did not say where it listens")
	}
	go io.Copy(io.Discard, stderr) // its request log: a full pipe would stop it
	head, err := c.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, to common.Address, data []byte) string {
		b, err := json.Marshal(map[string]any{"method": "eth_call", "params": []any{
			map[string]any{"from": c.Sender, "to": to, "input": hexutil.Bytes(data)}, hexutil.EncodeBig(head.Number)}})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	files := []string{
		write("erc20_transfer", d.TokenA, devchain.Pack(t, d.TokenABI, "transfer", common.HexToAddress("0xf2e5"), devchain.Ether(5))),
		write("router_swap", d.Router, devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), big.NewInt(1), path, c.Sender, new(big.Int).SetUint64(head.Time+3600))),
	}
	results := map[string][]loadResult{}
	for _, target := range []struct{ name, url string }{{"hyvm", url}, {"node", c.URL}} {
		args := append([]string{"load", "--url", target.url, "--json", "--clients", "1,8,64", "--requests", fmt.Sprint(*loadRequests), "--duration", "60s"}, files...)
		out, err := hyvmcProcess(ctx, args...).Output()
		if err != nil {
			t.Fatalf("hyvmc load against %s: %v\n%s", target.name, err, out)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			var r loadResult
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("%s: %q: %v", target.name, l, err)
			}
			if r.Errors > 0 || r.Requests == 0 {
				t.Errorf("%s: %+v", target.name, r)
			}
			results[target.name] = append(results[target.name], r)
		}
	}
	node := "in-process node"
	if c.Geth() {
		node = "geth --dev"
	}
	t.Logf("eth_call, %d requests per row, hyvm vs %s:", *loadRequests, node)
	for i, h := range results["hyvm"] {
		n := results["node"][i]
		t.Logf("| %s | %d | %.0f/s | %.2f / %.2f ms | %.0f/s | %.2f / %.2f ms | %.1f× |", filepath.Base(h.Request), h.Clients,
			h.PerSecond, h.P50, h.P99, n.PerSecond, n.P50, n.P99, h.PerSecond/n.PerSecond)
	}
}
