package main

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/hyvm/hyvm/internal/devchain"
)

// TestServe runs hyvmc serve's server on a fork of a node, as a client
// would use it: go-ethereum's ethclient over HTTP and WebSocket gets the
// node's chain ID, balances, code and the token's balanceOf from it; it
// stops when its context ends. Bad flags are usage errors.
func TestServe(t *testing.T) {
	c := devchain.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(ctx, t, c.URL, c.Head.Number.Uint64())
	balanceOf := c.Pack(t, "balanceOf", c.Sender)
	for _, url := range []string{"http://" + addr, "ws://" + addr} {
		hyvm, err := ethclient.Dial(url)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			name string
			get  func(*ethclient.Client) (any, error)
		}{
			{"chain ID", func(e *ethclient.Client) (any, error) { return e.ChainID(ctx) }},
			{"balance", func(e *ethclient.Client) (any, error) { return e.BalanceAt(ctx, c.Sender, c.Head.Number) }},
			{"nonce", func(e *ethclient.Client) (any, error) { return e.NonceAt(ctx, c.Sender, c.Head.Number) }},
			{"code", func(e *ethclient.Client) (any, error) { return e.CodeAt(ctx, c.Token, c.Head.Number) }},
			{"balanceOf", func(e *ethclient.Client) (any, error) {
				return e.CallContract(ctx, ethereum.CallMsg{From: c.Sender, To: &c.Token, Data: balanceOf}, c.Head.Number)
			}},
		} {
			got, err := q.get(hyvm)
			if err != nil {
				t.Fatalf("%s %s: %v", url, q.name, err)
			}
			want, err := q.get(c.Client)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := stringOf(got), stringOf(want); g != w {
				t.Errorf("%s %s: %s, the node says %s", url, q.name, g, w)
			}
		}
		hyvm.Close()
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	for _, args := range [][]string{{"serve"}, {"serve", "--fork-url", c.URL, "extra"}, {"serve", "--fork-url", c.URL, "--fork", "Frontier"}} {
		if status, _, stderr := hyvmc(t, args...); status != exitUsage || !strings.Contains(stderr, "hyvmc serve") {
			t.Errorf("%q: exit %d, %q", args, status, stderr)
		}
	}
	if status, _, stderr := hyvmc(t, "serve", "--fork-url", "http://127.0.0.1:1"); status != exitFailed {
		t.Errorf("an endpoint that is not there: exit %d, %q", status, stderr)
	}
}

// stringOf prints a query's answer.
func stringOf(v any) string {
	if b, ok := v.(*big.Int); ok {
		return b.String()
	}
	return fmt.Sprintf("%x", v)
}

// startServe runs serve on a fork of the node at url at block, on a free loopback
// port, until ctx ends: it returns the address and where serve's outcome
// arrives.
func startServe(ctx context.Context, t *testing.T, url string, block uint64) (string, <-chan error) {
	t.Helper()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	o := &serveOptions{addr: "127.0.0.1:0", forkURL: url}
	// The block the test read its expectations at: geth --dev may seal
	// another in the meantime (seen once in CI: block 4 served, 3 asked).
	o.fork.Block = block
	go func() {
		done <- serve(ctx, o, func(addr string, _ uint64) { ready <- addr })
	}()
	select {
	case addr := <-ready:
		return addr, done
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil
}
