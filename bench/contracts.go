package bench

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/runtime"
)

// The contract cases' block: setup runs in the two seconds before the
// measured call, so pairs have traded before and the measured swap pays for
// the price accumulators as the first swap of a block does.
const (
	contractsTime = 1_700_000_000
	contractsGas  = 1_000_000
)

// Accounts of the contract cases other than Sender, who deploys, provides
// liquidity and makes every measured call.
var (
	Holder = common.HexToAddress("0x00000000000000000000000000000000000ba5e1") // already holds token A
	Fresh  = common.HexToAddress("0x0000000000000000000000000000000000f2e5a0") // holds nothing
)

// artifacts are the contracts the cases deploy.
type artifacts struct {
	token, weth, pair, factory, router *Artifact
}

func loadArtifacts(dir string) (*artifacts, error) {
	var a artifacts
	for name, p := range map[string]**Artifact{
		"Token": &a.token, "WETH9": &a.weth, "Pair": &a.pair, "Factory": &a.factory, "Router": &a.router,
	} {
		art, err := LoadArtifact(dir, name)
		if err != nil {
			return nil, err
		}
		*p = art
	}
	return &a, nil
}

// world is the deployed scenario: tokens A, B and C, WETH, a factory with
// pairs A/B and B/C holding liquidity, and a router Sender has approved.
type world struct {
	*session
	a                      *artifacts
	tokenA, tokenB, tokenC common.Address
	weth, factory, router  common.Address
	pairAB, pairBC         common.Address
}

// ContractCases returns the real-contract benchmarks over the build in dir
// (testdata/contracts): contracts/<name>/<input>.
func ContractCases(dir string) ([]Case, error) {
	a, err := loadArtifacts(dir)
	if err != nil {
		return nil, err
	}
	one := eth(1)
	cases := []struct {
		name, input string
		call        func(w *world) Call
	}{
		{"erc20_transfer", "to_holder", func(w *world) Call {
			return w.msg(w.tokenA, a.token, nil, "transfer", Holder, one)
		}},
		{"erc20_transfer", "to_fresh", func(w *world) Call {
			return w.msg(w.tokenA, a.token, nil, "transfer", Fresh, one)
		}},
		{"weth_deposit", "1_ether", func(w *world) Call {
			return w.msg(w.weth, a.weth, uint256.MustFromBig(one), "deposit")
		}},
		{"weth_withdraw", "1_ether", func(w *world) Call {
			return w.msg(w.weth, a.weth, nil, "withdraw", one)
		}},
		{"pair_swap", "a_for_b", func(w *world) Call { return w.pairSwap(eth(1000)) }},
		{"router_swap", "a_b_c", func(w *world) Call { return w.routerSwap(eth(1000)) }},
	}
	out := make([]Case, 0, len(cases))
	for _, c := range cases {
		out = append(out, Case{
			Suite: "contracts", Benchmark: c.name, Input: c.input, Gas: contractsGas,
			Setup: func(d *Deployer) (Call, error) {
				w := deployWorld(d, a)
				d.Time = contractsTime
				call := c.call(w)
				return call, w.err
			},
		})
	}
	return out, nil
}

// deployWorld deploys and funds the scenario; failures are left in w.err.
func deployWorld(d *Deployer, a *artifacts) *world {
	w := &world{session: &session{d: d}, a: a}
	d.Time = contractsTime - 2
	d.Fund(Sender, uint256.MustFromBig(eth(1000)))
	w.tokenA = w.create(a.token, "Token A", "TKA")
	w.tokenB = w.create(a.token, "Token B", "TKB")
	w.tokenC = w.create(a.token, "Token C", "TKC")
	w.weth = w.create(a.weth)
	w.factory = w.create(a.factory)
	w.router = w.create(a.router, w.factory)
	w.pairAB = w.createPair(w.tokenA, w.tokenB)
	w.pairBC = w.createPair(w.tokenB, w.tokenC)
	for _, t := range []common.Address{w.tokenA, w.tokenB, w.tokenC} {
		w.send(t, a.token, nil, "mint", Sender, eth(10_000_000))
	}
	w.addLiquidity(w.pairAB, w.tokenA, eth(1_000_000), w.tokenB, eth(2_000_000))
	w.addLiquidity(w.pairBC, w.tokenB, eth(3_000_000), w.tokenC, eth(1_500_000))
	w.send(w.tokenA, a.token, nil, "transfer", Holder, eth(100))
	// A finite approval, spent down on every swap, as most wallets set it.
	w.send(w.tokenA, a.token, nil, "approve", w.router, eth(1_000_000_000))
	w.send(w.weth, a.weth, uint256.MustFromBig(eth(10)), "deposit")
	// One earlier trade, a block later, so the accumulators are non-zero.
	d.Time = contractsTime - 1
	w.exec(w.routerSwap(eth(10)))
	return w
}

func (w *world) createPair(tokenA, tokenB common.Address) common.Address {
	out := w.send(w.factory, w.a.factory, nil, "createPair", tokenA, tokenB)
	if w.err != nil {
		return common.Address{}
	}
	return out[0].(common.Address)
}

