// Package sim runs simulations on a state: calls and bundles with the
// state and block overrides go-ethereum's eth_call and eth_simulateV1
// take, and the blocks eth_simulateV1 builds.
package sim

import (
	"fmt"
	"maps"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvmstate"
	"github.com/hyvm/hyvm/runtime"
)

// StateOverride replaces parts of accounts for a simulation, in the JSON
// shape of eth_call's third parameter.
type StateOverride map[common.Address]OverrideAccount

// OverrideAccount is what an override replaces in one account.
type OverrideAccount struct {
	Nonce     *hexutil.Uint64             `json:"nonce,omitempty"`
	Code      *hexutil.Bytes              `json:"code,omitempty"`
	Balance   *hexutil.Big                `json:"balance,omitempty"`
	State     map[common.Hash]common.Hash `json:"state,omitempty"` // the whole storage: other slots read as zero
	StateDiff map[common.Hash]common.Hash `json:"stateDiff,omitempty"`
	// MovePrecompileTo moves the precompile at this address elsewhere
	// (eth_simulateV1, eth_call): the address becomes an account like any
	// other, which the override's other fields may then change.
	MovePrecompileTo *common.Address `json:"movePrecompileToAddress,omitempty"`
}

// Apply writes the overrides into st, in address order, then settles them
// as go-ethereum does (a Finalise under no fork's rules), so that they read
// as if a transaction just before the simulation had made them: for
// SSTORE's gas, an overridden slot's original value is the override.
// Nothing is applied if an override is malformed or unsupported.
//
// As go-ethereum's node, an override of a precompile's address makes it
// an account like any other, and movePrecompileToAddress moves the
// precompile elsewhere: Apply then returns the precompiled contracts the
// run must use instead of fork's (runtime.Config.Precompiles); nil when
// no override concerns them.
func (so StateOverride) Apply(st *hyvmstate.Overlay, fork blocks.Fork) (vm.PrecompiledContracts, error) {
	return so.apply(st, fork, nil)
}

// apply is Apply, handing settled, after each settlement, what it changed
// (the accounts, and their overridden slots).
func (so StateOverride) apply(st *hyvmstate.Overlay, fork blocks.Fork, settled func(touched map[common.Address][]common.Hash) error) (vm.PrecompiledContracts, error) {
	addrs := slices.SortedFunc(maps.Keys(so), common.Address.Cmp)
	var precompiles vm.PrecompiledContracts // a copy of fork's, once an override concerns one
	for _, addr := range addrs {
		a := so[addr]
		switch {
		case a.State != nil && a.StateDiff != nil:
			return nil, fmt.Errorf("sim: account %s has both 'state' and 'stateDiff'", addr.Hex())
		case a.Balance != nil && ((*big.Int)(a.Balance).Sign() < 0 || (*big.Int)(a.Balance).BitLen() > 256):
			return nil, fmt.Errorf("sim: account %s: balance %v out of range", addr.Hex(), a.Balance)
		}
		if _, isPrecompile := runtime.Precompile(fork, addr); precompiles == nil && (a.MovePrecompileTo != nil || isPrecompile) {
			precompiles = runtime.PrecompileSet(fork)
		}
	}
	if precompiles != nil {
		// In the node's words (its override.Apply).
		for _, addr := range addrs {
			a := so[addr]
			p, isPrecompile := runtime.Precompile(fork, addr)
			if to := a.MovePrecompileTo; to != nil {
				if !isPrecompile {
					return nil, fmt.Errorf("account %s is not a precompile", addr.Hex())
				}
				if _, ok := so[*to]; ok {
					return nil, fmt.Errorf("account %s is already overridden", to.Hex())
				}
				precompiles[*to] = p
			}
			if isPrecompile {
				delete(precompiles, addr)
			}
		}
	}
	// Whole storage replaced: the account goes (its storage with it) and
	// comes back as it was, before the overrides apply to it.
	type kept struct {
		nonce   uint64
		code    []byte
		balance *uint256.Int
	}
	replaced := map[common.Address]kept{}
	for _, addr := range addrs {
		if so[addr].State != nil && st.Exist(addr) {
			replaced[addr] = kept{st.GetNonce(addr), st.GetCode(addr), st.GetBalance(addr).Clone()}
			st.SelfDestruct(addr)
		}
	}
	if len(replaced) > 0 {
		st.Finalise(params.Rules{})
		if settled != nil {
			gone := map[common.Address][]common.Hash{}
			for addr := range replaced {
				gone[addr] = nil
			}
			if err := settled(gone); err != nil {
				return nil, err
			}
		}
		for addr, k := range replaced {
			st.CreateAccount(addr)
			st.SetNonce(addr, k.nonce, tracing.NonceChangeUnspecified)
			st.SetCode(addr, k.code, tracing.CodeChangeUnspecified)
			st.SetBalance(addr, k.balance, tracing.BalanceChangeUnspecified)
		}
	}
	for _, addr := range addrs {
		a := so[addr]
		if a.Nonce != nil {
			st.SetNonce(addr, uint64(*a.Nonce), tracing.NonceChangeUnspecified)
		}
		if a.Code != nil {
			st.SetCode(addr, *a.Code, tracing.CodeChangeUnspecified)
		}
		if a.Balance != nil {
			balance, _ := uint256.FromBig((*big.Int)(a.Balance))
			st.SetBalance(addr, balance, tracing.BalanceChangeUnspecified)
		}
		for key, value := range a.StateDiff {
			st.SetState(addr, key, value)
		}
		for key, value := range a.State {
			st.SetState(addr, key, value)
		}
	}
	st.Finalise(params.Rules{})
	if settled == nil {
		return precompiles, nil
	}
	touched := map[common.Address][]common.Hash{}
	for _, addr := range addrs {
		a := so[addr]
		keys := slices.Collect(maps.Keys(a.StateDiff))
		touched[addr] = append(keys, slices.Collect(maps.Keys(a.State))...)
	}
	return precompiles, settled(touched)
}
