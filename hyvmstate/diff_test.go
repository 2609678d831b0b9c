package hyvmstate

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// TestDiffSince runs scripts of changes on an overlay and on go-ethereum's
// StateDB over the same pre-state, and requires the overlay's DiffSince
// to be what reading every test account and slot of go-ethereum's state
// before and after the script shows.
func TestDiffSince(t *testing.T) {
	const why = tracing.BalanceChangeUnspecified
	scripts := []struct {
		name string
		run  func(st vm.StateDB)
	}{
		{"balances and a nonce", func(st vm.StateDB) {
			st.SubBalance(aa, uint256.NewInt(7), why)
			st.AddBalance(bb, uint256.NewInt(7), why)
			st.SetNonce(aa, 4, tracing.NonceChangeUnspecified)
		}},
		{"a slot written, another written back", func(st vm.StateDB) {
			st.SetState(aa, k1, v3)
			st.SetState(cc, k1, v2)
			st.SetState(cc, k1, v1) // its value before: no change
		}},
		{"an inner revert", func(st vm.StateDB) {
			st.SetState(aa, fuzzKeys[2], v1)
			id := st.Snapshot()
			st.SetState(aa, k1, v1)
			st.AddBalance(bb, uint256.NewInt(1), why)
			st.RevertToSnapshot(id)
		}},
		{"a contract created with storage", func(st vm.StateDB) {
			st.CreateAccount(dd)
			st.CreateContract(dd)
			st.SetCode(dd, fuzzCodes[2], tracing.CodeChangeUnspecified)
			st.SetNonce(dd, 1, tracing.NonceChangeUnspecified)
			st.SetState(dd, fuzzKeys[3], v3)
		}},
		{"code replaced", func(st vm.StateDB) {
			st.SetCode(aa, fuzzCodes[1], tracing.CodeChangeUnspecified)
		}},
		{"a new contract self-destructs", func(st vm.StateDB) {
			st.CreateAccount(dd)
			st.CreateContract(dd)
			st.AddBalance(dd, uint256.NewInt(5), why)
			st.SelfDestruct(dd)
		}},
	}
	for _, sc := range scripts {
		t.Run(sc.name, func(t *testing.T) {
			ref, backing := fuzzPreState(t)
			o := New(backing)
			o.Prepare(fuzzRules, bb, bb, &aa, nil, nil)
			ref.Prepare(fuzzRules, bb, bb, &aa, nil, nil)
			// A change before the mark is not part of the diff.
			for _, st := range []vm.StateDB{o, ref} {
				st.AddBalance(cc, uint256.NewInt(1), why)
			}
			before := snapshotOf(ref)
			id := o.Snapshot()
			sc.run(o)
			sc.run(ref)
			want := expectedDiff(before, snapshotOf(ref))
			got := o.DiffSince(id)
			if g, w := describeDiff(got), describeDiff(want); g != w {
				t.Errorf("diff\n got: %s\nwant: %s", g, w)
			}
		})
	}
}

// view is every test account and slot of a state.
type view map[common.Address]accountView

type accountView struct {
	exist, destructed bool
	balance           uint256.Int
	nonce             uint64
	code              []byte
	slots             map[common.Hash]common.Hash
}

func snapshotOf(st vm.StateDB) view {
	v := view{}
	for _, a := range fuzzAddrs {
		av := accountView{exist: st.Exist(a), destructed: st.HasSelfDestructed(a), balance: *st.GetBalance(a),
			nonce: st.GetNonce(a), code: st.GetCode(a), slots: map[common.Hash]common.Hash{}}
		for _, k := range fuzzKeys {
			av.slots[k] = st.GetState(a, k)
		}
		v[a] = av
	}
	return v
}

// expectedDiff is StateDiff's definition applied to two views.
func expectedDiff(pre, post view) StateDiff {
	out := StateDiff{}
	for a, p := range pre {
		q := post[a]
		if !p.exist && !q.exist {
			continue
		}
		d := &AccountDiff{Created: !p.exist && q.exist, Deleted: p.exist && (!q.exist || q.destructed)}
		if d.Created || p.balance != q.balance {
			d.Balance = &Change[uint256.Int]{Pre: p.balance, Post: q.balance}
		}
		if d.Created || p.nonce != q.nonce {
			d.Nonce = &Change[uint64]{Pre: p.nonce, Post: q.nonce}
		}
		if !bytes.Equal(p.code, q.code) {
			d.Code = &Change[[]byte]{Pre: p.code, Post: q.code}
		}
		for k, v := range p.slots {
			if q.slots[k] != v {
				if d.Storage == nil {
					d.Storage = map[common.Hash]Change[common.Hash]{}
				}
				d.Storage[k] = Change[common.Hash]{Pre: v, Post: q.slots[k]}
			}
		}
		if d.Created || d.Deleted || d.Balance != nil || d.Nonce != nil || d.Code != nil || d.Storage != nil {
			out[a] = d
		}
	}
	return out
}

// describeDiff prints d in a fixed order.
func describeDiff(d StateDiff) string {
	var b bytes.Buffer
	for _, a := range d.Addresses() {
		x := d[a]
		fmt.Fprintf(&b, "[%x created=%v deleted=%v", a, x.Created, x.Deleted)
		if x.Balance != nil {
			fmt.Fprintf(&b, " balance %v->%v", &x.Balance.Pre, &x.Balance.Post)
		}
		if x.Nonce != nil {
			fmt.Fprintf(&b, " nonce %d->%d", x.Nonce.Pre, x.Nonce.Post)
		}
		if x.Code != nil {
			fmt.Fprintf(&b, " code %x->%x", x.Code.Pre, x.Code.Post)
		}
		for _, k := range fuzzKeys {
			if c, ok := x.Storage[k]; ok {
				fmt.Fprintf(&b, " slot %x: %x->%x", k, c.Pre, c.Post)
			}
		}
		b.WriteString("] ")
	}
	return b.String()
}
