//go:build !race

package devchain

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
)

// startInProcess runs go-ethereum's simulated backend, serving HTTP on
// port, with the sender given funds.
func (c *Chain) startInProcess(t testing.TB, port int, funds *big.Int) {
	t.Helper()
	backend := simulated.NewBackend(types.GenesisAlloc{c.Sender: {Balance: funds}},
		func(n *node.Config, e *ethconfig.Config) {
			n.HTTPHost, n.HTTPPort, n.HTTPModules = "127.0.0.1", port, []string{"eth"}
			e.Genesis.Config = Config()
		})
	c.commit = func() { backend.Commit() }
	c.stop = func() { backend.Close() }
}
