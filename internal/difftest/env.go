// Package difftest runs EVM programs through hyvm and through go-ethereum's
// EVM from the same pre-state and environment and compares everything a
// transaction's execution can affect: status, return data, gas used,
// refund, logs and the post-state root. It also generates random programs
// (progen.go) that exercise every opcode family and edge case.
package difftest

import (
	"fmt"
	"math"
	"math/big"

	"github.com/hyvm/hyvm/runtime"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/tests"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Accounts of the pre-state. Every case has all of them; only the code of
// the contract under test and of the callees varies.
var (
	Sender   = common.HexToAddress("0x5e4de00000000000000000000000000000000001")
	Coinbase = common.HexToAddress("0xc014ba5e00000000000000000000000000000002")
	// Target is the contract under test.
	Target = common.HexToAddress("0x7a49e70000000000000000000000000000000003")
	// Callees run small programs and are the targets of the CALL family.
	CalleeA = common.HexToAddress("0xca11ee0a00000000000000000000000000000004")
	CalleeB = common.HexToAddress("0xca11ee0b00000000000000000000000000000005")
	CalleeC = common.HexToAddress("0xca11ee0c00000000000000000000000000000006")
	// Reverter always reverts with 8 bytes of data.
	Reverter = common.HexToAddress("0x5e7e570000000000000000000000000000000007")
	// Empty exists with no balance, nonce or code (EIP-161 empty): touching
	// it deletes it.
	Empty = common.HexToAddress("0xe3b7700000000000000000000000000000000008")
	// Delegated holds an EIP-7702 delegation designator to CalleeA (an
	// undefined opcode before Prague).
	Delegated = common.HexToAddress("0xde1e9a7ed0000000000000000000000000000009")
	// DelegatedToPrecompile delegates to the identity precompile, whose
	// code is empty; DelegatedTwice delegates to Delegated (a delegation
	// is followed one level only, so its code is the designator itself).
	DelegatedToPrecompile = common.HexToAddress("0xde1e9a7ed000000000000000000000000000000c")
	DelegatedTwice        = common.HexToAddress("0xde1e9a7ed000000000000000000000000000000d")
	// Missing does not exist.
	Missing = common.HexToAddress("0x0155e0000000000000000000000000000000000a")
	// Poor is a callee with code but a balance of 1 wei.
	Poor = common.HexToAddress("0x9009000000000000000000000000000000000000b")
)

// preStateAccounts lists the accounts of the pre-state (and Missing).
var preStateAccounts = []common.Address{
	Sender, Coinbase, Target, CalleeA, CalleeB, CalleeC, Reverter, Empty, Delegated,
	DelegatedToPrecompile, DelegatedTwice, Poor, Missing,
}

// Callees lists the callee contracts in the order of Case.Callees.
var Callees = [...]common.Address{CalleeA, CalleeB, CalleeC}

// ReverterCode is the code at Reverter: REVERT(0, 8) after storing a word.
var ReverterCode = common.FromHex("7f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2060005260086018fd")

// PoorCode is the code at Poor: returns its balance and CALLVALUE.
var PoorCode = common.FromHex("47600052346020526040" + "6000f3")

// Storage of Target and the callees before the case runs: slots 0..3 hold
// non-zero committed values so SSTORE meets every EIP-2200 original/current
// combination; slots 4.. start empty.
var committedStorage = map[common.Hash]common.Hash{
	common.BigToHash(big.NewInt(0)): common.BigToHash(big.NewInt(1)),
	common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(2)),
	common.BigToHash(big.NewInt(2)): common.BigToHash(big.NewInt(0xffff)),
	common.BigToHash(big.NewInt(3)): common.MaxHash,
}

// CommittedSlot returns the pre-state value of slot i of Target and the callees.
func CommittedSlot(i uint64) common.Hash {
	return committedStorage[common.BigToHash(new(big.Int).SetUint64(i))]
}

// Balances of the pre-state.
var (
	SenderBalance   = new(uint256.Int).Lsh(uint256.NewInt(1), 100)
	ContractBalance = uint256.NewInt(1e18)
)

// Case is one program to run on both engines.
type Case struct {
	Name string
	Fork blocks.Fork
	// Code is the contract under test: Target's code, or the initcode when
	// Create is set.
	Code []byte
	// Callees holds the code of CalleeA, B and C (nil: STOP-only accounts
	// with no code).
	Callees [len(Callees)][]byte
	Input   []byte
	Gas     uint64
	Value   uint64
	// ValueOverBalance sends one wei more than Sender has instead of Value.
	ValueOverBalance bool
	// To is the account a call goes to; nil means Target, whose code is
	// Code.
	To *common.Address
	// Create runs Code as initcode through a top-level creation by Sender.
	Create bool
	// AccessList warms addresses and slots before execution, as a
	// transaction's access list does.
	AccessList types.AccessList
	// Traced attaches a tracer to both engines, which puts hyvm on its
	// per-instruction path.
	Traced bool
	// Backend is how hyvm runs the case untraced.
	Backend runtime.Backend
}

