package main

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/gethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hyvm/hyvm/internal/devchain"
)

// TestServeGoClients sends the simulation requests through go-ethereum's
// own clients — ethclient's CallContract, EstimateGas and SimulateV1,
// gethclient's CreateAccessList — to hyvmc serve forking a node and to
// the node, and requires the same results (errors included): token
// reads, a transfer, one exceeding the balance, an ether transfer, and a
// simulation of two blocks with validation.
func TestServeGoClients(t *testing.T) {
	c := devchain.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, _ := startServe(ctx, t, c.URL, c.Head.Number.Uint64())
	hyvmRPC, err := rpc.DialContext(ctx, "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	defer hyvmRPC.Close()
	fresh := common.HexToAddress("0xf2e5")
	msgs := map[string]ethereum.CallMsg{
		"balanceOf":      {From: c.Sender, To: &c.Token, Data: c.Pack(t, "balanceOf", c.Sender)},
		"transfer":       {From: c.Sender, To: &c.Token, Data: c.Pack(t, "transfer", fresh, big.NewInt(1000))},
		"transfer short": {From: fresh, To: &c.Token, Data: c.Pack(t, "transfer", c.Sender, big.NewInt(1000))},
		"ether transfer": {From: c.Sender, To: &fresh, Value: devchain.Ether(1)},
	}
	clients := map[string]*rpc.Client{"node": c.Client.Client(), "hyvm": hyvmRPC}
	answers := func(do func(e *ethclient.Client, g *gethclient.Client) (any, error)) map[string]string {
		out := map[string]string{}
		for name, rc := range clients {
			v, err := do(ethclient.NewClient(rc), gethclient.New(rc))
			if err != nil {
				out[name] = "error: " + err.Error()
				continue
			}
			b, _ := json.Marshal(v)
			out[name] = string(b)
		}
		return out
	}
	compare := func(what string, a map[string]string) {
		t.Helper()
		if a["hyvm"] != a["node"] {
			t.Errorf("%s:\nhyvm %s\nnode %s", what, a["hyvm"], a["node"])
		} else {
			t.Logf("%s: %.140s", what, a["node"])
		}
	}
	at := c.Head.Number
	failures := 0
	for name, msg := range msgs {
		call := answers(func(e *ethclient.Client, _ *gethclient.Client) (any, error) { return e.CallContract(ctx, msg, at) })
		compare(name+": CallContract", call)
		compare(name+": EstimateGas", answers(func(e *ethclient.Client, _ *gethclient.Client) (any, error) {
			return e.EstimateGasAtBlock(ctx, msg, at)
		}))
		compare(name+": CreateAccessList", answers(func(_ *ethclient.Client, g *gethclient.Client) (any, error) {
			list, gas, vmErr, err := g.CreateAccessList(ctx, msg)
			return []any{list, gas, vmErr}, err
		}))
		if strings.HasPrefix(call["node"], "error:") {
			failures++
		}
	}
	if failures == 0 || failures == len(msgs) {
		t.Errorf("%d of %d calls failed on the node: the failing or the succeeding paths went untested", failures, len(msgs))
	}
	block := rpc.BlockNumberOrHashWithNumber(rpc.BlockNumber(at.Int64()))
	opts := ethclient.SimulateOptions{Validation: true, BlockStateCalls: []ethclient.SimulateBlock{
		{Calls: []ethereum.CallMsg{withFees(msgs["transfer"]), withFees(msgs["ether transfer"])}},
		{Calls: []ethereum.CallMsg{withFees(msgs["balanceOf"])}},
	}}
	sim := answers(func(e *ethclient.Client, _ *gethclient.Client) (any, error) { return e.SimulateV1(ctx, opts, &block) })
	compare("SimulateV1", sim)
	if strings.HasPrefix(sim["node"], "error:") {
		t.Errorf("the node did not simulate: %s", sim["node"])
	}
}

// withFees gives msg fees a validated simulation accepts.
func withFees(msg ethereum.CallMsg) ethereum.CallMsg {
	msg.GasFeeCap, msg.GasTipCap = big.NewInt(100e9), big.NewInt(1e9)
	return msg
}
