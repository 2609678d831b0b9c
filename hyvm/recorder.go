package hyvm

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/internal/statewatch"
)

// recorder wraps the state of a run: it keeps the logs that survive
// reverts and, when asked for a diff, remembers the value of every account
// and slot before its first change (told by statewatch), so that the run's
// effects can be reported as a diff.
type recorder struct {
	vm.StateDB // the watched state; base is the state it wraps
	base       vm.StateDB
	accounts   map[common.Address]*accountPre
	slots      map[common.Address]map[common.Hash]common.Hash
	logs       []*types.Log
	snaps      map[int]int // snapshot id -> number of logs when it was taken
}

type accountPre struct {
	exist   bool
	balance uint256.Int
	nonce   uint64
	code    []byte
}

// reset makes r record a run over st, keeping its maps' storage: the logs
// that survive, and with diff the values before the run of what it changes
// (through a wrapper that sees every write).
func (r *recorder) reset(st vm.StateDB, diff bool) {
	if r.accounts == nil {
		r.accounts = map[common.Address]*accountPre{}
		r.slots = map[common.Address]map[common.Hash]common.Hash{}
		r.snaps = map[int]int{}
	}
	clear(r.accounts)
	clear(r.slots)
	clear(r.snaps)
	r.base, r.logs = st, nil
	r.StateDB = st
	if diff {
		r.StateDB = statewatch.Wrap(st, statewatch.Hooks{Account: r.touch, Slot: r.touchSlot})
	}
}

// release lets go of the run's state and values: the result owns the logs.
func (r *recorder) release() {
	clear(r.accounts)
	clear(r.slots)
	clear(r.snaps)
	r.base, r.StateDB, r.logs = nil, nil, nil
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

func (r *recorder) AddLog(l *types.Log) {
	r.logs = append(r.logs, l)
	r.StateDB.AddLog(l)
}

func (r *recorder) Snapshot() int {
	id := r.StateDB.Snapshot()
	r.snaps[id] = len(r.logs)
	return id
}

func (r *recorder) RevertToSnapshot(id int) {
	if n, ok := r.snaps[id]; ok {
		r.logs = r.logs[:n]
	}
	r.StateDB.RevertToSnapshot(id)
}
