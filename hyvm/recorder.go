package hyvm

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// recorder wraps the state of a run: it remembers the value of every
// account and slot before its first change, and the logs that survive
// reverts, so that the run's effects can be reported as a diff.
type recorder struct {
	vm.StateDB
	accounts map[common.Address]*accountPre
	slots    map[common.Address]map[common.Hash]common.Hash
	logs     []*types.Log
	snaps    map[int]int // snapshot id -> number of logs when it was taken
}

type accountPre struct {
	exist   bool
	balance uint256.Int
	nonce   uint64
	code    []byte
}

func newRecorder(st vm.StateDB) *recorder {
	return &recorder{StateDB: st, accounts: map[common.Address]*accountPre{},
		slots: map[common.Address]map[common.Hash]common.Hash{}, snaps: map[int]int{}}
}

func (r *recorder) touch(a common.Address) {
	if _, ok := r.accounts[a]; ok {
		return
	}
	st := r.StateDB
	r.accounts[a] = &accountPre{exist: st.Exist(a), balance: *st.GetBalance(a), nonce: st.GetNonce(a), code: st.GetCode(a)}
}

func (r *recorder) CreateAccount(a common.Address)  { r.touch(a); r.StateDB.CreateAccount(a) }
func (r *recorder) CreateContract(a common.Address) { r.touch(a); r.StateDB.CreateContract(a) }
func (r *recorder) SelfDestruct(a common.Address)   { r.touch(a); r.StateDB.SelfDestruct(a) }
func (r *recorder) Touch(a common.Address)          { r.touch(a); r.StateDB.Touch(a) }

func (r *recorder) SubBalance(a common.Address, v *uint256.Int, why tracing.BalanceChangeReason) uint256.Int {
	r.touch(a)
	return r.StateDB.SubBalance(a, v, why)
}

func (r *recorder) AddBalance(a common.Address, v *uint256.Int, why tracing.BalanceChangeReason) uint256.Int {
	r.touch(a)
	return r.StateDB.AddBalance(a, v, why)
}

func (r *recorder) SetNonce(a common.Address, n uint64, why tracing.NonceChangeReason) {
	r.touch(a)
	r.StateDB.SetNonce(a, n, why)
}

func (r *recorder) SetCode(a common.Address, code []byte, why tracing.CodeChangeReason) []byte {
	r.touch(a)
	return r.StateDB.SetCode(a, code, why)
}

func (r *recorder) SetState(a common.Address, k, v common.Hash) common.Hash {
	r.touch(a)
	s := r.slots[a]
	if s == nil {
		s = map[common.Hash]common.Hash{}
		r.slots[a] = s
	}
	if _, ok := s[k]; !ok {
		s[k] = r.StateDB.GetState(a, k)
	}
	return r.StateDB.SetState(a, k, v)
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
