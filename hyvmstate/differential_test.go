package hyvmstate

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hyvm/hyvm/runtime"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// The differential test drives go-ethereum's StateDB and an overlay over an
// identical one with the same random operations, and compares every
// observable after each one and the state roots at the end.

var (
	fuzzAddrs = []common.Address{
		common.BytesToAddress([]byte{3}), // RIPEMD-160: empty in the pre-state
		common.HexToAddress("0xaa"),      // balance, nonce, code, storage
		common.HexToAddress("0xbb"),      // balance only
		common.HexToAddress("0xcc"),      // empty, with storage
		common.HexToAddress("0xdd"),      // absent
		common.HexToAddress("0xee"),      // absent
	}
	fuzzKeys   = []common.Hash{{}, {31: 1}, {31: 2}, {0: 9}}
	fuzzValues = []common.Hash{{}, {31: 1}, {31: 2}, {5: 7}}
	fuzzCodes  = [][]byte{nil, {0x60, 0x00}, {0x5f, 0x5f, 0xf3}}
	fuzzRules  = params.Rules{IsEIP150: true, IsEIP155: true, IsEIP158: true, IsByzantium: true,
		IsBerlin: true, IsEIP2929: true, IsLondon: true, IsShanghai: true, IsCancun: true}
)

// fuzzPreState commits the pre-state and returns two independent StateDBs
// opened on it.
func fuzzPreState(t testing.TB) (*state.StateDB, *state.StateDB) {
	t.Helper()
	db := runtime.NewMemoryDatabase()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		t.Fatal(err)
	}
	const why = tracing.BalanceChangeUnspecified
	st.CreateAccount(fuzzAddrs[0])
	st.SetBalance(fuzzAddrs[1], uint256.NewInt(1000), why)
	st.SetNonce(fuzzAddrs[1], 3, tracing.NonceChangeUnspecified)
	st.SetCode(fuzzAddrs[1], []byte{0x60, 0x01}, tracing.CodeChangeUnspecified)
	st.SetState(fuzzAddrs[1], fuzzKeys[1], fuzzValues[2])
	st.SetState(fuzzAddrs[1], fuzzKeys[3], fuzzValues[3])
	st.SetBalance(fuzzAddrs[2], uint256.NewInt(50), why)
	st.SetState(fuzzAddrs[3], fuzzKeys[1], fuzzValues[1])
	root, err := st.Commit(params.Rules{}, 0) // no EIP-158: the empty accounts stay
	if err != nil {
		t.Fatal(err)
	}
	a, err := state.New(root, db)
	if err != nil {
		t.Fatal(err)
	}
	b, err := state.New(root, db)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// loggedState is a state that lists its logs, as both sides do.
type loggedState interface {
	vm.StateDB
	Logs() []*types.Log
}

type fuzzRun struct {
	t     *testing.T
	seed  int
	rng   *rand.Rand
	ref   *state.StateDB
	side  loggedState // compared with ref: ov, or (TestJoinAndMerge) its backing state
	ov    *Overlay    // nil while side is a StateDB
	rules params.Rules
	// joined: side is an overlay joined to a transaction, which it cannot
	// end; its logs are ref's from the index logBase on, not yet stamped.
	joined  bool
	logBase int
	sparse  bool     // compare after some steps only (check)
	snaps   [][2]int // reference and overlay snapshot ids
	trace   []string
}

func (f *fuzzRun) addr() common.Address { return fuzzAddrs[f.rng.IntN(len(fuzzAddrs))] }
func (f *fuzzRun) key() common.Hash     { return fuzzKeys[f.rng.IntN(len(fuzzKeys))] }
func (f *fuzzRun) value() common.Hash   { return fuzzValues[f.rng.IntN(len(fuzzValues))] }
func (f *fuzzRun) amount() *uint256.Int {
	return uint256.NewInt([]uint64{0, 0, 1, 7, 100}[f.rng.IntN(5)])
}

