// Package statetest runs the official Ethereum state tests (the filled JSON
// fixtures of execution-spec-tests and ethereum/tests) against any
// runtime.Machine, using hyvm's own transaction layer (runtime.ApplyMessage).
package statetest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

// fixture is one test entry of a state-test file (one top-level key).
type fixture struct {
	Config struct {
		ChainID      *num                    `json:"chainid"`
		BlobSchedule map[string]blobSchedule `json:"blobSchedule"`
	} `json:"config"`
	Env  env                    `json:"env"`
	Pre  types.GenesisAlloc     `json:"pre"`
	Tx   txTemplate             `json:"transaction"`
	Post map[string][]postState `json:"post"`
}

type blobSchedule struct {
	Target                *num `json:"target"`
	Max                   *num `json:"max"`
	BaseFeeUpdateFraction *num `json:"baseFeeUpdateFraction"`
}

// env is the block the transaction runs in.
type env struct {
	Coinbase      common.UnprefixedAddress `json:"currentCoinbase"`
	GasLimit      num                      `json:"currentGasLimit"`
	Number        num                      `json:"currentNumber"`
	Timestamp     num                      `json:"currentTimestamp"`
	Difficulty    *num                     `json:"currentDifficulty"`
	Random        *num                     `json:"currentRandom"`
	BaseFee       *num                     `json:"currentBaseFee"`
	ExcessBlobGas *num                     `json:"currentExcessBlobGas"`
}

// txTemplate is the transaction with its data, gas and value vectors; an
// outcome's indexes pick one element of each.
type txTemplate struct {
	Nonce                *num                `json:"nonce"`
	GasPrice             *num                `json:"gasPrice"`
	MaxFeePerGas         *num                `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *num                `json:"maxPriorityFeePerGas"`
	MaxFeePerBlobGas     *num                `json:"maxFeePerBlobGas"`
	To                   string              `json:"to"`
	Data                 []string            `json:"data"`
	AccessLists          []*types.AccessList `json:"accessLists"`
	GasLimit             []num               `json:"gasLimit"`
	Value                []string            `json:"value"`
	SecretKey            hexutil.Bytes       `json:"secretKey"`
	Sender               *common.Address     `json:"sender"`
	// Present (even empty) only in blob and set-code transactions.
	BlobVersionedHashes []common.Hash    `json:"blobVersionedHashes"`
	AuthorizationList   []*authorization `json:"authorizationList"`
}

// authorization is one EIP-7702 authorization tuple.
type authorization struct {
	ChainID *num           `json:"chainId"`
	Address common.Address `json:"address"`
	Nonce   *num           `json:"nonce"`
	V       *num           `json:"v"`
	YParity *num           `json:"yParity"`
	R       *num           `json:"r"`
	S       *num           `json:"s"`
}

// postState is one expected outcome for a fork.
type postState struct {
	Hash            common.UnprefixedHash `json:"hash"`
	Logs            common.UnprefixedHash `json:"logs"`
	TxBytes         hexutil.Bytes         `json:"txbytes"`
	ExpectException string                `json:"expectException"`
	Indexes         struct {
		Data  int `json:"data"`
		Gas   int `json:"gas"`
		Value int `json:"value"`
	} `json:"indexes"`
	// The full expected post-state; only decoded to explain a root mismatch.
	State json.RawMessage `json:"state"`
}

// num is a non-negative integer written in hex ("0x..") or decimal, as a
// JSON string or number. It is unbounded so that out-of-range values (a nonce
// of 2^64, a value over 2^256) load and can be judged as invalid
// transactions rather than as broken files.
type num big.Int

func (n *num) UnmarshalJSON(input []byte) error {
	s := strings.Trim(string(input), `"`)
	v, ok := parseNum(s)
	if !ok {
		return fmt.Errorf("invalid hex or decimal integer %q", s)
	}
	*n = num(*v)
	return nil
}

// parseNum parses hex (0x-prefixed, "0x" alone meaning 0) or decimal.
func parseNum(s string) (*big.Int, bool) {
	switch {
	case s == "0x" || s == "0X":
		return new(big.Int), true
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		v, ok := new(big.Int).SetString(s[2:], 16)
		return v, ok && v.Sign() >= 0
	default:
		v, ok := new(big.Int).SetString(s, 10)
		return v, ok && v.Sign() >= 0
	}
}

// big returns n as a *big.Int (nil for a nil n).
func (n *num) big() *big.Int { return (*big.Int)(n) }

// uint64 returns n, or false when it does not fit.
func (n *num) uint64() (uint64, bool) {
	if n == nil {
		return 0, true
	}
	return n.big().Uint64(), n.big().IsUint64()
}
