package hyvm

import (
	"bytes"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvmstate"
)

// StateDiff is what a run changed, by account. Accounts that did not change
// are absent.
type StateDiff = hyvmstate.StateDiff

// AccountDiff lists what changed in one account. A nil field is unchanged,
// except for a created account, whose Balance and Nonce are always given.
type AccountDiff = hyvmstate.AccountDiff

// Change is a value before and after a run.
type Change[T any] = hyvmstate.Change[T]

// diff compares the values recorded before the run with st now.
func (r *recorder) diff(st vm.StateDB) StateDiff {
	out := StateDiff{}
	addrs := make([]common.Address, 0, len(r.accounts))
	for a := range r.accounts {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(x, y common.Address) int { return bytes.Compare(x[:], y[:]) })
	for _, a := range addrs {
		pre, exist := r.accounts[a], st.Exist(a)
		if !pre.exist && !exist {
			continue
		}
		d := &AccountDiff{Created: !pre.exist, Deleted: !exist}
		post := accountPre{exist: exist}
		if exist {
			post.balance, post.nonce, post.code = *st.GetBalance(a), st.GetNonce(a), st.GetCode(a)
		}
		if d.Created || pre.balance != post.balance {
			d.Balance = &Change[uint256.Int]{Pre: pre.balance, Post: post.balance}
		}
		if d.Created || pre.nonce != post.nonce {
			d.Nonce = &Change[uint64]{Pre: pre.nonce, Post: post.nonce}
		}
		if !bytes.Equal(pre.code, post.code) {
			d.Code = &Change[[]byte]{Pre: pre.code, Post: post.code}
		}
		for k, v := range r.slots[a] {
			var now common.Hash
			if exist {
				now = st.GetState(a, k)
			}
			if now != v {
				if d.Storage == nil {
					d.Storage = map[common.Hash]Change[common.Hash]{}
				}
				d.Storage[k] = Change[common.Hash]{Pre: v, Post: now}
			}
		}
		if d.Created || d.Deleted || d.Balance != nil || d.Nonce != nil || d.Code != nil || d.Storage != nil {
			out[a] = d
		}
	}
	return out
}
