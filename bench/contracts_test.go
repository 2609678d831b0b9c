package bench

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hyvm/hyvm/runtime"
)

func contractCases(tb testing.TB) []Case {
	tb.Helper()
	dir, err := ContractsDir()
	if err != nil {
		tb.Fatal(err)
	}
	cases, err := ContractCases(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

// TestContractSetupAgrees checks that deploying each case's pre-state on hyvm
// leaves the same state, and asks for the same call, as on go-ethereum: the
// engines are then measured from identical states.
func TestContractSetupAgrees(t *testing.T) {
	code := testCode(t)
	for _, c := range contractCases(t) {
		wantRoot, wantCall := setupRoot(t, &c, EngineGeth, code)
		gotRoot, gotCall := setupRoot(t, &c, EngineHyvm, code)
		if gotRoot != wantRoot {
			t.Errorf("%s: state root after setup on hyvm %v, on go-ethereum %v", c.Name(), gotRoot, wantRoot)
		}
		if gotCall.To != wantCall.To || !bytes.Equal(gotCall.Input, wantCall.Input) {
			t.Errorf("%s: measured call on hyvm %v %x, on go-ethereum %v %x", c.Name(), gotCall.To, gotCall.Input, wantCall.To, wantCall.Input)
		}
	}
}

func setupRoot(t *testing.T, c *Case, engine string, code Code) (common.Hash, Call) {
	t.Helper()
	db := runtime.NewMemoryDatabase()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		t.Fatal(err)
	}
	call, err := c.Setup(&Deployer{Time: 1, engine: engine, state: st, code: code})
	if err != nil {
		t.Fatalf("%s on %s: %v", c.Name(), engine, err)
	}
	return st.IntermediateRoot(runtime.Rules(Fork)), call
}

// TestContractCalls checks that every measured call does what its name says,
// beyond succeeding: the ERC-20 transfer returns true and the router returns
// a positive amount for each hop.
func TestContractCalls(t *testing.T) {
	dir, err := ContractsDir()
	if err != nil {
		t.Fatal(err)
	}
	a, err := loadArtifacts(dir)
	if err != nil {
		t.Fatal(err)
	}
	code := testCode(t)
	for _, c := range contractCases(t) {
		res := mustRun(t, &c, EngineGeth, code)
		if res.Err != nil {
			t.Errorf("%s: %v (output %x)", c.Name(), res.Err, res.Output)
			continue
		}
		t.Logf("%s: gas %d", c.Name(), res.GasUsed)
		switch c.Benchmark {
		case "erc20_transfer":
			if out, err := a.token.ABI.Unpack("transfer", res.Output); err != nil || out[0] != true {
				t.Errorf("%s: transfer returned %x", c.Name(), res.Output)
			}
		case "router_swap":
			out, err := a.router.ABI.Unpack("swapExactTokensForTokens", res.Output)
			if err != nil {
				t.Fatalf("%s: %v", c.Name(), err)
			}
			for i, amount := range out[0].([]*big.Int) {
				if amount.Sign() <= 0 {
					t.Errorf("%s: amount %d is %v", c.Name(), i, amount)
				}
			}
		default:
			if len(res.Output) != 0 {
				t.Errorf("%s: unexpected output %x", c.Name(), res.Output)
			}
		}
	}
}
