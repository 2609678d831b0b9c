package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	rtdebug "runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
)

var (
	testSender   = common.HexToAddress("0x1000000000000000000000000000000000000001")
	testContract = common.HexToAddress("0x2000000000000000000000000000000000000002")
)

func testBlock() vm.BlockContext {
	return vm.BlockContext{
		CanTransfer: func(db vm.StateDB, a common.Address, v *uint256.Int) bool { return db.GetBalance(a).Cmp(v) >= 0 },
		Transfer: func(db vm.StateDB, from, to common.Address, v *uint256.Int, _ *params.Rules) {
			db.SubBalance(from, v, tracing.BalanceChangeTransfer)
			db.AddBalance(to, v, tracing.BalanceChangeTransfer)
		},
		GetHash:     func(uint64) common.Hash { return common.Hash{} },
		BlockNumber: big.NewInt(1), Time: 1, Difficulty: big.NewInt(0), BaseFee: big.NewInt(0),
		Random: &common.Hash{}, GasLimit: 30_000_000,
	}
}

// stateWith returns a fresh state with code installed at testContract.
func stateWith(t testing.TB, code []byte) *state.StateDB {
	t.Helper()
	st, err := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	if err != nil {
		t.Fatal(err)
	}
	st.SetBalance(testSender, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	st.SetCode(testContract, code, tracing.CodeChangeUnspecified)
	st.Prepare(runtime.Rules(blocks.Latest), testSender, common.Address{}, &testContract, runtime.Precompiles(blocks.Latest), nil)
	return st
}

// selfRecursion stores its depth (calldata word + 1) in slot 0 and calls
// itself with all the gas it may forward, until the call depth limit.
var selfRecursion = common.FromHex("60003560010180600055600052" + "6000600060206000600030" + "5a" + "f1" + "00")

// TestCallDepthLimit recurses to the EVM's depth limit (1024 nested calls
// below the top frame) with the Go stack capped, showing the recursion fits
// comfortably, and checks the depth reached against go-ethereum.
func TestCallDepthLimit(t *testing.T) {
	const maxGoStack = 8 << 20 // recursion to depth 1025 measured to fit in 4 MB
	defer rtdebug.SetMaxStack(rtdebug.SetMaxStack(maxGoStack))
	depth := func(m runtime.Machine, st *state.StateDB) uint64 {
		if _, _, err := m.Call(context.Background(), testSender, testContract, nil, 1e18, new(uint256.Int)); err != nil {
			t.Fatalf("call failed: %v", err)
		}
		v := st.GetState(testContract, common.Hash{})
		return new(big.Int).SetBytes(v[:]).Uint64()
	}
	st := stateWith(t, selfRecursion)
	got := depth(runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{}), st)
	ref := stateWith(t, selfRecursion)
	want := depth(reference.New(testBlock(), ref, runtime.ChainConfig(blocks.Latest), vm.Config{}), ref)
	if got != want || got != runtime.MaxCallDepth+1 {
		t.Fatalf("deepest frame: hyvm %d, go-ethereum %d, want %d", got, want, runtime.MaxCallDepth+1)
	}
}

// infiniteLoop is JUMPDEST PUSH1 0 JUMP.
var infiniteLoop = common.FromHex("5b600056")

func TestCancelStopsExecution(t *testing.T) {
	st := stateWith(t, infiniteLoop)
	evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, left, err := evm.Call(ctx, testSender, testContract, nil, 1<<62, new(uint256.Int))
	if !errors.Is(err, runtime.ErrAborted) {
		t.Fatalf("err = %v, want ErrAborted", err)
	}
	if left != 0 {
		t.Errorf("aborted run left %d gas", left)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancellation took %v", d)
	}
}

// panickyState fails inside execution, as a broken state backend might:
// reading slot 0x99 panics while armed, once.
type panickyState struct {
	*state.StateDB
	armed bool
}

func (s *panickyState) GetState(a common.Address, k common.Hash) common.Hash {
	if s.armed && k == common.BigToHash(big.NewInt(0x99)) {
		s.armed = false
		panic("backend failure")
	}
	return s.StateDB.GetState(a, k)
}

var panicCallee = common.HexToAddress("0x3000000000000000000000000000000000000003")