// both applies op to both states, named for the failure trace.
func (f *fuzzRun) both(name string, op func(s vm.StateDB)) {
	f.trace = append(f.trace, name)
	op(f.ref)
	op(f.side)
}

func (f *fuzzRun) step() {
	a, k := f.addr(), f.key()
	switch f.rng.IntN(20) {
	case 0:
		if !f.ref.Exist(a) { // the EVM only creates absent accounts
			f.both(fmt.Sprintf("CreateAccount(%x)", a[19]), func(s vm.StateDB) { s.CreateAccount(a) })
		}
	case 1:
		if f.ref.Exist(a) {
			f.both(fmt.Sprintf("CreateContract(%x)", a[19]), func(s vm.StateDB) { s.CreateContract(a) })
		}
	case 2, 3:
		v := f.amount()
		var prev [2]uint256.Int
		f.both(fmt.Sprintf("AddBalance(%x, %v)", a[19], v), func(s vm.StateDB) {
			if s == vm.StateDB(f.ref) {
				prev[0] = s.AddBalance(a, v, 0)
			} else {
				prev[1] = s.AddBalance(a, v, 0)
			}
		})
		if prev[0] != prev[1] {
			f.t.Fatalf("AddBalance returned %v, go-ethereum %v", &prev[1], &prev[0])
		}
	case 4:
		v := f.amount()
		if f.ref.GetBalance(a).Cmp(v) >= 0 {
			f.both(fmt.Sprintf("SubBalance(%x, %v)", a[19], v), func(s vm.StateDB) { s.SubBalance(a, v, 0) })
		}
	case 5:
		n := f.rng.Uint64N(3)
		f.both(fmt.Sprintf("SetNonce(%x, %d)", a[19], n), func(s vm.StateDB) { s.SetNonce(a, n, 0) })
	case 6:
		c := fuzzCodes[f.rng.IntN(len(fuzzCodes))]
		// go-ethereum v1.17's stateObject.SetCode journals the code it has
		// loaded, nil if none yet, so a revert then empties code it never
		// read (unreachable from the EVM, which sets code only on accounts
		// without any): load it first so that a StateDB reverts correctly
		// (the reference, and the side when it is one: the overlay is left
		// to meet SetCode on a record not loaded yet).
		f.ref.GetCode(a)
		if _, overlay := f.side.(*Overlay); !overlay {
			f.side.GetCode(a)
		}
		f.both(fmt.Sprintf("SetCode(%x, %x)", a[19], c), func(s vm.StateDB) { s.SetCode(a, c, 0) })
	case 7, 8, 9:
		v := f.value()
		var prev [2]common.Hash
		f.both(fmt.Sprintf("SetState(%x, %x, %x)", a[19], k[31], v[31]), func(s vm.StateDB) {
			if s == vm.StateDB(f.ref) {
				prev[0] = s.SetState(a, k, v)
			} else {
				prev[1] = s.SetState(a, k, v)
			}
		})
		if prev[0] != prev[1] {
			f.t.Fatalf("SetState returned %x, go-ethereum %x", prev[1], prev[0])
		}
	case 10:
		v := f.value()
		f.both(fmt.Sprintf("SetTransientState(%x, %x, %x)", a[19], k[31], v[31]), func(s vm.StateDB) { s.SetTransientState(a, k, v) })
	case 11:
		f.both(fmt.Sprintf("SelfDestruct(%x)", a[19]), func(s vm.StateDB) { s.SelfDestruct(a) })
	case 12:
		g := f.rng.Uint64N(5)
		if f.rng.IntN(2) == 0 {
			f.both(fmt.Sprintf("AddRefund(%d)", g), func(s vm.StateDB) { s.AddRefund(g) })
		} else if g <= f.ref.GetRefund() {
			f.both(fmt.Sprintf("SubRefund(%d)", g), func(s vm.StateDB) { s.SubRefund(g) })
		}
	case 13:
		if f.rng.IntN(2) == 0 {
			f.both(fmt.Sprintf("AddAddressToAccessList(%x)", a[19]), func(s vm.StateDB) { s.AddAddressToAccessList(a) })
		} else {
			f.both(fmt.Sprintf("AddSlotToAccessList(%x, %x)", a[19], k[31]), func(s vm.StateDB) { s.AddSlotToAccessList(a, k) })
		}
	case 14:
		f.both(fmt.Sprintf("AddLog(%x)", a[19]), func(s vm.StateDB) { s.AddLog(&types.Log{Address: a}) })
	case 15, 16:
		f.trace = append(f.trace, fmt.Sprintf("Snapshot #%d", len(f.snaps)))
		f.snaps = append(f.snaps, [2]int{f.ref.Snapshot(), f.side.Snapshot()})
	case 17:
		if len(f.snaps) > 0 {
			i := f.rng.IntN(len(f.snaps))
			f.trace = append(f.trace, fmt.Sprintf("RevertToSnapshot #%d", i))
			f.ref.RevertToSnapshot(f.snaps[i][0])
			f.side.RevertToSnapshot(f.snaps[i][1])
			f.snaps = f.snaps[:i]
		}
	case 18:
		if !f.joined {
			f.newTx()
		}
	case 19:
		f.both(fmt.Sprintf("Touch(%x)", a[19]), func(s vm.StateDB) { s.Touch(a) })
	}
}

