package hyvm

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/internal/statewatch"
)

// recorder wraps the state of a run when asked for a diff: it remembers
// the value of every account and slot before its first change (told by
// statewatch), so that the run's effects can be reported as a diff. (The
// run's logs are the overlay's, which drops those of reverted frames.)
type recorder struct {
	vm.StateDB // the watched state; base is the state it wraps
	base       vm.StateDB
	accounts   map[common.Address]*accountPre
	slots      map[common.Address]map[common.Hash]common.Hash
}

type accountPre struct {
	exist   bool
	balance uint256.Int
	nonce   uint64
	code    []byte
}

// reset makes r record a run over st, keeping its maps' storage: the
// values before the run of what it changes, through a wrapper that sees
// every write.
func (r *recorder) reset(st vm.StateDB) {
	if r.accounts == nil {
		r.accounts = map[common.Address]*accountPre{}
		r.slots = map[common.Address]map[common.Hash]common.Hash{}
	}
	clear(r.accounts)
	clear(r.slots)
	r.base = st
	r.StateDB = statewatch.Wrap(st, statewatch.Hooks{Account: r.touch, Slot: r.touchSlot})
}

// release lets go of the run's state and values.
func (r *recorder) release() {
	clear(r.accounts)
	clear(r.slots)
	r.base, r.StateDB = nil, nil
}

func (r *recorder) touch(a common.Address) {
	if _, ok := r.accounts[a]; ok {
		return
	}
	st := r.base
	r.accounts[a] = &accountPre{exist: st.Exist(a), balance: *st.GetBalance(a), nonce: st.GetNonce(a), code: st.GetCode(a)}
}

func (r *recorder) touchSlot(a common.Address, k common.Hash) {
	s := r.slots[a]
	if s == nil {
		s = map[common.Hash]common.Hash{}
		r.slots[a] = s
	}
	if _, ok := s[k]; !ok {
		s[k] = r.base.GetState(a, k)
	}
}
