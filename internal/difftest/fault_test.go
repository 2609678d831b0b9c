package difftest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/difftest"
	"github.com/hyvm/hyvm/internal/faultstate"
	"github.com/hyvm/hyvm/runtime"
)

// TestStateFaultsRollBack runs random programs as transactions over a state
// that fails at its N-th call, for every N the transaction makes: each
// fault must end ApplyMessage with ErrInternal and no receipt, leave the
// state as it was before (root, logs, refund), and leave the EVM usable:
// the same transaction then runs on it to the same receipt and root as on a
// state that never failed.
func TestStateFaultsRollBack(t *testing.T) {
	seeds := 20
	if testing.Short() {
		seeds = 8
	}
	pre, err := difftest.NewPreState()
	if err != nil {
		t.Fatal(err)
	}
	env := difftest.NewEnv()
	cache := runtime.NewCache(0)
	var faults int
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		c := difftest.Generate(seed)
		if c.ValueOverBalance || c.Traced {
			continue // an invalid transaction; tracing is not the point here
		}
		apply := func(failAt int) (*faultstate.State, *state.StateDB, *runtime.ExecutionResult, error) {
			st, err := pre.State(c)
			if err != nil {
				t.Fatal(err)
			}
			st.SetTxContext(env.TxHash, 0, 0)
			fs := faultstate.Wrap(st, failAt)
			evm := runtime.NewEVM(env.Block, fs, c.Fork, runtime.Config{Cache: cache})
			res, err := runtime.ApplyMessage(context.Background(), evm, fs, &env.Block, c.Fork, message(c))
			if failAt > 0 && err != nil {
				// The fault struck: the EVM must run the same transaction
				// again, on the state the fault left, as if nothing happened.
				fs.FailAt = 0
				if res, err = runtime.ApplyMessage(context.Background(), evm, fs, &env.Block, c.Fork, message(c)); err != nil {
					t.Fatalf("seed %d: after a fault at call %d, the rerun failed: %v", seed, failAt, err)
				}
			}
			return fs, st, res, err
		}
		clean, cleanState, want, err := apply(0)
		if err != nil {
			continue // the random case is not a valid transaction
		}
		wantRoot := cleanState.IntermediateRoot(env.Rules(c.Fork))
		for n := 1; n <= clean.Calls; n++ {
			st, err := pre.State(c)
			if err != nil {
				t.Fatal(err)
			}
			st.SetTxContext(env.TxHash, 0, 0)
			before := st.IntermediateRoot(env.Rules(c.Fork))
			fs := faultstate.Wrap(st, n)
			evm := runtime.NewEVM(env.Block, fs, c.Fork, runtime.Config{Cache: cache})
			res, err := runtime.ApplyMessage(context.Background(), evm, fs, &env.Block, c.Fork, message(c))
			if !fs.Fired {
				continue // call n was a RevertToSnapshot, which never fails
			}
			faults++
			if err == nil || res != nil {
				t.Fatalf("seed %d: fault at call %d of %d: ApplyMessage returned a receipt (%+v), err %v", seed, n, clean.Calls, res, err)
			}
			if !errors.Is(err, runtime.ErrInternal) {
				t.Fatalf("seed %d: fault at call %d: err %v, want ErrInternal", seed, n, err)
			}
			if got := st.IntermediateRoot(env.Rules(c.Fork)); got != before || len(st.Logs()) != 0 || st.GetRefund() != 0 {
				t.Fatalf("seed %d: fault at call %d: state not rolled back (root %x, was %x; %d logs; refund %d)", seed, n, got, before, len(st.Logs()), st.GetRefund())
			}
			fs.FailAt = 0
			again, err := runtime.ApplyMessage(context.Background(), evm, fs, &env.Block, c.Fork, message(c))
			if err != nil {
				t.Fatalf("seed %d: after a fault at call %d, the rerun failed: %v", seed, n, err)
			}
			if again.UsedGas != want.UsedGas || (again.Err == nil) != (want.Err == nil) || st.IntermediateRoot(env.Rules(c.Fork)) != wantRoot {
				t.Fatalf("seed %d: after a fault at call %d the rerun differs: gas %d err %v, want gas %d err %v", seed, n, again.UsedGas, again.Err, want.UsedGas, want.Err)
			}
		}
	}
	if faults < 100 {
		t.Fatalf("only %d faults injected: the corpus does not exercise the state", faults)
	}
	t.Logf("%d faults injected, every one rolled back", faults)
}

// TestStateFaultsRollBackCalls is TestStateFaultsRollBack one level down:
// EVM.Call and EVM.Create themselves, with no transaction around them to
// roll back, must leave the state as before a fault.
func TestStateFaultsRollBackCalls(t *testing.T) {
	seeds := 25
	if testing.Short() {
		seeds = 5
	}
	pre, err := difftest.NewPreState()
	if err != nil {
		t.Fatal(err)
	}
	env := difftest.NewEnv()
	var faults int
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		c := difftest.Generate(seed)
		if c.ValueOverBalance || c.Traced {
			continue
		}
		run := func(failAt int) (*faultstate.State, *state.StateDB, common.Hash, error) {
			st, err := pre.State(c)
			if err != nil {
				t.Fatal(err)
			}
			st.SetTxContext(env.TxHash, 0, 0)
			rules := env.Rules(c.Fork)
			before := st.IntermediateRoot(rules)
			fs := faultstate.Wrap(st, failAt)
			evm := runtime.NewEVM(env.Block, fs, c.Fork, runtime.Config{})
			evm.SetTxContext(env.Tx)
			value := uint256.NewInt(c.Value)
			if c.Create {
				_, _, _, err = evm.Create(context.Background(), difftest.Sender, c.Code, c.Gas, value)
			} else {
				_, _, err = evm.Call(context.Background(), difftest.Sender, *message(c).To, c.Input, c.Gas, value)
			}
			return fs, st, before, err
		}
		clean, _, _, _ := run(0)
		for n := 1; n <= clean.Calls; n++ {
			fs, st, before, err := run(n)
			if !fs.Fired {
				continue
			}
			faults++
			if !errors.Is(err, runtime.ErrInternal) {
				t.Fatalf("seed %d: fault at call %d: err %v, want ErrInternal", seed, n, err)
			}
			if got := st.IntermediateRoot(env.Rules(c.Fork)); got != before || len(st.Logs()) != 0 || st.GetRefund() != 0 {
				t.Fatalf("seed %d: fault at call %d: state not rolled back (root %x, was %x; %d logs; refund %d)", seed, n, got, before, len(st.Logs()), st.GetRefund())
			}
		}
	}
	if faults < 100 {
		t.Fatalf("only %d faults injected", faults)
	}
	t.Logf("%d faults injected, every one rolled back", faults)
}

// message is c as a transaction from difftest.Sender (nonce 5 in the
// pre-state), paying enough for its intrinsic gas on top of c.Gas.
func message(c *difftest.Case) *core.Message {
	var to *common.Address
	if !c.Create {
		to = &difftest.Target
		if c.To != nil {
			to = c.To
		}
	}
	price := uint256.NewInt(10)
	return &core.Message{
		From: difftest.Sender, To: to, Nonce: 5, Value: uint256.NewInt(c.Value),
		GasLimit: min(c.Gas+100_000, 16_000_000), GasPrice: price, GasFeeCap: price, GasTipCap: price,
		Data: c.Input, AccessList: c.AccessList,
	}
}