// newTx finalises the transaction on both sides and prepares the next.
func (f *fuzzRun) newTx() {
	f.snaps = f.snaps[:0]
	if f.ov != nil && f.rng.IntN(3) == 0 {
		f.trace = append(f.trace, "Flush")
		f.ref.Finalise(f.rules)
		f.ov.Flush(f.rules)
	} else {
		f.both("Finalise", func(s vm.StateDB) { s.Finalise(f.rules) })
	}
	sender, coinbase, dst := f.addr(), f.addr(), f.addr()
	thash := common.Hash{byte(len(f.trace))}
	list := types.AccessList{{Address: f.addr(), StorageKeys: []common.Hash{f.key()}}}
	f.both(fmt.Sprintf("Prepare(%x, %x, %x)", sender[19], coinbase[19], dst[19]), func(s vm.StateDB) {
		s.SetTxContext(thash, len(f.trace), 0)
		s.Prepare(f.rules, sender, coinbase, &dst, []common.Address{fuzzAddrs[0]}, list)
	})
}

// compare fails on the first observable that differs.
func (f *fuzzRun) compare() {
	f.t.Helper()
	r, o := f.ref, f.side
	fail := func(what string, got, want any) {
		f.t.Helper()
		f.t.Fatalf("seed %d: %s: overlay %v, go-ethereum %v\nafter:\n%v", f.seed, what, got, want, f.trace)
	}
	for _, a := range fuzzAddrs {
		if g, w := o.Exist(a), r.Exist(a); g != w {
			fail(fmt.Sprintf("Exist(%x)", a[19]), g, w)
		}
		if g, w := o.Empty(a), r.Empty(a); g != w {
			fail(fmt.Sprintf("Empty(%x)", a[19]), g, w)
		}
		if g, w := o.GetBalance(a), r.GetBalance(a); !g.Eq(w) {
			fail(fmt.Sprintf("GetBalance(%x)", a[19]), g, w)
		}
		if g, w := o.GetNonce(a), r.GetNonce(a); g != w {
			fail(fmt.Sprintf("GetNonce(%x)", a[19]), g, w)
		}
		if g, w := o.GetCodeHash(a), r.GetCodeHash(a); g != w {
			fail(fmt.Sprintf("GetCodeHash(%x)", a[19]), g, w)
		}
		if g, w := o.GetCode(a), r.GetCode(a); string(g) != string(w) {
			fail(fmt.Sprintf("GetCode(%x)", a[19]), g, w)
		}
		if g, w := o.GetCodeSize(a), r.GetCodeSize(a); g != w {
			fail(fmt.Sprintf("GetCodeSize(%x)", a[19]), g, w)
		}
		if g, w := o.HasSelfDestructed(a), r.HasSelfDestructed(a); g != w {
			fail(fmt.Sprintf("HasSelfDestructed(%x)", a[19]), g, w)
		}
		if g, w := o.IsNewContract(a), r.IsNewContract(a); g != w {
			fail(fmt.Sprintf("IsNewContract(%x)", a[19]), g, w)
		}
		if g, w := o.AddressInAccessList(a), r.AddressInAccessList(a); g != w {
			fail(fmt.Sprintf("AddressInAccessList(%x)", a[19]), g, w)
		}
		for _, k := range fuzzKeys {
			gv, go_ := o.GetStateAndCommittedState(a, k)
			wv, wo := r.GetStateAndCommittedState(a, k)
			if gv != wv || go_ != wo {
				fail(fmt.Sprintf("GetStateAndCommittedState(%x, %x)", a[19], k[31]), [2]common.Hash{gv, go_}, [2]common.Hash{wv, wo})
			}
			if g, w := o.GetState(a, k), r.GetState(a, k); g != w {
				fail(fmt.Sprintf("GetState(%x, %x)", a[19], k[31]), g, w)
			}
			ga, gs := o.SlotInAccessList(a, k)
			wa, ws := r.SlotInAccessList(a, k)
			if ga != wa || gs != ws {
				fail(fmt.Sprintf("SlotInAccessList(%x, %x)", a[19], k[31]), [2]bool{ga, gs}, [2]bool{wa, ws})
			}
			if g, w := o.GetTransientState(a, k), r.GetTransientState(a, k); g != w {
				fail(fmt.Sprintf("GetTransientState(%x, %x)", a[19], k[31]), g, w)
			}
		}
	}
	if g, w := o.GetRefund(), r.GetRefund(); g != w {
		fail("GetRefund", g, w)
	}
	gl, wl := o.Logs(), r.Logs()
	if f.joined {
		wl = wl[min(f.logBase, len(wl)):]
	}
	if len(gl) != len(wl) {
		fail("len(Logs)", len(gl), len(wl))
	}
	for i := range gl {
		g, w := *gl[i], *wl[i]
		if g.Address != w.Address || !f.joined && (g.TxHash != w.TxHash || g.TxIndex != w.TxIndex || g.Index != w.Index) {
			fail(fmt.Sprintf("log %d", i), g, w)
		}
	}
}

