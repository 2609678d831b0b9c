package main

import (
	"context"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hyvm/hyvm/internal/devchain"
)

// TestRunFork runs the token's deployed code through "hyvmc run
// --fork-url" against a go-ethereum node over loopback: the output is the
// node's own eth_call output at the same block, also after the chain has
// moved on, and a second run with --fork-cache needs no endpoint at all.
func TestRunFork(t *testing.T) {
	c := devchain.New(t)
	block := c.Head.Number.Uint64()
	recipient := common.HexToAddress("0xc0ffee")
	c.Send(t, &c.Token, c.Pack(t, "transfer", recipient, big.NewInt(5))) // after the forked block
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		input []byte
	}{
		{"balanceOf", c.Pack(t, "balanceOf", c.Sender)},
		{"transfer", c.Pack(t, "transfer", recipient, big.NewInt(9))},
		{"transfer too much", c.Pack(t, "transfer", recipient, big.NewInt(5_000_000))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, callErr := c.Client.CallContract(context.Background(),
				ethereum.CallMsg{From: c.Sender, To: &c.Token, Data: tt.input}, new(big.Int).SetUint64(block))
			args := []string{"run", "--mode", "evm", "--json", "--fork-url", c.URL, "--fork-block", strconv.FormatUint(block, 10),
				"--fork-cache", dir, "--sender", c.Sender.Hex(), "--receiver", c.Token.Hex(), "--input", hexutil.Encode(tt.input)}
			_, stdout, stderr := hyvmc(t, args...)
			var got jsonResult
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("%v: %s %s", err, stdout, stderr)
			}
			if (callErr == nil) != (got.Status == statusSuccess) || (callErr == nil && hexutil.Encode(got.Output) != hexutil.Encode(want)) {
				t.Fatalf("hyvmc: %+v; the node's eth_call: %x, %v", got, want, callErr)
			}
		})
	}
	// Everything was read: the cache answers with the node stopped.
	c.Stop()
	_, stdout, stderr := hyvmc(t, "run", "--mode", "evm", "--fork-url", c.URL, "--fork-block", strconv.FormatUint(block, 10),
		"--fork-cache", dir, "--sender", c.Sender.Hex(), "--receiver", c.Token.Hex(), "--input", hexutil.Encode(c.Pack(t, "balanceOf", c.Sender)))
	if !strings.Contains(stdout, "status: success") || !strings.Contains(stdout, "f4240") {
		t.Fatalf("from the disk cache with the node gone: %s %s", stdout, stderr)
	}
}
