//go:build race

package devchain

import (
	"math/big"
	"testing"
)

// startInProcess is not available under the race detector: go-ethereum's
// whole node (eth, miner, txpool, p2p), compiled with instrumentation, took
// more than a minute of CI for tests whose shared state is hyvm's, not the
// node's. Race builds use geth --dev, as CI's race step does.
func (c *Chain) startInProcess(t testing.TB, _ int, _ *big.Int) {
	t.Helper()
	t.Fatal("devchain: under the race detector the node must be geth --dev: set HYVM_GETH to a geth binary " +
		"(go install github.com/ethereum/go-ethereum/cmd/geth@v1.17.10)")
}
