package devchain

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// startGeth runs "geth --dev" with its HTTP endpoint on port, on a chain
// initialised from Genesis (so under Config's rules, Sender funded).
func (c *Chain) startGeth(t testing.TB, geth string, port int, funds *big.Int) {
	t.Helper()
	dir := t.TempDir()
	genesis, err := json.Marshal(Genesis(c.Sender, funds))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "genesis.json")
	if err := os.WriteFile(file, genesis, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(geth, "init", "--datadir", dir, file).CombinedOutput(); err != nil {
		t.Fatalf("geth init: %v\n%s", err, out)
	}
	cmd := exec.Command(geth, "--dev", "--dev.period", "0", "--datadir", dir,
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(port), "--http.api", "eth,net,web3,debug",
		"--port", "0", "--nodiscover", "--maxpeers", "0", "--authrpc.port", "0", "--ipcdisable", "--verbosity", "1")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", geth, err)
	}
	c.stop = func() { cmd.Process.Kill(); cmd.Wait() }
	ctx := context.Background()
	var client *rpc.Client
	var chainID hexutil.Big
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if client, err = rpc.DialContext(ctx, c.URL); err == nil {
			if err = client.CallContext(ctx, &chainID, "eth_chainId"); err == nil {
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
	if want := Config().ChainID; chainID.ToInt().Cmp(want) != 0 {
		c.Stop()
		t.Fatalf("the node at %s runs chain %v, not the genesis' %v", c.URL, chainID.ToInt(), want)
	}
	t.Logf("node: %s --dev on %s", version, c.URL)
}
