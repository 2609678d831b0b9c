package fork_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

// chain is a go-ethereum node (the simulated backend: a full node with a
// beacon that mines on Commit) serving JSON-RPC over HTTP on loopback, with
// the testdata Token deployed and minted by real transactions.
type chain struct {
	backend *simulated.Backend
	url     string
	key     *ecdsa.PrivateKey
	sender  common.Address
	token   common.Address
	abi     abi.ABI
	head    *types.Header
}

func newChain(t *testing.T) *chain {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	key, _ := crypto.HexToECDSA("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")
	c := &chain{key: key, sender: crypto.PubkeyToAddress(key.PublicKey), url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	c.backend = simulated.NewBackend(types.GenesisAlloc{c.sender: {Balance: new(big.Int).Mul(big.NewInt(100), ether)}},
		func(n *node.Config, _ *ethconfig.Config) {
			n.HTTPHost, n.HTTPPort, n.HTTPModules = "127.0.0.1", port, []string{"eth"}
		})
	t.Cleanup(func() { c.backend.Close() })
	c.abi = loadABI(t, "Token")
	ctor, err := c.abi.Pack("", "Token", "TOK")
	if err != nil {
		t.Fatal(err)
	}
	receipt := c.send(t, nil, append(loadBin(t, "Token"), ctor...))
	c.token = receipt.ContractAddress
	c.send(t, &c.token, c.pack(t, "mint", c.sender, big.NewInt(1_000_000)))
	if c.head, err = c.backend.Client().HeaderByNumber(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return c
}

// send signs and mines a transaction and requires it to succeed.
func (c *chain) send(t *testing.T, to *common.Address, data []byte) *types.Receipt {
	t.Helper()
	ctx := context.Background()
	ec := c.backend.Client()
	nonce, err := ec.PendingNonceAt(ctx, c.sender)
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
	c.backend.Commit()
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

func (c *chain) pack(t *testing.T, method string, args ...any) []byte {
	t.Helper()
	data, err := c.abi.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadBin(t *testing.T, name string) []byte {
	t.Helper()
	text, err := os.ReadFile("../testdata/contracts/build/" + name + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	code, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(text)), "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func loadABI(t *testing.T, name string) abi.ABI {
	t.Helper()
	f, err := os.Open("../testdata/contracts/build/" + name + ".abi.json")
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

// outcome is what a call through either engine leaves.
type outcome struct {
	out  []byte
	gas  uint64
	err  error
	logs []*types.Log
}

func (o outcome) String() string {
	return fmt.Sprintf("out %x, gas used %d, err %v, %d logs", o.out, o.gas, o.err, len(o.logs))
}

// simulate calls input on the token as the sender, on an overlay of a
// fork at the chain's head, with hyvm or (geth) go-ethereum's EVM.
func (c *chain) simulate(t *testing.T, cache *fork.Cache, input []byte, geth bool) outcome {
	t.Helper()
	const gas = 1_000_000
	st := hyvmstate.New(cache.State(context.Background()))
	block, err := cache.BlockContext(context.Background(), runtime.ChainConfig(blocks.Latest))
	if err != nil {
		return outcome{err: err}
	}
	rules := runtime.Rules(blocks.Latest)
	st.Prepare(rules, c.sender, c.head.Coinbase, &c.token, vm.ActivePrecompiles(rules), nil)
	var o outcome
	var left uint64
	if geth {
		m := reference.New(block, st, runtime.ChainConfig(blocks.Latest), vm.Config{})
		o.out, left, o.err = m.Call(context.Background(), c.sender, c.token, input, gas, new(uint256.Int))
	} else {
		evm := runtime.NewEVM(block, st, blocks.Latest, runtime.Config{})
		o.out, left, o.err = evm.Call(context.Background(), c.sender, c.token, input, gas, new(uint256.Int))
	}
	o.gas, o.logs = gas-left, st.Logs()
	return o
}

// TestForkMatchesNode runs token calls on forked state with hyvm and with
// go-ethereum's EVM, requiring the same output, gas and logs from both and
// the node's own eth_call output; a second run from the same cache sends no
// request.
func TestForkMatchesNode(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	cache, err := fork.Dial(ctx, c.url, fork.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cache.Block() != c.head.Number.Uint64() {
		t.Fatalf("fork at block %d, the node's head is %d", cache.Block(), c.head.Number)
	}
	recipient := common.HexToAddress("0x00000000000000000000000000000000000c0ffe")
	// The chain moves on: the fork still reads the block it was opened at.
	c.send(t, &c.token, c.pack(t, "transfer", recipient, big.NewInt(100)))
	calls := map[string][]byte{
		"balanceOf sender":    c.pack(t, "balanceOf", c.sender),
		"balanceOf recipient": c.pack(t, "balanceOf", recipient),
		"transfer":            c.pack(t, "transfer", recipient, big.NewInt(250)),
		"transfer too much":   c.pack(t, "transfer", recipient, big.NewInt(2_000_000)),
		"totalSupply":         c.pack(t, "totalSupply"),
	}
	for name, input := range calls {
		t.Run(name, func(t *testing.T) {
			got, want := c.simulate(t, cache, input, false), c.simulate(t, cache, input, true)
			if !bytes.Equal(got.out, want.out) || got.gas != want.gas || (got.err == nil) != (want.err == nil) ||
				fmt.Sprint(logData(got.logs)) != fmt.Sprint(logData(want.logs)) {
				t.Fatalf("hyvm: %v\ngo-ethereum: %v", got, want)
			}
			node, err := c.backend.Client().CallContract(ctx, ethereum.CallMsg{From: c.sender, To: &c.token, Data: input}, c.head.Number)
			if (err != nil) != (got.err != nil) || (err == nil && !bytes.Equal(node, got.out)) {
				t.Fatalf("hyvm: %v; the node's eth_call: %x, %v", got, node, err)
			}
		})
	}
	before := cache.Requests()
	for _, input := range calls {
		c.simulate(t, cache, input, false)
	}
	if n := cache.Requests() - before; n != 0 {
		t.Fatalf("running again from the cache sent %d requests", n)
	}
	t.Logf("%d requests for %d calls on both engines", before, len(calls))
}

func logData(logs []*types.Log) []string {
	var out []string
	for _, l := range logs {
		out = append(out, fmt.Sprintf("%v %v %x", l.Address, l.Topics, l.Data))
	}
	return out
}

// TestForkShared runs 16 simulations at once over one fresh cache: each
// account and slot is fetched once (as many requests as one simulation
// alone), and every simulation ends alike.
func TestForkShared(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	input := c.pack(t, "transfer", common.HexToAddress("0xbeef"), big.NewInt(7))
	alone, err := fork.Dial(ctx, c.url, fork.Options{Block: c.head.Number.Uint64()})
	if err != nil {
		t.Fatal(err)
	}
	want := c.simulate(t, alone, input, false)
	shared, err := fork.Dial(ctx, c.url, fork.Options{Block: c.head.Number.Uint64()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]outcome, 16)
	for i := range results {
		wg.Go(func() { results[i] = c.simulate(t, shared, input, false) })
	}
	wg.Wait()
	for i, got := range results {
		if got.String() != want.String() {
			t.Fatalf("simulation %d: %v, alone %v", i, got, want)
		}
	}
	if a, s := alone.Requests(), shared.Requests(); s != a {
		t.Fatalf("16 simulations sent %d requests, one alone %d", s, a)
	}
}

// TestForkEndpointFails checks that a simulation whose reads fail ends
// with an error naming the read, not a panic, and keeps nothing.
func TestForkEndpointFails(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	cache, err := fork.Dial(ctx, c.url, fork.Options{Block: c.head.Number.Uint64(), Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Header(ctx, cache.Block()); err != nil { // the block is known
		t.Fatal(err)
	}
	c.backend.Close() // then the endpoint goes away
	got := c.simulate(t, cache, c.pack(t, "totalSupply"), false)
	var ferr *fork.Error
	if !errors.As(got.err, &ferr) || !errors.Is(got.err, runtime.ErrInternal) {
		t.Fatalf("error %v (%T), want an internal error wrapping a *fork.Error", got.err, got.err)
	}
	t.Log(got.err)
}

// TestForkPrefetch fetches slots in one batch; reading them then sends
// nothing and sees what the node's eth_getStorageAt answers.
func TestForkPrefetch(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	cache, err := fork.Dial(ctx, c.url, fork.Options{Block: c.head.Number.Uint64()})
	if err != nil {
		t.Fatal(err)
	}
	keys := []common.Hash{{}, common.BigToHash(big.NewInt(1)), common.BigToHash(big.NewInt(2)), common.BigToHash(big.NewInt(3))}
	st := cache.State(ctx)
	st.Exist(c.token) // the account first: a slot is read only of an account that exists
	before := cache.Requests()
	if err := cache.Prefetch(ctx, c.token, keys); err != nil {
		t.Fatal(err)
	}
	if n := cache.Requests() - before; n != 1 {
		t.Fatalf("prefetching %d slots sent %d requests", len(keys), n)
	}
	nonZero := 0
	for _, k := range keys {
		want, err := c.backend.Client().StorageAt(ctx, c.token, k, c.head.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.GetState(c.token, k); got != common.BytesToHash(want) {
			t.Errorf("slot %v: %v, the node's %x", k, got, want)
		}
		if common.BytesToHash(want) != (common.Hash{}) {
			nonZero++
		}
	}
	if n := cache.Requests() - before; n != 1 || nonZero == 0 {
		t.Fatalf("%d requests after reading the prefetched slots, %d of them non-zero", n, nonZero)
	}
}

// TestForkDiskCache runs the calls with a disk cache, then again in a new
// cache over the same directory at the pinned block: the second run sends
// no request and ends exactly as the first.
func TestForkDiskCache(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	dir := t.TempDir()
	opt := fork.Options{Block: c.head.Number.Uint64(), CacheDir: dir}
	inputs := [][]byte{
		c.pack(t, "transfer", common.HexToAddress("0xbeef"), big.NewInt(7)),
		c.pack(t, "balanceOf", c.sender),
		c.pack(t, "totalSupply"),
	}
	run := func() (results []string, requests int64) {
		cache, err := fork.Dial(ctx, c.url, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer cache.Close()
		for _, input := range inputs {
			results = append(results, c.simulate(t, cache, input, false).String())
		}
		return results, cache.Requests()
	}
	first, n1 := run()
	second, n2 := run()
	cache, err := fork.Dial(ctx, c.url, opt)
	if err != nil {
		t.Fatal(err)
	}
	h, err := cache.Header(ctx, cache.Block())
	if err != nil || h.Hash() != c.head.Hash() || cache.Requests() != 0 {
		t.Fatalf("header from the disk cache: %v, hash %v, the node's %v; %d requests", err, h.Hash(), c.head.Hash(), cache.Requests())
	}
	cache.Close()
	if fmt.Sprint(first) != fmt.Sprint(second) || n1 == 0 || n2 != 0 {
		t.Fatalf("first run %v with %d requests; second %v with %d", first, n1, second, n2)
	}
	t.Logf("%d requests, then %d", n1, n2)
	// Another block of the same endpoint is another part of the cache.
	c.send(t, &c.token, inputs[0])
	cache, err = fork.Dial(ctx, c.url, fork.Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	got := c.simulate(t, cache, inputs[1], false)
	node, err := c.backend.Client().CallContract(ctx, ethereum.CallMsg{From: c.sender, To: &c.token, Data: inputs[1]}, new(big.Int).SetUint64(cache.Block()))
	if err != nil {
		t.Fatal(err)
	}
	if cache.Block() == opt.Block || cache.Requests() == 0 || !bytes.Equal(got.out, node) {
		t.Fatalf("at block %d: %v (%d requests), the node's eth_call %x", cache.Block(), got, cache.Requests(), node)
	}
}
