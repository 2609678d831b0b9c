package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

// HyVM payload benchmarks: DeFi-style guests run by a wallet through HyVM
// on hyvm (translated and run in one shot, or with the translation cached)
// and, as the baseline, the same bytes installed as the wallet's code and
// called on go-ethereum's EVM. Both run in the wallet's context over the
// contracts scenario (contracts.go), so they have the same effects; HyVM's
// gas differs by its overhead, by design.

// hyvmScene is the committed contracts scenario with the wallet funded.
type hyvmScene struct {
	db       state.Database
	root     common.Hash
	payloads []HyVMPayload
}

func newHyVMScene(tb testing.TB) *hyvmScene {
	tb.Helper()
	db, st, w, err := hyvmWorld()
	if err != nil {
		tb.Fatal(err)
	}
	s := &hyvmScene{db: db}
	if s.payloads, err = buildPayloads(w); err != nil {
		tb.Fatal(err)
	}
	if s.root, err = st.Commit(runtime.Rules(Fork), 0); err != nil {
		tb.Fatal(err)
	}
	return s
}

// hyvmRun is one engine set up to run a payload repeatedly, each run
// reverted afterwards.
type hyvmRun struct {
	st   *state.StateDB
	run  func() ([]byte, error)
	last *hyvm.Result // through hyvm.Run: the last run's result
}

// open returns the scenario's state, warmed as a transaction from Sender to
// the wallet would be, with code installed at the wallet if given.
func (s *hyvmScene) open(tb testing.TB, code []byte) *state.StateDB {
	st, err := state.New(s.root, s.db)
	if err != nil {
		tb.Fatal(err)
	}
	if code != nil {
		st.SetCode(hyvmWallet, code, tracing.CodeChangeUnspecified)
	}
	st.Prepare(runtime.Rules(Fork), Sender, Sender, &hyvmWallet, runtime.Precompiles(Fork), nil)
	return st
}

// hyvmRunner runs p through HyVM on hyvm; cache nil translates everything
// (guest and contracts) afresh on every run.
func (s *hyvmScene) hyvmRunner(tb testing.TB, p HyVMPayload, cache *runtime.Cache) *hyvmRun {
	return s.backendRunner(tb, p, cache, runtime.BackendAuto)
}

// backendRunner is hyvmRunner with the guest and contracts on backend.
func (s *hyvmScene) backendRunner(tb testing.TB, p HyVMPayload, cache *runtime.Cache, backend runtime.Backend) *hyvmRun {
	st, run := s.hyvmEVM(tb, cache, backend)
	return &hyvmRun{st: st, run: func() ([]byte, error) { return run(p.Guest) }}
}

// newGuestRunner runs p through HyVM with the contracts' translations
// cached but a guest never seen before on every run, as a wallet sending a
// new payload each time would: p's bytes followed by a run counter, past its
// end, so that its hash is new and its behaviour the same.
func (s *hyvmScene) newGuestRunner(tb testing.TB, p HyVMPayload) *hyvmRun {
	st, run := s.hyvmEVM(tb, runtime.NewCache(0), runtime.BackendAuto)
	var n uint64
	return &hyvmRun{st: st, run: func() ([]byte, error) {
		n++
		return run(binary.BigEndian.AppendUint64(p.Guest[:len(p.Guest):len(p.Guest)], n))
	}}
}

// publicRunner runs p through hyvm.Run, the public path, as a wallet
// back end would: cache nil translates everything afresh on every run
// (one-shot); fresh makes the guest new on every run (as newGuestRunner).
func (s *hyvmScene) publicRunner(tb testing.TB, p HyVMPayload, cache *runtime.Cache, fresh bool) *hyvmRun {
	return s.publicRunnerAOT(tb, p, cache, fresh, nil)
}

// publicRunnerAOT is publicRunner with the contracts compiled ahead of time
// in aot (nil: none).
func (s *hyvmScene) publicRunnerAOT(tb testing.TB, p HyVMPayload, cache *runtime.Cache, fresh bool, aot *runtime.AOTRegistry) *hyvmRun {
	st := s.open(tb, nil)
	c := hyvm.Context{Fork: Fork, Block: blockContext(hyvmGas, contractsTime), Origin: Sender,
		GasPrice: uint256.NewInt(1), Host: hyvmWallet, Caller: Sender, Gas: hyvmGas, Depth: 1,
		Cache: cache, InTransaction: true, AOT: aot}
	var n uint64
	r := &hyvmRun{st: st}
	r.run = func() ([]byte, error) {
		guest := p.Guest
		if fresh {
			n++
			guest = binary.BigEndian.AppendUint64(p.Guest[:len(p.Guest):len(p.Guest)], n)
		}
		res, err := hyvm.Run(context.Background(), st, c, guest)
		if err != nil {
			return nil, err
		}
		r.last = res
		return res.ReturnData, res.Err
	}
	return r
}

