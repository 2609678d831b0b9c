package sim

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// The system calls a block makes around its transactions, as go-ethereum's
// block processing makes them (core.PreExecution, core.PostExecution):
// before, EIP-4788's beacon root and EIP-2935's parent hash; after, the
// withdrawals and EIP-7002's and EIP-7251's request queues. They change
// the state (their contracts' storage, the withdrawals' recipients), so a
// block's state root needs them.

// systemCallGas is the gas of a system call before Amsterdam.
const systemCallGas = 30_000_000

// StateRoots follows a simulation's state one transaction (or system call)
// at a time and gives the state root at the end of each block
// (fork.Roots). touched lists the accounts, and their slots, the step
// changed; post is the state after it, finalised.
type StateRoots interface {
	Step(ctx context.Context, rules params.Rules, touched map[common.Address][]common.Hash, post vm.StateDB) error
	Root(ctx context.Context, rules params.Rules) (common.Hash, error)
}

// blockSteps runs a block's steps on st: it finalises each and, with
// roots, hands roots what it changed.
type blockSteps struct {
	ctx   context.Context
	evm   *runtime.EVM
	st    *hyvmstate.Overlay
	rules params.Rules
	roots StateRoots
}

// finalise ends a step that began at journal mark.
func (s *blockSteps) finalise(mark int) error {
	var touched map[common.Address][]common.Hash
	if s.roots != nil {
		touched = touchedSince(s.st, mark)
	}
	s.st.Finalise(s.rules)
	if s.roots == nil {
		return nil
	}
	return s.roots.Step(s.ctx, s.rules, touched, s.st)
}

// touchedSince lists what st changed since mark.
func touchedSince(st *hyvmstate.Overlay, mark int) map[common.Address][]common.Hash {
	diff := st.DiffSince(mark)
	out := make(map[common.Address][]common.Hash, len(diff))
	for addr, d := range diff {
		keys := make([]common.Hash, 0, len(d.Storage))
		for k := range d.Storage {
			keys = append(keys, k)
		}
		out[addr] = keys
	}
	return out
}

// systemCall calls to with data from the system address, with no fees
// and its own access list, and finalises the state after it; it returns
// the call's output.
func (s *blockSteps) systemCall(to common.Address, data []byte) ([]byte, error) {
	s.evm.SetTxContext(vm.TxContext{Origin: params.SystemAddress, GasPrice: new(uint256.Int)})
	s.st.Prepare(s.rules, common.Address{}, common.Address{}, nil, nil, nil)
	s.st.SetTxContext(common.Hash{}, 0, 0)
	mark := s.st.Snapshot()
	s.st.AddAddressToAccessList(to)
	out, _, err := s.evm.Call(s.ctx, params.SystemAddress, to, data, systemCallGas, new(uint256.Int))
	if ferr := s.finalise(mark); ferr != nil {
		return nil, ferr
	}
	return out, err
}

// preExecution makes the system calls before a block's transactions.
func (s *blockSteps) preExecution(chain *params.ChainConfig, header *types.Header, parentHash common.Hash) error {
	if header.ParentBeaconRoot != nil {
		if _, err := s.systemCall(params.BeaconRootsAddress, header.ParentBeaconRoot[:]); err != nil && s.ctx.Err() != nil {
			return err
		}
	}
	if chain.IsPrague(header.Number, header.Time) {
		if _, err := s.systemCall(params.HistoryStorageAddress, parentHash[:]); err != nil && s.ctx.Err() != nil {
			return err
		}
	}
	return nil
}

// postExecution credits a block's withdrawals and makes the system calls
// after its transactions, returning the block's EIP-7685 requests (nil
// before Prague).
func (s *blockSteps) postExecution(chain *params.ChainConfig, header *types.Header, logs []*types.Log, withdrawals types.Withdrawals) ([][]byte, error) {
	if s.rules.IsShanghai {
		s.st.Prepare(s.rules, common.Address{}, common.Address{}, nil, nil, nil)
		s.st.SetTxContext(common.Hash{}, 0, 0)
		mark := s.st.Snapshot()
		for _, w := range withdrawals {
			amount := new(uint256.Int).Mul(uint256.NewInt(w.Amount), uint256.NewInt(params.GWei))
			s.st.AddBalance(w.Address, amount, tracing.BalanceIncreaseWithdrawal)
		}
		if err := s.finalise(mark); err != nil {
			return nil, err
		}
	}
	if !chain.IsPrague(header.Number, header.Time) {
		return nil, nil
	}
	requests := [][]byte{}
	deposits := []byte{0x00}
	for _, l := range logs {
		if l.Address == chain.DepositContractAddress && len(l.Topics) > 0 && l.Topics[0] == depositTopic {
			r, err := types.DepositLogToRequest(l.Data)
			if err != nil {
				return nil, fmt.Errorf("sim: a deposit log: %w", err)
			}
			deposits = append(deposits, r...)
		}
	}
	if len(deposits) > 1 {
		requests = append(requests, deposits)
	}
	for _, q := range []struct {
		kind byte
		addr common.Address
	}{{0x01, params.WithdrawalQueueAddress}, {0x02, params.ConsolidationQueueAddress}} {
		if len(s.st.GetCode(q.addr)) == 0 {
			return nil, fmt.Errorf("sim: empty system contract: no code at %v", q.addr)
		}
		out, err := s.systemCall(q.addr, nil)
		if err != nil {
			return nil, fmt.Errorf("sim: system call to %v failed: %w", q.addr, err)
		}
		if len(out) > 0 {
			requests = append(requests, append([]byte{q.kind}, out...))
		}
	}
	return requests, nil
}

// depositTopic is the topic of the deposit contract's DepositEvent
// (EIP-6110).
var depositTopic = common.HexToHash("0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5")