// addLiquidity pays both tokens into pair and mints its shares to Sender.
func (w *world) addLiquidity(pair, tokenX common.Address, x *big.Int, tokenY common.Address, y *big.Int) {
	w.send(tokenX, w.a.token, nil, "transfer", pair, x)
	w.send(tokenY, w.a.token, nil, "transfer", pair, y)
	w.send(pair, w.a.pair, nil, "mint", Sender)
}

// quote returns the router's amounts out along path for amountIn.
func (w *world) quote(amountIn *big.Int, path ...common.Address) []*big.Int {
	out := w.send(w.router, w.a.router, nil, "getAmountsOut", amountIn, path)
	if w.err != nil {
		zeros := make([]*big.Int, len(path))
		for i := range zeros {
			zeros[i] = new(big.Int)
		}
		return zeros
	}
	return out[0].([]*big.Int)
}

// pairSwap pays amountIn of token A into pair A/B, as a router would, and
// returns the direct call to the pair that takes the quoted B out.
func (w *world) pairSwap(amountIn *big.Int) Call {
	amountOut := w.quote(amountIn, w.tokenA, w.tokenB)[1]
	w.send(w.tokenA, w.a.token, nil, "transfer", w.pairAB, amountIn)
	out0, out1 := amountOut, new(big.Int)
	if w.tokenA.Cmp(w.tokenB) < 0 { // A is token0: B goes out as token1
		out0, out1 = out1, out0
	}
	return w.msg(w.pairAB, w.a.pair, nil, "swap", out0, out1, Sender, []byte{})
}

// routerSwap returns the router call swapping amountIn of A through B to C,
// accepting 0.5% slippage from the current quote.
func (w *world) routerSwap(amountIn *big.Int) Call {
	path := []common.Address{w.tokenA, w.tokenB, w.tokenC}
	minOut := new(big.Int).Mul(w.quote(amountIn, path...)[2], big.NewInt(995))
	minOut.Div(minOut, big.NewInt(1000))
	deadline := new(big.Int).SetUint64(contractsTime + 600)
	return w.msg(w.router, w.a.router, nil, "swapExactTokensForTokens", amountIn, minOut, path, Sender, deadline)
}

// eth returns n ether in wei.
func eth(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18))
}

// session sends setup transactions, keeping the first failure in err and
// skipping every step after it, so the scenario reads as a plain sequence.
type session struct {
	d   *Deployer
	err error
}

// create deploys a with constructor args.
func (s *session) create(a *Artifact, args ...any) common.Address {
	if s.err != nil {
		return common.Address{}
	}
	code, err := a.Deploy(args...)
	if err != nil {
		s.err = err
		return common.Address{}
	}
	addr, err := s.d.Create(code)
	if err != nil {
		s.err = err
	}
	return addr
}

// msg builds the call of method on the contract at to, whose ABI a has.
func (s *session) msg(to common.Address, a *Artifact, value *uint256.Int, method string, args ...any) Call {
	if s.err != nil {
		return Call{}
	}
	input, err := a.ABI.Pack(method, args...)
	if err != nil {
		s.err = fmt.Errorf("pack %s: %w", method, err)
	}
	return Call{To: to, Input: input, Value: value}
}

// exec sends c as a transaction and returns its raw output.
func (s *session) exec(c Call) []byte {
	if s.err != nil {
		return nil
	}
	out, err := s.d.Call(c.To, c.Input, c.Value)
	if err != nil {
		s.err = err
	}
	return out
}

// send calls method and returns its decoded outputs.
func (s *session) send(to common.Address, a *Artifact, value *uint256.Int, method string, args ...any) []any {
	out := s.exec(s.msg(to, a, value, method, args...))
	if s.err != nil {
		return nil
	}
	vals, err := a.ABI.Unpack(method, out)
	if err != nil {
		s.err = fmt.Errorf("unpack %s: %w", method, err)
	}
	return vals
}

// ContractNames lists the contracts suite's artifacts.
var ContractNames = []string{"Token", "WETH9", "Factory", "Router", "Pair"}

// DeployedContracts deploys the contracts suite's scenario over the build
// in dir (on go-ethereum) and returns each contract's runtime code as
// deployed, by artifact name: what the suite's calls run (the router's
// immutables filled in), for compiling it ahead of time.
func DeployedContracts(dir string) (map[string][]byte, error) {
	a, err := loadArtifacts(dir)
	if err != nil {
		return nil, err
	}
	st, err := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	if err != nil {
		return nil, err
	}
	d := &Deployer{engine: EngineGeth, state: st}
	w := deployWorld(d, a)
	if w.err != nil {
		return nil, w.err
	}
	return map[string][]byte{
		"Token": st.GetCode(w.tokenA), "WETH9": st.GetCode(w.weth), "Factory": st.GetCode(w.factory),
		"Router": st.GetCode(w.router), "Pair": st.GetCode(w.pairAB),
	}, nil
}