// txRunner runs p through hyvm.Run as its own transaction (prepared, run
// on an overlay, written back and finalised) on a state opened afresh for
// every run: the time includes opening it.
func (s *hyvmScene) txRunner(tb testing.TB, p HyVMPayload, cache *runtime.Cache) *hyvmRun {
	c := hyvm.Context{Fork: Fork, Block: blockContext(hyvmGas, contractsTime), Origin: Sender,
		GasPrice: uint256.NewInt(1), Host: hyvmWallet, Caller: Sender, Gas: hyvmGas, Depth: 1, Cache: cache}
	return &hyvmRun{st: s.open(tb, nil), run: func() ([]byte, error) {
		st, err := state.New(s.root, s.db)
		if err != nil {
			return nil, err
		}
		res, err := hyvm.Run(context.Background(), st, c, p.Guest)
		if err != nil {
			return nil, err
		}
		return res.ReturnData, res.Err
	}}
}

// hyvmEVM returns a warmed state and a function running a guest in the
// wallet on it; cache nil gives every run a fresh cache.
func (s *hyvmScene) hyvmEVM(tb testing.TB, cache *runtime.Cache, backend runtime.Backend) (*state.StateDB, func([]byte) ([]byte, error)) {
	st := s.open(tb, nil)
	st.AddAddressToAccessList(hyvm.Reference.Address) // the wallet's DELEGATECALL warmed it
	block := blockContext(hyvmGas, contractsTime)
	call := runtime.GuestCall{HyVM: hyvm.Reference.Address, Host: hyvmWallet, Caller: Sender, Gas: hyvmGas, Depth: 1}
	newEVM := func(c *runtime.Cache) *runtime.EVM {
		evm := runtime.NewEVM(block, st, Fork, runtime.Config{Cache: c, HyVM: []runtime.HyVMContract{hyvm.Reference}, Backend: backend})
		evm.SetTxContext(vm.TxContext{Origin: Sender, GasPrice: uint256.NewInt(1)})
		return evm
	}
	var shared *runtime.EVM
	if cache != nil {
		shared = newEVM(cache)
	}
	return st, func(guest []byte) ([]byte, error) {
		evm := shared
		if evm == nil {
			evm = newEVM(runtime.NewCache(0))
		}
		out, _, err := evm.RunGuest(context.Background(), call, guest)
		return out, err
	}
}

// gethRunner calls p installed as the wallet's code on go-ethereum.
func (s *hyvmScene) gethRunner(tb testing.TB, p HyVMPayload) *hyvmRun {
	st := s.open(tb, p.Guest)
	m := reference.New(blockContext(hyvmGas, contractsTime), st, runtime.ChainConfig(Fork), vm.Config{})
	m.SetTxContext(vm.TxContext{Origin: Sender, GasPrice: uint256.NewInt(1)})
	return &hyvmRun{st: st, run: func() ([]byte, error) {
		out, _, err := m.Call(context.Background(), Sender, hyvmWallet, nil, hyvmGas, new(uint256.Int))
		return out, err
	}}
}

// once runs r and undoes it.
func (r *hyvmRun) once() ([]byte, error) {
	snap := r.st.Snapshot()
	out, err := r.run()
	r.st.RevertToSnapshot(snap)
	return out, err
}

