package devchain

import (
	"context"
	"math/big"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// startGeth runs "geth --dev" with its HTTP endpoint on port and moves
// funds from its developer account to the chain's sender.
func (c *Chain) startGeth(t testing.TB, geth string, port int, funds *big.Int) {
	t.Helper()
	cmd := exec.Command(geth, "--dev", "--dev.period", "0", "--datadir", t.TempDir(),
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(port), "--http.api", "eth,net,web3",
		"--port", "0", "--nodiscover", "--maxpeers", "0", "--authrpc.port", "0", "--ipcdisable", "--verbosity", "1")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", geth, err)
	}
	c.stop = func() { cmd.Process.Kill(); cmd.Wait() }
	ctx := context.Background()
	var client *rpc.Client
	var accounts []common.Address
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var err error
		if client, err = rpc.DialContext(ctx, c.URL); err == nil {
			if err = client.CallContext(ctx, &accounts, "eth_accounts"); err == nil && len(accounts) > 0 {
				break
			}
			client.Close()
		}
		if time.Now().After(deadline) {
			c.Stop()
			t.Fatalf("geth --dev did not answer on %s: %v", c.URL, err)
		}
	}
	defer client.Close()
	var version string
	if err := client.CallContext(ctx, &version, "web3_clientVersion"); err != nil || !strings.HasPrefix(version, "Geth/") {
		c.Stop()
		t.Fatalf("the node at %s is %q (%v), not geth", c.URL, version, err)
	}
	t.Logf("node: %s --dev on %s", version, c.URL)
	var hash common.Hash
	tx := map[string]any{"from": accounts[0], "to": c.Sender, "value": (*hexutil.Big)(funds)}
	if err := client.CallContext(ctx, &hash, "eth_sendTransaction", tx); err != nil {
		c.Stop()
		t.Fatalf("funding %v from the developer account: %v", c.Sender, err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var receipt map[string]any
		if err := client.CallContext(ctx, &receipt, "eth_getTransactionReceipt", hash); err == nil && receipt != nil {
			return
		}
		if time.Now().After(deadline) {
			c.Stop()
			t.Fatalf("the funding transaction %v was not mined", hash)
		}
	}
}
