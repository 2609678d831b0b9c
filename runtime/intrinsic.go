package runtime

import (
	"bytes"
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// IntrinsicGas is the gas a transaction pays before any code runs
// (Cancun through Osaka): the base cost (21000, or 53000 for a creation),
// calldata (4 per zero byte, 16 per other byte, EIP-2028), initcode words
// (2 per 32 bytes, EIP-3860), access-list entries (2400 per address, 1900 per
// storage key, EIP-2930) and EIP-7702 authorizations (25000 each).
func IntrinsicGas(data []byte, accessList types.AccessList, authorizations int, isCreate bool) (uint64, error) {
	gas := uint64(params.TxGas)
	if isCreate {
		gas = params.TxGasContractCreation
	}
	var err error
	add := func(n, unit uint64) {
		if err != nil || n == 0 {
			return
		}
		if n > (math.MaxUint64-gas)/unit {
			err = fmt.Errorf("%w: intrinsic gas", core.ErrGasUintOverflow)
			return
		}
		gas += n * unit
	}
	zeros := uint64(bytes.Count(data, []byte{0}))
	add(uint64(len(data))-zeros, params.TxDataNonZeroGasEIP2028)
	add(zeros, params.TxDataZeroGas)
	if isCreate {
		add(toWordSize(uint64(len(data))), params.InitCodeWordGas)
	}
	add(uint64(len(accessList)), params.TxAccessListAddressGas)
	add(uint64(accessList.StorageKeys()), params.TxAccessListStorageKeyGas)
	add(uint64(authorizations), params.CallNewAccountGas)
	return gas, err
}

// FloorDataGas is the EIP-7623 minimum a transaction pays since Prague:
// 21000 plus 10 per calldata token, a zero byte being one token and any other
// byte four.
func FloorDataGas(data []byte) (uint64, error) {
	zeros := uint64(bytes.Count(data, []byte{0}))
	nonZeros := uint64(len(data)) - zeros
	// len(data) fits in an int, so tokens cannot overflow; the product can.
	tokens := nonZeros*params.TxTokenPerNonZeroByte + zeros
	if tokens > (math.MaxUint64-params.TxGas)/params.TxCostFloorPerToken {
		return 0, fmt.Errorf("%w: calldata floor", core.ErrGasUintOverflow)
	}
	return params.TxGas + tokens*params.TxCostFloorPerToken, nil
}

// toWordSize is the number of 32-byte words needed to hold size bytes.
func toWordSize(size uint64) uint64 {
	return size/32 + min(size%32, 1)
}