var flagSeeds = flag.Int("hyvmstate.seeds", 0, "random operation sequences to compare (0: 400, or 50 with -short)")

// fuzzSeeds is how many operation sequences a differential test runs.
func fuzzSeeds() int {
	switch {
	case *flagSeeds > 0:
		return *flagSeeds
	case testing.Short():
		return 50
	}
	return 400
}

// newFuzzRun starts sequence seed of a test's random stream, comparing
// side (ov, if side is an overlay) with ref.
func newFuzzRun(t *testing.T, seed int, stream uint64, ref *state.StateDB, side loggedState, ov *Overlay) *fuzzRun {
	f := &fuzzRun{t: t, seed: seed, rng: rand.New(rand.NewPCG(uint64(seed), stream)), ref: ref, side: side, ov: ov, rules: fuzzRules}
	if seed%4 == 3 { // empty accounts survive without EIP-161
		f.rules.IsEIP158 = false
	}
	// Comparing reads every account and slot, which loads them all: most
	// sequences compare now and then, so that operations also meet records
	// made but not loaded and slots not yet seen.
	f.sparse = seed%5 >= 2
	return f
}

// check compares after a step: always, or for a sparse run one step in 8.
func (f *fuzzRun) check() {
	if !f.sparse || f.rng.IntN(8) == 0 {
		f.compare()
	}
}