// checkPayload runs p once on each side, keeping the effects, and fails
// unless both succeed with the same output, logs and resulting accounts
// (the wallet's code aside).
func (s *hyvmScene) checkPayload(tb testing.TB, p HyVMPayload) {
	tb.Helper()
	native, viaHyVM := s.gethRunner(tb, p), s.hyvmRunner(tb, p, nil)
	want, err := native.run()
	if err != nil {
		tb.Fatalf("%s on go-ethereum: %v (%x)", p.Name, err, want)
	}
	got, err := viaHyVM.run()
	if err != nil {
		tb.Fatalf("%s through HyVM: %v (%x)", p.Name, err, got)
	}
	if !bytes.Equal(got, want) {
		tb.Fatalf("%s: output %x through HyVM, %x natively", p.Name, got, want)
	}
	if a, b := viaHyVM.st.Logs(), native.st.Logs(); !sameLogs(a, b) {
		tb.Fatalf("%s: %d logs through HyVM, %d natively, or they differ", p.Name, len(a), len(b))
	}
	// hyvm.Run inside the open transaction (on an overlay merged into it)
	// leaves the state the engine leaves working on it directly.
	public := s.publicRunner(tb, p, nil, false)
	if got, err := public.run(); err != nil || !bytes.Equal(got, want) {
		tb.Fatalf("%s through hyvm.Run: output %x, error %v; natively %x", p.Name, got, err, want)
	}
	if a, b := public.st.Logs(), viaHyVM.st.Logs(); !sameLogs(a, b) {
		tb.Fatalf("%s: %d logs through hyvm.Run, %d through the engine, or they differ", p.Name, len(a), len(b))
	}
	if a, b := public.st.GetRefund(), viaHyVM.st.GetRefund(); a != b {
		tb.Fatalf("%s: refund %d through hyvm.Run, %d through the engine", p.Name, a, b)
	}
	if a, b := public.st.IntermediateRoot(runtime.Rules(Fork)), viaHyVM.st.IntermediateRoot(runtime.Rules(Fork)); a != b {
		tb.Fatalf("%s: root %v through hyvm.Run, %v through the engine", p.Name, a, b)
	}
	// The guest and the contracts it calls compiled ahead of time: the
	// same outcome, nothing translated.
	reg := testAOT(tb)
	cache := runtime.NewCache(0)
	aot := s.publicRunnerAOT(tb, p, cache, false, reg)
	if got, err := aot.run(); err != nil || !bytes.Equal(got, want) {
		tb.Fatalf("%s through hyvm.Run with the guest and contracts ahead of time: output %x, error %v; natively %x", p.Name, got, err, want)
	}
	if n := cache.Len(); n != 0 {
		tb.Fatalf("%s ahead of time: %d programs translated", p.Name, n)
	}
	if a, b := aot.last, public.last; a.GasUsed != b.GasUsed || a.Refund != b.Refund || len(a.Logs) != len(b.Logs) {
		tb.Fatalf("%s: ahead of time gas %d, refund %d, %d logs; translated gas %d, refund %d, %d logs", p.Name, a.GasUsed, a.Refund, len(a.Logs), b.GasUsed, b.Refund, len(b.Logs))
	}
	if a, b := aot.st.Logs(), viaHyVM.st.Logs(); !sameLogs(a, b) {
		tb.Fatalf("%s: %d logs with the contracts ahead of time, %d through the engine, or they differ", p.Name, len(a), len(b))
	}
	if a, b := aot.st.IntermediateRoot(runtime.Rules(Fork)), viaHyVM.st.IntermediateRoot(runtime.Rules(Fork)); a != b {
		tb.Fatalf("%s: root %v with the contracts ahead of time, %v through the engine", p.Name, a, b)
	}
	native.st.IntermediateRoot(runtime.Rules(Fork))
	for _, a := range touched(native.st) {
		x, y := viaHyVM.st, native.st
		if x.GetBalance(a).Cmp(y.GetBalance(a)) != 0 || x.GetNonce(a) != y.GetNonce(a) || x.GetStorageRoot(a) != y.GetStorageRoot(a) {
			tb.Fatalf("%s: account %v differs: balance %v/%v nonce %d/%d storage %v/%v", p.Name, a,
				x.GetBalance(a), y.GetBalance(a), x.GetNonce(a), y.GetNonce(a), x.GetStorageRoot(a), y.GetStorageRoot(a))
		}
	}
}

// touched lists the accounts a run may have changed: those that logged,
// the wallet and the payees.
func touched(st *state.StateDB) []common.Address {
	seen := map[common.Address]bool{hyvmWallet: true, Holder: true}
	for _, l := range st.Logs() {
		seen[l.Address] = true
		for i, t := range l.Topics {
			if i > 0 { // indexed event arguments: addresses, mostly
				seen[common.BytesToAddress(t[12:])] = true
			}
		}
	}
	out := make([]common.Address, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	return out
}

func sameLogs(a, b []*types.Log) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Address != b[i].Address || !bytes.Equal(a[i].Data, b[i].Data) || len(a[i].Topics) != len(b[i].Topics) {
			return false
		}
		for j, t := range a[i].Topics {
			if t != b[i].Topics[j] {
				return false
			}
		}
	}
	return true
}

