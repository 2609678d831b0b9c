// Package hyvmtest runs HyVM reference vectors (format hyvm-vectors/1, see
// shared/hyvm/README.md) on hyvm's engine and compares every field.
package hyvmtest

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Format is the vector format this package reads.
const Format = "hyvm-vectors/1"

// File is a vector file.
type File struct {
	Format      string      `json:"format"`
	Environment Environment `json:"environment"`
	Cases       []Case      `json:"cases"`
}

// Environment is the state and context shared by every case of a file.
type Environment struct {
	Fork        string           `json:"fork"`
	ChainID     uint64           `json:"chainId"`
	BlockNumber uint64           `json:"blockNumber"`
	Timestamp   uint64           `json:"timestamp"`
	Coinbase    common.Address   `json:"coinbase"`
	GasLimit    uint64           `json:"gasLimit"`
	BaseFee     *hexutil.Big     `json:"baseFee"`
	BlobBaseFee *hexutil.Big     `json:"blobBaseFee"`
	PrevRandao  common.Hash      `json:"prevRandao"`
	Origin      common.Address   `json:"origin"`
	GasPrice    *hexutil.Big     `json:"gasPrice"`
	Caller      common.Address   `json:"caller"`
	Host        common.Address   `json:"host"`
	HyVM        common.Address   `json:"hyvm"`
	CallValue   *hexutil.Big     `json:"callValue"`
	DefaultGas  uint64           `json:"defaultGas"`
	Warm        []common.Address `json:"warmAddressesAtFrameEntry"`
	PreState    []Account        `json:"preState"`
}

// Account is one pre-state account. Code is hex ("" for HyVM, whose code
// is not given: only CodeHash and CodeSize).
type Account struct {
	Address  common.Address              `json:"address"`
	Balance  *hexutil.Big                `json:"balance"`
	Exists   bool                        `json:"exists"`
	Nonce    uint64                      `json:"nonce"`
	Code     string                      `json:"code"`
	CodeHash string                      `json:"codeHash"`
	CodeSize int                         `json:"codeSize"`
	Storage  map[common.Hash]common.Hash `json:"storage"`
}

// Case is one guest program and what the real HyVM did with it.
type Case struct {
	Name       string                         `json:"name"`
	Group      string                         `json:"group"`
	Note       string                         `json:"note"`
	Code       hexutil.Bytes                  `json:"code"`
	Gas        uint64                         `json:"gas"`
	Success    bool                           `json:"success"`
	ReturnData hexutil.Bytes                  `json:"returnData"`
	GasUsed    uint64                         `json:"gasUsed"`
	Logs       []Log                          `json:"logs"`
	StateDiff  map[common.Address]AccountDiff `json:"stateDiff"`
	Refund     uint64                         `json:"refund"`
	Error      string                         `json:"error"`
}

// Log is an expected log.
type Log struct {
	Address common.Address `json:"address"`
	Topics  []common.Hash  `json:"topics"`
	Data    hexutil.Bytes  `json:"data"`
}

// AccountDiff is an expected account change.
type AccountDiff struct {
	Created bool                                 `json:"created"`
	Deleted bool                                 `json:"deleted"`
	Balance *PrePost[*hexutil.Big]               `json:"balance"`
	Nonce   *PrePost[hexutil.Uint64]             `json:"nonce"`
	Code    *PrePost[hexutil.Bytes]              `json:"code"`
	Storage map[common.Hash]PrePost[common.Hash] `json:"storage"`
}

// PrePost is a value before and after the run.
type PrePost[T any] struct {
	Pre  T `json:"pre"`
	Post T `json:"post"`
}

// Load reads a vector file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("%s: format %q, want %q", path, f.Format, Format)
	}
	return &f, nil
}
