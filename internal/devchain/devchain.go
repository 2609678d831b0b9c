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

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
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
// full node with a beacon that mines on demand; not in race-detector
// builds, see inprocess_race.go).
type Chain struct {
	Client   *ethclient.Client // over URL
	URL      string
	key      *ecdsa.PrivateKey
	Sender   common.Address
	Token    common.Address
	TokenABI abi.ABI
	Head     *types.Header

	commit func() // the in-process node seals a block; nil for geth --dev
	stop   func()
}

// Config is the chain's rules: go-ethereum's developer chain without the
// forks after Osaka (Bogota reprices state access, which hyvm does not run
// yet), so that receipts and hyvm's runs under Osaka agree on gas.
func Config() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.AmsterdamTime, c.BogotaTime = nil, nil
	return &c
}

// Genesis is geth --dev's genesis under Config, with sender given funds.
func Genesis(sender common.Address, funds *big.Int) *core.Genesis {
	g := core.DeveloperGenesisBlock(30_000_000, &sender)
	g.Config = Config()
	g.Alloc[sender] = types.Account{Balance: funds}
	return g
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
		c.startInProcess(t, port, funds)
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

// Geth reports whether the node is geth --dev (else the in-process node).
func (c *Chain) Geth() bool { return c.commit == nil }

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
	if c.commit != nil {
		c.commit()
	}
}

// Send signs and mines a transaction and requires it to succeed.
func (c *Chain) Send(t testing.TB, to *common.Address, data []byte) *types.Receipt {
	t.Helper()
	tx, receipt := c.Transact(t, to, data, 3_000_000)
	if receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction %x failed: receipt %+v", tx.Hash(), receipt)
	}
	return receipt
}

// Transact signs a transaction from Sender with gas, has it mined and
// returns it with its receipt, whatever its status.
func (c *Chain) Transact(t testing.TB, to *common.Address, data []byte, gas uint64) (*types.Transaction, *types.Receipt) {
	t.Helper()
	txs, receipts := c.TransactAll(t, TxArgs{To: to, Data: data, Gas: gas})
	return txs[0], receipts[0]
}

// TxArgs is a transaction of TransactAll.
type TxArgs struct {
	To   *common.Address
	Data []byte
	Gas  uint64
}

// TransactAll signs transactions from Sender with consecutive nonces, sends
// them all, then has them mined, and returns them and their receipts in order. The
// in-process node seals them in one block; geth --dev seals as they come,
// so they may land in one block or several.
func (c *Chain) TransactAll(t testing.TB, txs ...TxArgs) ([]*types.Transaction, []*types.Receipt) {
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
	signer := types.LatestSignerForChainID(chainID)
	var signed []*types.Transaction
	for i, a := range txs {
		tx := types.MustSignNewTx(c.key, signer,
			&types.DynamicFeeTx{ChainID: chainID, Nonce: nonce + uint64(i), GasTipCap: tip, GasFeeCap: feeCap, Gas: a.Gas, To: a.To, Data: a.Data})
		if err := ec.SendTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
		signed = append(signed, tx)
	}
	c.mine()
	receipts := make([]*types.Receipt, len(signed))
	for i, tx := range signed {
		// The node indexes a new block's transactions in the background.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if receipts[i], err = ec.TransactionReceipt(ctx, tx.Hash()); err == nil || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			t.Fatalf("transaction %x: no receipt: %v", tx.Hash(), err)
		}
	}
	return signed, receipts
}

// Sign signs tx with the sender's key, without sending it.
func (c *Chain) Sign(t testing.TB, tx types.TxData) *types.Transaction {
	t.Helper()
	signed, err := types.SignNewTx(c.key, c.Signer(t), tx)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// Signer is the signer of the chain's transactions.
func (c *Chain) Signer(t testing.TB) types.Signer {
	t.Helper()
	id, err := c.Client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return types.LatestSignerForChainID(id)
}

// Pack encodes a call of the token.
func (c *Chain) Pack(t testing.TB, method string, args ...any) []byte {
	t.Helper()
	return Pack(t, c.TokenABI, method, args...)
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

// DEX is the testdata exchange, deployed by real transactions: three
// tokens minted to Sender, a factory, a router, pairs A/B and B/C with
// liquidity, and the router approved to spend Sender's A.
type DEX struct {
	TokenA, TokenB, TokenC       common.Address
	Factory, Router              common.Address
	PairAB, PairBC               common.Address
	TokenABI, PairABI, RouterABI abi.ABI
}

// DeployDEX deploys the exchange on c.
func (c *Chain) DeployDEX(t testing.TB) *DEX {
	t.Helper()
	d := &DEX{TokenABI: loadABI(t, "Token"), PairABI: loadABI(t, "Pair"), RouterABI: loadABI(t, "Router")}
	factoryABI := loadABI(t, "Factory")
	create := func(name string, ctor []byte) common.Address {
		_, r := c.Transact(t, nil, append(loadBin(t, name), ctor...), 8_000_000)
		if r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("deploying %s failed", name)
		}
		return r.ContractAddress
	}
	tokens := []*common.Address{&d.TokenA, &d.TokenB, &d.TokenC}
	for i, tok := range tokens {
		*tok = create("Token", Pack(t, d.TokenABI, "", fmt.Sprintf("Token %c", 'A'+i), fmt.Sprintf("TK%c", 'A'+i)))
		c.Send(t, tok, Pack(t, d.TokenABI, "mint", c.Sender, Ether(10_000_000)))
	}
	d.Factory = create("Factory", nil)
	d.Router = create("Router", Pack(t, d.RouterABI, "", d.Factory))
	pair := func(x, y common.Address) common.Address {
		_, r := c.Transact(t, &d.Factory, Pack(t, factoryABI, "createPair", x, y), 8_000_000)
		if r.Status != types.ReceiptStatusSuccessful {
			t.Fatal("createPair failed")
		}
		out, err := c.Client.CallContract(context.Background(), ethereum.CallMsg{To: &d.Factory, Data: Pack(t, factoryABI, "getPair", x, y)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return common.BytesToAddress(out)
	}
	d.PairAB, d.PairBC = pair(d.TokenA, d.TokenB), pair(d.TokenB, d.TokenC)
	liquidity := func(p, x common.Address, nx int64, y common.Address, ny int64) {
		c.Send(t, &x, Pack(t, d.TokenABI, "transfer", p, Ether(nx)))
		c.Send(t, &y, Pack(t, d.TokenABI, "transfer", p, Ether(ny)))
		c.Send(t, &p, Pack(t, d.PairABI, "mint", c.Sender))
	}
	liquidity(d.PairAB, d.TokenA, 1_000_000, d.TokenB, 2_000_000)
	liquidity(d.PairBC, d.TokenB, 3_000_000, d.TokenC, 1_500_000)
	c.Send(t, &d.TokenA, Pack(t, d.TokenABI, "approve", d.Router, Ether(1_000_000_000)))
	return d
}

// Pack encodes a call of a's method ("" for the constructor's arguments).
func Pack(t testing.TB, a abi.ABI, method string, args ...any) []byte {
	t.Helper()
	data, err := a.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Ether is n ether in wei.
func Ether(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18))
}