// TestHyVMPayloads checks that every payload succeeds through HyVM with the
// effects of its native run, and is of a typical size.
func TestHyVMPayloads(t *testing.T) {
	s := newHyVMScene(t)
	for _, p := range s.payloads {
		t.Run(p.Name, func(t *testing.T) {
			t.Logf("%d bytes", len(p.Guest))
			if n := len(p.Guest); n < 200 || n > 5000 {
				t.Errorf("guest of %d bytes", n)
			}
			s.checkPayload(t, p)
		})
	}
}

// BenchmarkHyVM times each payload: BenchmarkHyVM/<payload>/<variant> with
// variants geth-contract (the bytes as a contract on go-ethereum),
// hyvm-oneshot (a fresh translation cache on every run: guest and contracts
// translated, then run), hyvm-newguest (contracts cached, the guest new on
// every run) and hyvm-cached (everything cached) on one reused EVM, the
// last also with the guest and contracts forced to closures
// (closure-cached) and to machine code (amd64-cached), and the
// same three through hyvm.Run, the public path (run-oneshot, run-newguest,
// run-cached: inside the scene's transaction, reverted after each run), and
// run-tx-cached: hyvm.Run as its own transaction on a state opened for the
// run (its default mode; the time includes opening a StateDB whose every
// account and slot is then read cold from the database, which the other
// variants read from a warm StateDB), and run-aot-cached: run-cached with
// the contracts compiled ahead of time (package aot). The hyvm variants also report geth/hyvm, go-ethereum's time
// over theirs (above 1 hyvm is faster).
func BenchmarkHyVM(b *testing.B) {
	s := newHyVMScene(b)
	for _, p := range s.payloads {
		s.checkPayload(b, p)
		var gethNs float64
		variants := []struct {
			name string
			run  func() *hyvmRun
		}{
			{"geth-contract", func() *hyvmRun { return s.gethRunner(b, p) }},
			{"hyvm-oneshot", func() *hyvmRun { return s.hyvmRunner(b, p, nil) }},
			{"hyvm-newguest", func() *hyvmRun { return s.newGuestRunner(b, p) }},
			{"hyvm-cached", func() *hyvmRun { return s.hyvmRunner(b, p, runtime.NewCache(0)) }},
			{"closure-cached", func() *hyvmRun { return s.backendRunner(b, p, runtime.NewCache(0), runtime.BackendClosure) }},
			{"amd64-cached", func() *hyvmRun { return s.backendRunner(b, p, runtime.NewCache(0), runtime.BackendAMD64) }},
			{"run-oneshot", func() *hyvmRun { return s.publicRunner(b, p, nil, false) }},
			{"run-newguest", func() *hyvmRun { return s.publicRunner(b, p, runtime.NewCache(0), true) }},
			{"run-cached", func() *hyvmRun { return s.publicRunner(b, p, runtime.NewCache(0), false) }},
			{"run-tx-cached", func() *hyvmRun { return s.txRunner(b, p, runtime.NewCache(0)) }},
			{"run-aot-cached", func() *hyvmRun { return s.publicRunnerAOT(b, p, runtime.NewCache(0), false, testAOT(b)) }},
		}
		want, err := s.gethRunner(b, p).once()
		if err != nil {
			b.Fatalf("%s on go-ethereum: %v", p.Name, err)
		}
		for _, v := range variants {
			b.Run(p.Name+"/"+v.name, func(b *testing.B) {
				r := v.run()
				out, err := r.once() // also warms a cache
				if err != nil {
					b.Fatal(err)
				}
				if v.name != "geth-contract" && !bytes.Equal(out, want) {
					b.Fatalf("%s: output %x, go-ethereum's %x", v.name, out, want)
				}
				b.ReportAllocs()
				b.ResetTimer()
				start := time.Now()
				for b.Loop() {
					r.once()
				}
				ns := float64(time.Since(start).Nanoseconds()) / float64(b.N)
				if v.name == "geth-contract" {
					gethNs = ns
				} else if gethNs > 0 {
					b.ReportMetric(gethNs/ns, "geth/hyvm")
				}
				b.ReportMetric(float64(len(p.Guest)), "guest-bytes")
			})
		}
	}
}
