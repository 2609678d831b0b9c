package hyvm

import (
	"bytes"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// StateDiff is what a run changed, by account. Accounts that did not change
// are absent.
type StateDiff map[common.Address]*AccountDiff

// AccountDiff lists what changed in one account. A nil field is unchanged,
// except for a created account, whose Balance and Nonce are always given.
type AccountDiff struct {
	Created bool // the account did not exist before
	Deleted bool // the account no longer exists
	Balance *Change[uint256.Int]
	Nonce   *Change[uint64]
	Code    *Change[[]byte]
	Storage map[common.Hash]Change[common.Hash]
}

// Change is a value before and after a run.
type Change[T any] struct{ Pre, Post T }

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
			d.Balance = &Change[uint256.Int]{pre.balance, post.balance}
		}
		if d.Created || pre.nonce != post.nonce {
			d.Nonce = &Change[uint64]{pre.nonce, post.nonce}
		}
		if !bytes.Equal(pre.code, post.code) {
			d.Code = &Change[[]byte]{pre.code, post.code}
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
				d.Storage[k] = Change[common.Hash]{v, now}
			}
		}
		if d.Created || d.Deleted || d.Balance != nil || d.Nonce != nil || d.Code != nil || d.Storage != nil {
			out[a] = d
		}
	}
	return out
}