func TestDifferentialAgainstGeth(t *testing.T) {
	const steps = 300
	ov := New(nil) // one overlay for every seed: Reset must leave nothing behind
	for seed := range fuzzSeeds() {
		ref, backing := fuzzPreState(t)
		ov.Reset(backing)
		f := newFuzzRun(t, seed, 1, ref, ov, ov)
		f.newTx()
		for range steps {
			f.step()
			f.check()
		}
		ref.Finalise(f.rules)
		f.ov.Flush(f.rules)
		if g, w := backing.IntermediateRoot(f.rules), ref.IntermediateRoot(f.rules); g != w {
			t.Fatalf("seed %d: flushed root %x, go-ethereum %x\nafter:\n%v", seed, g, w, f.trace)
		}
		f.compare() // the overlay stays consistent after a Flush
	}
}

// continuing is a state layer that continues a transaction already open
// on go-ethereum's StateDB and writes what it did into it: an Overlay
// (Join, Merge) or a SlotCache (Begin, Commit).
type continuing struct {
	begin  func(*state.StateDB) loggedState // the layer over the StateDB
	commit func()                           // writes into the StateDB; the layer goes on
	end    func()                           // after the last commit
	ov     *Overlay                         // the layer, if an Overlay
	// commitsLogs: a commit passes the logs on, and the layer's start
	// again (Merge); otherwise they are every log since begin.
	commitsLogs bool
}

// testContinuing checks layer over a transaction already open on
// go-ethereum's StateDB (after random operations there, earlier
// transactions included): every observable agrees with go-ethereum's while
// it runs; after a commit the StateDB agrees too, a snapshot taken before
// the layer began reverts what it wrote, and the transaction goes on and
// ends with go-ethereum's root.
func testContinuing(t *testing.T, stream uint64, layer continuing) {
	const steps = 120
	for seed := range fuzzSeeds() {
		ref, backing := fuzzPreState(t)
		f := newFuzzRun(t, seed, stream, ref, backing, nil)
		f.newTx()
		for range steps { // the transaction so far, and earlier ones
			f.step()
		}
		f.compare()

		before := [2]int{ref.Snapshot(), backing.Snapshot()}
		side := layer.begin(backing)
		f.trace = append(f.trace, "begin")
		f.side, f.ov, f.joined, f.logBase, f.snaps = side, layer.ov, true, len(ref.Logs()), nil
		for range steps {
			f.step()
			f.check()
		}
		layer.commit()
		f.trace = append(f.trace, "commit")
		if seed%2 == 0 { // the layer goes on in the same transaction
			f.snaps = nil
			if layer.commitsLogs {
				f.logBase = len(ref.Logs())
			}
			f.compare()
			for range steps {
				f.step()
				f.check()
			}
			layer.commit()
			f.trace = append(f.trace, "commit")
		}
		layer.end()
		f.side, f.ov, f.joined, f.snaps = backing, nil, false, nil
		f.compare()

		if seed%3 == 0 {
			f.trace = append(f.trace, "RevertToSnapshot(before begin)")
			ref.RevertToSnapshot(before[0])
			backing.RevertToSnapshot(before[1])
			f.compare()
		}
		for range steps {
			f.step()
			f.check()
		}
		ref.Finalise(f.rules)
		backing.Finalise(f.rules)
		if g, w := backing.IntermediateRoot(f.rules), ref.IntermediateRoot(f.rules); g != w {
			t.Fatalf("seed %d: root %x after the layer, go-ethereum %x\nafter:\n%v", seed, g, w, f.trace)
		}
	}
}

// TestJoinAndMerge checks an overlay that joins a transaction already open
// on go-ethereum's StateDB and merges into it (testContinuing).
func TestJoinAndMerge(t *testing.T) {
	ov := New(nil) // one overlay for every seed: Join must leave nothing behind
	testContinuing(t, 2, continuing{
		begin:       func(st *state.StateDB) loggedState { ov.Join(st); return ov },
		commit:      ov.Merge,
		end:         func() {},
		ov:          ov,
		commitsLogs: true,
	})
}
