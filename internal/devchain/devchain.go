// Package devchain runs a go-ethereum node for tests: a real node with its
// JSON-RPC over HTTP on loopback, and the testdata contracts deployed by
// real transactions.
package devchain

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
)

// artifact is the path of a file of the testdata contracts' solc build.
func artifact(name string) string {
	_, here, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "testdata", "contracts", "build", name)
}

// Chain is a go-ethereum node serving JSON-RPC over HTTP on loopback, with
// the testdata Token deployed and minted by real transactions; Head is the
// block after that. With $HYVM_GETH set to a geth binary (CI builds one
// from the Go module proxy) the node is "geth --dev" in a process of its
// own; otherwise it is go-ethereum's simulated backend in this process (a
// full node with a beacon that mines on demand).
type Chain struct {
	Client   *ethclient.Client // over URL
	URL      string
	key      *ecdsa.PrivateKey
	Sender   common.Address
	Token    common.Address
	TokenABI abi.ABI
	Head     *types.Header

	backend *simulated.Backend // the in-process node, or nil
	stop    func()
}

// New starts a chain, stopped when t ends.
func New(t testing.TB) *Chain {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	key, _ := crypto.HexToECDSA("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")
	c := &Chain{key: key, Sender: crypto.PubkeyToAddress(key.PublicKey), URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	funds := new(big.Int).Mul(big.NewInt(100), ether)
	if geth := os.Getenv("HYVM_GETH"); geth != "" {
		c.startGeth(t, geth, port, funds)
	} else {
		c.backend = simulated.NewBackend(types.GenesisAlloc{c.Sender: {Balance: funds}},
			func(n *node.Config, _ *ethconfig.Config) {
				n.HTTPHost, n.HTTPPort, n.HTTPModules = "127.0.0.1", port, []string{"eth"}
			})
		c.stop = func() { c.backend.Close() }
	}
	t.Cleanup(c.Stop)
	if c.Client, err = ethclient.Dial(c.URL); err != nil {
		t.Fatal(err)
	}
	c.TokenABI = loadABI(t, "Token")
	ctor, err := c.TokenABI.Pack("", "Token", "TOK")
	if err != nil {
		t.Fatal(err)
	}
	receipt := c.Send(t, nil, append(loadBin(t, "Token"), ctor...))
	c.Token = receipt.ContractAddress
	c.Send(t, &c.Token, c.Pack(t, "mint", c.Sender, big.NewInt(1_000_000)))
	if c.Head, err = c.Client.HeaderByNumber(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return c
}

// Stop stops the node (once): its endpoint goes away.
func (c *Chain) Stop() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	if c.Client != nil {
		c.Client.Close()
	}
}

// mine makes the in-process node seal a block with the pending
// transactions; geth --dev seals one for each transaction itself.
func (c *Chain) mine() {
	if c.backend != nil {
		c.backend.Commit()
	}
}

// Send signs and mines a transaction and requires it to succeed.
func (c *Chain) Send(t testing.TB, to *common.Address, data []byte) *types.Receipt {
	t.Helper()
	ctx := context.Background()
	ec := c.Client
	nonce, err := ec.PendingNonceAt(ctx, c.Sender)
	if err != nil {
		t.Fatal(err)
	}
	chainID, _ := ec.ChainID(ctx)
	tip := big.NewInt(2_000_000_000) // above the miner's minimum tip
	head, _ := ec.HeaderByNumber(ctx, nil)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx := types.MustSignNewTx(c.key, types.LatestSignerForChainID(chainID),
		&types.DynamicFeeTx{ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: 3_000_000, To: to, Data: data})
	if err := ec.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	c.mine()
	var receipt *types.Receipt
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		// The node indexes a new block's transactions in the background.
		if receipt, err = ec.TransactionReceipt(ctx, tx.Hash()); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction %x: receipt %+v, %v", tx.Hash(), receipt, err)
	}
	return receipt
}

// Pack encodes a call of the token.
func (c *Chain) Pack(t testing.TB, method string, args ...any) []byte {
	t.Helper()
	data, err := c.TokenABI.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadBin(t testing.TB, name string) []byte {
	t.Helper()
	text, err := os.ReadFile(artifact(name + ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(text)), "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func loadABI(t testing.TB, name string) abi.ABI {
	t.Helper()
	f, err := os.Open(artifact(name + ".abi.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := abi.JSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// BalanceSlot is the storage slot of the Token's balanceOf[holder]:
// balanceOf is its fourth slot (name, symbol and totalSupply come first).
func BalanceSlot(holder common.Address) common.Hash {
	return crypto.Keccak256Hash(common.LeftPadBytes(holder[:], 32), common.LeftPadBytes([]byte{3}, 32))
}
