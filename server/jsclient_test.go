package server_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hyvm/hyvm/internal/devchain"
)

// TestViemMatchesNode runs a JavaScript client from npm (viem, pinned in
// jsclient/package.json) with the machine's Node.js against the node and
// against hyvm serving a fork of it: call, estimateGas, createAccessList
// on token reads, transfers, swaps that succeed and revert and an ether
// transfer, and simulateBlocks (eth_simulateV1) of two blocks, whole
// (headers, hashes, roots, transactions, calls, logs), and requires the
// same output from both. jsclient's packages are installed
// (npm ci) when missing.
func TestViemMatchesNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("Node.js (node, npm) is needed for the JavaScript client's test")
	}
	dir, err := filepath.Abs("jsclient")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "viem")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}
	s := newServed(t)
	c, d := s.c, s.d
	head, err := c.Client.HeaderByNumber(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := []common.Address{d.TokenA, d.TokenB, d.TokenC}
	deadline := new(big.Int).SetUint64(head.Time + 3600)
	fresh := common.HexToAddress("0xf2e5")
	type call struct {
		Name  string         `json:"name,omitempty"`
		From  common.Address `json:"from"`
		To    common.Address `json:"to"`
		Data  hexutil.Bytes  `json:"data"`
		Value string         `json:"value,omitempty"`
	}
	swap := func(min *big.Int) []byte {
		return devchain.Pack(t, d.RouterABI, "swapExactTokensForTokens", devchain.Ether(1000), min, path, c.Sender, deadline)
	}
	spec := map[string]any{
		"block": s.block,
		"calls": []call{
			{"balanceOf", c.Sender, d.TokenA, devchain.Pack(t, d.TokenABI, "balanceOf", c.Sender), ""},
			{"transfer", c.Sender, d.TokenA, devchain.Pack(t, d.TokenABI, "transfer", fresh, devchain.Ether(5)), ""},
			{"router swap", c.Sender, d.Router, swap(big.NewInt(1)), ""},
			{"router swap under its bound", c.Sender, d.Router, swap(devchain.Ether(1_000_000_000)), ""},
			{"ether transfer", c.Sender, fresh, nil, "1000000000000000000"},
		},
		"simulate": [][]call{
			{{From: c.Sender, To: d.TokenA, Data: devchain.Pack(t, d.TokenABI, "transfer", fresh, devchain.Ether(5))}, {From: c.Sender, To: d.Router, Data: swap(big.NewInt(1))}},
			{{From: c.Sender, To: d.TokenA, Data: devchain.Pack(t, d.TokenABI, "balanceOf", fresh)}, {From: c.Sender, To: d.Router, Data: swap(devchain.Ether(1_000_000_000))}},
		},
	}
	specFile := filepath.Join(t.TempDir(), "spec.json")
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(specFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(url string) []byte {
		cmd := exec.Command("node", filepath.Join(dir, "compare.mjs"), url, specFile)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node compare.mjs %s: %v\n%s", url, err, stderr.String())
		}
		return out
	}
	want, got := run(c.URL), run(s.url)
	if !bytes.Equal(got, want) {
		t.Fatalf("viem's results differ:\nhyvm %s\nnode %s", got, want)
	}
	if !bytes.Contains(want, []byte(`"error"`)) || !bytes.Contains(want, []byte(`"gasUsed"`)) || !bytes.Contains(want, []byte(`"stateRoot"`)) {
		t.Fatalf("the node's results lack a failure, a gas figure or a block's state root: %s", want)
	}
	t.Logf("%d bytes of identical results: %s", len(got), got)
}
