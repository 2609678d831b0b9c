package sim_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/sim"
)

// TestSimulateBlocks runs three blocks through sim.Simulate and the node's
// eth_simulateV1: tokens given by an override move to a recipient in the
// first block and partly back in the second, a clock (code returning
// NUMBER and TIMESTAMP) is read in each, the third block's time is
// overridden and a new override replaces the clock's code there. Every
// call's status, return data, gas and logs must be the node's (planted:
// blocks not numbered after one another, or state not carried between
// blocks, fail it).
func TestSimulateBlocks(t *testing.T) {
	c := devchain.New(t)
	cache := openFork(t, c, c.Head.Number.Uint64())
	stranger, recipient, clock := common.HexToAddress("0x5742a9e4"), common.HexToAddress("0xbeef"), common.HexToAddress("0xc10c")
	// NUMBER, TIMESTAMP and PREVRANDAO (zero in a simulated block unless
	// overridden), three words.
	clockCode := hexutil.Bytes(common.FromHex("43600052" + "42602052" + "44604052" + "60606000f3"))
	laterClock := hexutil.Bytes(common.FromHex("42600052" + "60206000f3")) // TIMESTAMP only
	later := hexutil.Uint64(c.Head.Time + 1000)
	read := sim.Call{From: stranger, To: &clock, Gas: 100_000}
	bundles := []sim.Bundle{
		{
			StateOverrides: sim.StateOverride{
				c.Token: {StateDiff: map[common.Hash]common.Hash{devchain.BalanceSlot(stranger): common.BigToHash(big.NewInt(1000))}},
				clock:   {Code: &clockCode},
			},
			Calls: []sim.Call{{From: stranger, To: &c.Token, Data: c.Pack(t, "transfer", recipient, big.NewInt(600)), Gas: 200_000}, read},
		},
		{Calls: []sim.Call{{From: recipient, To: &c.Token, Data: c.Pack(t, "transfer", stranger, big.NewInt(250)), Gas: 200_000}, read}},
		{
			BlockOverrides: &sim.BlockOverrides{Time: &later},
			StateOverrides: sim.StateOverride{clock: {Code: &laterClock}},
			Calls:          []sim.Call{read, {From: stranger, To: &c.Token, Data: c.Pack(t, "balanceOf", stranger), Gas: 100_000}},
		},
	}
	got := simulateLikeNode(t, c, cache, bundles, false)
	t.Logf("clock in block 0: %x", got[0][1].ReturnData)
}

// TestSimulateValidation runs two blocks with validation through
// sim.Simulate and the node's eth_simulateV1: the test key's transfers
// with fee caps and tips (nonces from the state), and a contract returning
// BASEFEE and the sender's balance, in each block, so the base fee EIP-1559
// sets after each block and the fees paid are compared too (planted: the
// parent's base fee kept, or fees not charged, fail it).
func TestSimulateValidation(t *testing.T) {
	c := devchain.New(t)
	cache := openFork(t, c, c.Head.Number.Uint64())
	reader := common.HexToAddress("0xba5e")
	// BASEFEE, then BALANCE(CALLER): two words.
	code := hexutil.Bytes(common.FromHex("48600052" + "3331602052" + "60406000f3"))
	feeCap, tip := uint256.NewInt(100e9), uint256.NewInt(1e9)
	transfer := func(n int64) sim.Call {
		return sim.Call{From: c.Sender, To: &c.Token, Data: c.Pack(t, "transfer", common.HexToAddress("0xbeef"), big.NewInt(n)),
			Gas: 200_000, GasFeeCap: feeCap, GasTipCap: tip}
	}
	read := sim.Call{From: c.Sender, To: &reader, Gas: 100_000, GasFeeCap: feeCap, GasTipCap: tip}
	bundles := []sim.Bundle{
		{StateOverrides: sim.StateOverride{reader: {Code: &code}}, Calls: []sim.Call{transfer(10), read}},
		{Calls: []sim.Call{transfer(20), transfer(30), read}},
	}
	simulateLikeNode(t, c, cache, bundles, true)
}