// panicCaller sets slot 1, calls panicCallee for a word and returns the
// call's success flag plus that word. panicCallee writes 0x2a to memory and
// slot 2, reads slot 0x99 (where the backend panics) and returns slot
// 0x99 + 0x2a.
var (
	panicCaller = common.FromHex("6001600155" + "6020600060006000600073" + panicCallee.Hex()[2:] + "5af1" +
		"60005101" + "600052" + "60206000f3")
	panicCalleeCode = common.FromHex("602a604052" + "6002600255" + "609954" + "60405101" + "600052" + "60206000f3")
)

// panicState installs the two contracts, slot 0x99 of the callee set to 7.
func panicState(t *testing.T) *state.StateDB {
	st := stateWith(t, panicCaller)
	st.SetCode(panicCallee, panicCalleeCode, tracing.CodeChangeUnspecified)
	st.SetState(panicCallee, common.BigToHash(big.NewInt(0x99)), common.BigToHash(big.NewInt(7)))
	return st
}

// TestPanicBecomesError makes the state panic in a nested frame, with
// memory, stack and storage writes in flight, and checks that the call
// fails with ErrInternal, that the writes are rolled back, and that the
// same EVM then runs the call again exactly as go-ethereum runs it.
func TestPanicBecomesError(t *testing.T) {
	st := &panickyState{StateDB: panicState(t), armed: true}
	evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{})
	slots := func(db vm.StateDB) [2]common.Hash {
		return [2]common.Hash{db.GetState(testContract, common.BigToHash(big.NewInt(1))), db.GetState(panicCallee, common.BigToHash(big.NewInt(2)))}
	}
	before := slots(st)
	_, _, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int))
	if !errors.Is(err, runtime.ErrInternal) {
		t.Fatalf("panic inside execution: err %v, want ErrInternal", err)
	}
	if st.armed {
		t.Fatal("the call never reached the failing read")
	}
	if got := slots(st); got != before {
		t.Fatalf("writes kept after the panic: %x, before %x", got, before)
	}

	// The same EVM, on the same (now healthy) state, runs the call again.
	out, left, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int))
	ref := panicState(t)
	wantOut, wantLeft, wantErr := reference.New(testBlock(), ref, runtime.ChainConfig(blocks.Latest), vm.Config{}).
		Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int))
	if wantErr != nil || !bytes.Equal(wantOut, common.LeftPadBytes([]byte{1 + 7 + 0x2a}, 32)) {
		t.Fatalf("go-ethereum: out %x err %v", wantOut, wantErr)
	}
	if err != nil || !bytes.Equal(out, wantOut) || left != wantLeft || slots(st) != slots(ref) {
		t.Fatalf("after the panic: out %x gas left %d err %v slots %x; go-ethereum: out %x gas left %d slots %x",
			out, left, err, slots(st), wantOut, wantLeft, slots(ref))
	}
}

// TestSharedCacheConcurrent runs many EVMs on their own states with one
// translation cache; run it with -race.
func TestSharedCacheConcurrent(t *testing.T) {
	// Sums 1..100 in a loop and returns the result.
	code := common.FromHex("600060645b801560155790810190600190036004565b5060005260206000f3")
	cache := runtime.NewCache(0)
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := stateWith(t, code)
			evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{Cache: cache})
			for range 20 {
				out, _, err := evm.Call(context.Background(), testSender, testContract, nil, 1_000_000, new(uint256.Int))
				if err != nil {
					t.Error(err)
					return
				}
				results[i] = out
			}
		}()
	}
	wg.Wait()
	want := common.LeftPadBytes(big.NewInt(5050).Bytes(), 32)
	for i, r := range results {
		if string(r) != string(want) {
			t.Errorf("goroutine %d: got %x, want %x", i, r, want)
		}
	}
	if n := cache.Len(); n != 1 {
		t.Errorf("cache holds %d translations of one code, want 1", n)
	}
}

func TestCacheBounded(t *testing.T) {
	cache := runtime.NewCache(100)
	for i := range 50 {
		code := []byte{0x60, byte(i), 0x00}
		if _, err := cache.Program(common.Hash{byte(i)}, code, blocks.Latest, translate.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := cache.Len(); n > 100/4+1 {
		t.Errorf("cache kept %d programs beyond its 100-byte bound", n)
	}
}