// Env is the block and transaction environment every case runs in.
type Env struct {
	Block vm.BlockContext
	Tx    vm.TxContext
	// TxHash keys the logs in the state.
	TxHash common.Hash
}

// NewEnv returns the fixed environment of every case.
func NewEnv() *Env {
	random := common.HexToHash("0x7a4d0a")
	return &Env{
		Block: vm.BlockContext{
			CanTransfer: core.CanTransfer,
			Transfer:    core.Transfer,
			// BLOCKHASH sees distinct hashes for every block in its window.
			GetHash:     func(n uint64) common.Hash { return crypto.Keccak256Hash(new(big.Int).SetUint64(n).Bytes()) },
			Coinbase:    Coinbase,
			GasLimit:    30_000_000,
			BlockNumber: big.NewInt(300),
			Time:        1_700_000_000,
			Difficulty:  big.NewInt(0),
			BaseFee:     big.NewInt(7),
			BlobBaseFee: big.NewInt(3),
			Random:      &random,
		},
		Tx: vm.TxContext{
			Origin:     Sender,
			GasPrice:   uint256.NewInt(10),
			BlobHashes: []common.Hash{common.HexToHash("0x01aa"), common.HexToHash("0x01bb")},
		},
		TxHash: common.HexToHash("0x7e57"),
	}
}

// ChainConfig returns go-ethereum's test configuration of fork: the
// reference does not depend on hyvm's own fork configuration.
func ChainConfig(fork blocks.Fork) *params.ChainConfig {
	cfg, ok := tests.Forks[fork.String()]
	if !ok {
		panic(fmt.Sprintf("difftest: no go-ethereum config for %v", fork))
	}
	return cfg
}

// Rules returns go-ethereum's rules for fork in env's block.
func (env *Env) Rules(fork blocks.Fork) params.Rules {
	return ChainConfig(fork).Rules(env.Block.BlockNumber, env.Block.Random != nil, env.Block.Time)
}

// PreState is the committed pre-state every case starts from. The code of
// the contract under test and of the callees is set per case on top of it,
// uncommitted: committing a trie per case would dominate the run time, and
// nothing an EVM observes depends on whether code is committed (storage
// is, so SSTORE sees its original values).
type PreState struct {
	db   state.Database
	root common.Hash
}

// NewPreState commits the accounts of the pre-state to a new in-memory
// database.
func NewPreState() (*PreState, error) {
	db := runtime.NewMemoryDatabase()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, err
	}
	const reason = tracing.BalanceChangeUnspecified
	st.SetBalance(Sender, SenderBalance, reason)
	st.SetNonce(Sender, 5, tracing.NonceChangeUnspecified)
	st.SetBalance(Coinbase, uint256.NewInt(1), reason)
	contract := func(addr common.Address, code []byte, balance *uint256.Int) {
		st.SetCode(addr, code, tracing.CodeChangeUnspecified)
		st.SetNonce(addr, 1, tracing.NonceChangeUnspecified)
		st.SetBalance(addr, balance, reason)
		for k, v := range committedStorage {
			st.SetState(addr, k, v)
		}
	}
	contract(Target, nil, ContractBalance)
	for _, addr := range Callees {
		contract(addr, nil, ContractBalance)
	}
	contract(Reverter, ReverterCode, ContractBalance)
	contract(Poor, PoorCode, uint256.NewInt(1))
	st.SetCode(Delegated, types.AddressToDelegation(CalleeA), tracing.CodeChangeUnspecified)
	st.SetBalance(Delegated, uint256.NewInt(1000), reason)
	st.SetCode(DelegatedToPrecompile, types.AddressToDelegation(common.BytesToAddress([]byte{4})), tracing.CodeChangeUnspecified)
	st.SetCode(DelegatedTwice, types.AddressToDelegation(Delegated), tracing.CodeChangeUnspecified)
	st.SetNonce(DelegatedTwice, 3, tracing.NonceChangeUnspecified)
	// CalleeC cannot create: its nonce is at the maximum (EIP-2681).
	st.SetNonce(CalleeC, math.MaxUint64, tracing.NonceChangeUnspecified)
	st.CreateAccount(Empty)
	// Commit without EIP-158 so the empty account survives into the pre-state.
	root, err := st.Commit(params.Rules{}, 0)
	if err != nil {
		return nil, err
	}
	return &PreState{db: db, root: root}, nil
}

// State opens a fresh StateDB on the pre-state with c's code installed.
func (p *PreState) State(c *Case) (*state.StateDB, error) {
	st, err := state.New(p.root, p.db)
	if err != nil {
		return nil, err
	}
	if !c.Create {
		st.SetCode(Target, c.Code, tracing.CodeChangeUnspecified)
	}
	for i, addr := range Callees {
		if len(c.Callees[i]) > 0 {
			st.SetCode(addr, c.Callees[i], tracing.CodeChangeUnspecified)
		}
	}
	return st, nil
}
