package runtime

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// applyAuthorizations installs the EIP-7702 delegations of a set-code
// transaction, in list order. An invalid authorization is skipped, not an
// error: the transaction stays valid and later entries still apply.
func applyAuthorizations(statedb vm.StateDB, chainID *uint256.Int, auths []types.SetCodeAuthorization) {
	for i := range auths {
		// The error only says why the entry was skipped; nothing to report.
		_ = applyAuthorization(statedb, chainID, &auths[i])
	}
}

// applyAuthorization applies one authorization: it bumps the authority's
// nonce and points its code at auth.Address (or clears the delegation when
// that is the zero address).
func applyAuthorization(statedb vm.StateDB, chainID *uint256.Int, auth *types.SetCodeAuthorization) error {
	authority, err := validateAuthorization(statedb, chainID, auth)
	if err != nil {
		return err
	}
	// The intrinsic gas charged every authorization as if it created an
	// account; an authority that already exists gets the difference back.
	if statedb.Exist(authority) {
		statedb.AddRefund(params.CallNewAccountGas - params.TxAuthTupleGas)
	}
	oldTarget, delegated := types.ParseDelegation(statedb.GetCode(authority))
	statedb.SetNonce(authority, auth.Nonce+1, tracing.NonceChangeAuthorization)
	switch {
	case auth.Address == (common.Address{}):
		if delegated {
			statedb.SetCode(authority, nil, tracing.CodeChangeAuthorizationClear)
		}
	case !delegated || oldTarget != auth.Address:
		statedb.SetCode(authority, types.AddressToDelegation(auth.Address), tracing.CodeChangeAuthorization)
	}
	return nil
}

// validateAuthorization checks an authorization against the chain and the
// state and returns the authority that signed it. Once the signature is
// recovered the authority is warmed, whether or not the rest is valid.
func validateAuthorization(statedb vm.StateDB, chainID *uint256.Int, auth *types.SetCodeAuthorization) (common.Address, error) {
	if !auth.ChainID.IsZero() && !auth.ChainID.Eq(chainID) {
		return common.Address{}, core.ErrAuthorizationWrongChainID
	}
	if auth.Nonce+1 < auth.Nonce {
		return common.Address{}, core.ErrAuthorizationNonceOverflow
	}
	authority, err := auth.Authority()
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", core.ErrAuthorizationInvalidSignature, err)
	}
	statedb.AddAddressToAccessList(authority)
	code := statedb.GetCode(authority)
	if _, delegated := types.ParseDelegation(code); len(code) != 0 && !delegated {
		return authority, core.ErrAuthorizationDestinationHasCode
	}
	if have := statedb.GetNonce(authority); have != auth.Nonce {
		return authority, fmt.Errorf("%w: have %d, want %d", core.ErrAuthorizationNonceMismatch, have, auth.Nonce)
	}
	return authority, nil
}
