package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/reference"
	"github.com/hyvm/hyvm/runtime"
)

var (
	senderKey, _    = crypto.HexToECDSA("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
	authorityKey, _ = crypto.HexToECDSA("8a1f9a8f95be41cd7ccb6168179afb4504aefe388d1e14474d32c45c72ce7b7a")
	sender          = crypto.PubkeyToAddress(senderKey.PublicKey)
	authority       = crypto.PubkeyToAddress(authorityKey.PublicKey)
	coinbase        = common.HexToAddress("0xc0ffee")
	recipient       = common.HexToAddress("0xaaaa")
	maxNonceSender  = common.HexToAddress("0xbbbb")
	contractSender  = common.HexToAddress("0xcccc")
	delegatedSender = common.HexToAddress("0xdddd")
	// clearer resets storage slots 0 and 1, earning SSTORE refunds.
	clearer     = common.HexToAddress("0xeeee")
	clearerCode = common.FromHex("0x60006000556000600155" + "00")
)

const (
	baseFee  = 10
	gasPrice = 12
)

// world is a committed pre-state with one transaction's surroundings.
type world struct {
	statedb *state.StateDB
	block   vm.BlockContext
}

func newWorld(t *testing.T, authorityExists bool) *world {
	t.Helper()
	disk := rawdb.NewMemoryDatabase()
	db := state.NewMPTDatabase(triedb.NewDatabase(disk, nil), state.NewCodeDB(disk))
	statedb, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		t.Fatal(err)
	}
	eth := uint256.NewInt(params.Ether)
	for _, a := range []common.Address{sender, maxNonceSender, contractSender, delegatedSender} {
		statedb.SetBalance(a, eth, tracing.BalanceChangeUnspecified)
	}
	if authorityExists {
		statedb.SetBalance(authority, eth, tracing.BalanceChangeUnspecified)
	}
	statedb.SetNonce(maxNonceSender, math.MaxUint64, tracing.NonceChangeUnspecified)
	statedb.SetCode(contractSender, []byte{0x00}, tracing.CodeChangeUnspecified)
	statedb.SetCode(delegatedSender, types.AddressToDelegation(recipient), tracing.CodeChangeUnspecified)
	statedb.SetCode(clearer, clearerCode, tracing.CodeChangeUnspecified)
	statedb.SetState(clearer, common.Hash{}, common.Hash{31: 1})
	statedb.SetState(clearer, common.Hash{31: 1}, common.Hash{31: 1})
	root, err := statedb.Commit(params.Rules{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if statedb, err = state.New(root, db); err != nil {
		t.Fatal(err)
	}
	random := common.Hash{1}
	return &world{statedb: statedb, block: vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash:     func(uint64) common.Hash { return common.Hash{} },
		Coinbase:    coinbase,
		GasLimit:    30_000_000,
		BlockNumber: big.NewInt(1),
		Time:        1000,
		Difficulty:  new(big.Int),
		BaseFee:     big.NewInt(baseFee),
		BlobBaseFee: big.NewInt(1),
		Random:      &random,
	}}
}

func (w *world) apply(fork blocks.Fork, msg *core.Message) (*runtime.ExecutionResult, error) {
	m := reference.New(w.block, w.statedb, runtime.ChainConfig(fork), vm.Config{})
	return runtime.ApplyMessage(context.Background(), m, w.statedb, &w.block, fork, msg)
}

// call is a valid legacy-priced value transfer from sender to recipient.
func call() *core.Message {
	return &core.Message{
		From: sender, To: &recipient, Value: uint256.NewInt(1), GasLimit: 100_000,
		GasPrice: uint256.NewInt(gasPrice), GasFeeCap: uint256.NewInt(gasPrice), GasTipCap: uint256.NewInt(gasPrice),
	}
}

func blobHashes(n int) []common.Hash {
	hashes := make([]common.Hash, n)
	for i := range hashes {
		hashes[i][0] = 0x01
	}
	return hashes
}

func signedAuth(t *testing.T, chainID uint64, nonce uint64) types.SetCodeAuthorization {
	t.Helper()
	auth, err := types.SignSetCode(authorityKey, types.SetCodeAuthorization{
		ChainID: *uint256.NewInt(chainID), Address: recipient, Nonce: nonce,
	})
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// TestInvalidTransactions checks each validity rule, and that a rejected
// transaction leaves the state exactly as it was.
func TestInvalidTransactions(t *testing.T) {
	tests := []struct {
		name string
		fork blocks.Fork
		edit func(m *core.Message)
		want error // nil: the transaction is valid
	}{
		{"valid call", blocks.Osaka, func(*core.Message) {}, nil},
		{"nonce too high", blocks.Osaka, func(m *core.Message) { m.Nonce = 1 }, core.ErrNonceTooHigh},
		{"nonce at max", blocks.Osaka, func(m *core.Message) { m.From, m.Nonce = maxNonceSender, math.MaxUint64 }, core.ErrNonceMax},
		{"sender has code", blocks.Osaka, func(m *core.Message) { m.From = contractSender }, core.ErrSenderNoEOA},
		{"sender is delegated", blocks.Osaka, func(m *core.Message) { m.From = delegatedSender }, nil},
		{"gas over Osaka cap", blocks.Osaka, func(m *core.Message) { m.GasLimit = params.MaxTxGas + 1 }, core.ErrGasLimitTooHigh},
		{"no gas cap before Osaka", blocks.Prague, func(m *core.Message) { m.GasLimit = params.MaxTxGas + 1 }, nil},
		{"gas over block limit", blocks.Prague, func(m *core.Message) { m.GasLimit = 30_000_001 }, core.ErrGasLimitReached},
		{"tip above fee cap", blocks.Osaka, func(m *core.Message) { m.GasTipCap = uint256.NewInt(gasPrice + 1) }, core.ErrTipAboveFeeCap},
		{"fee cap below base fee", blocks.Osaka, func(m *core.Message) {
			m.GasFeeCap, m.GasTipCap, m.GasPrice = uint256.NewInt(baseFee-1), uint256.NewInt(0), uint256.NewInt(baseFee-1)
		}, core.ErrFeeCapTooLow},
		{"insufficient funds", blocks.Osaka, func(m *core.Message) { m.Value = uint256.NewInt(params.Ether) }, core.ErrInsufficientFunds},
		{"gas × price overflows", blocks.Osaka, func(m *core.Message) {
			huge := new(uint256.Int).Lsh(uint256.NewInt(1), 250)
			m.GasFeeCap, m.GasTipCap, m.GasPrice = huge, huge, huge
		}, core.ErrInsufficientFunds},
		{"intrinsic gas", blocks.Osaka, func(m *core.Message) { m.GasLimit = 20_999 }, core.ErrIntrinsicGas},
		{"calldata floor", blocks.Prague, func(m *core.Message) {
			m.Data = bytes.Repeat([]byte{1}, 100)
			m.GasLimit = 21_000 + 100*16
		}, core.ErrFloorDataGas},
		{"no calldata floor before Prague", blocks.Cancun, func(m *core.Message) {
			m.Data = bytes.Repeat([]byte{1}, 100)
			m.GasLimit = 21_000 + 100*16
		}, nil},
		{"initcode too large", blocks.Osaka, func(m *core.Message) {
			m.To, m.Data, m.GasLimit = nil, make([]byte, params.MaxInitCodeSize+1), 10_000_000
		}, vm.ErrMaxInitCodeSizeExceeded},
		{"blob creation", blocks.Osaka, func(m *core.Message) {
			m.To, m.BlobHashes, m.BlobGasFeeCap = nil, blobHashes(1), uint256.NewInt(1)
		}, core.ErrBlobTxCreate},
		{"no blobs", blocks.Osaka, func(m *core.Message) { m.BlobHashes, m.BlobGasFeeCap = []common.Hash{}, uint256.NewInt(1) }, core.ErrMissingBlobHashes},
		{"7 blobs in Osaka", blocks.Osaka, func(m *core.Message) { m.BlobHashes, m.BlobGasFeeCap = blobHashes(7), uint256.NewInt(1) }, core.ErrTooManyBlobs},
		{"7 blobs in Prague", blocks.Prague, func(m *core.Message) { m.BlobHashes, m.BlobGasFeeCap = blobHashes(7), uint256.NewInt(1) }, nil},
		{"10 blobs in Prague", blocks.Prague, func(m *core.Message) { m.BlobHashes, m.BlobGasFeeCap = blobHashes(10), uint256.NewInt(1) }, core.ErrTooManyBlobs},
		{"7 blobs in Cancun", blocks.Cancun, func(m *core.Message) { m.BlobHashes, m.BlobGasFeeCap = blobHashes(7), uint256.NewInt(1) }, core.ErrTooManyBlobs},
		{"blob hash version", blocks.Osaka, func(m *core.Message) {
			m.BlobHashes, m.BlobGasFeeCap = []common.Hash{{0x02}}, uint256.NewInt(1)
		}, errors.New("invalid hash version")},
		{"blob fee cap", blocks.Osaka, func(m *core.Message) { m.BlobHashes, m.BlobGasFeeCap = blobHashes(1), uint256.NewInt(0) }, core.ErrBlobFeeCapTooLow},
		{"set-code before Prague", blocks.Cancun, func(m *core.Message) {
			m.SetCodeAuthorizations = []types.SetCodeAuthorization{{}}
		}, types.ErrTxTypeNotSupported},
		{"set-code creation", blocks.Prague, func(m *core.Message) {
			m.To, m.SetCodeAuthorizations = nil, []types.SetCodeAuthorization{{}}
		}, core.ErrSetCodeTxCreate},
		{"empty authorization list", blocks.Prague, func(m *core.Message) {
			m.SetCodeAuthorizations = []types.SetCodeAuthorization{}
		}, core.ErrEmptyAuthList},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, false)
			before := w.statedb.IntermediateRoot(runtime.ChainConfig(tt.fork).Rules(w.block.BlockNumber, true, w.block.Time))
			msg := call()
			tt.edit(msg)
			_, err := w.apply(tt.fork, msg)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("rejected: %v", err)
			case tt.want == nil:
				return
			case err == nil:
				t.Fatalf("accepted, want %v", tt.want)
			case !errors.Is(err, tt.want) && !bytes.Contains([]byte(err.Error()), []byte(tt.want.Error())):
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			after := w.statedb.IntermediateRoot(runtime.ChainConfig(tt.fork).Rules(w.block.BlockNumber, true, w.block.Time))
			if after != before {
				t.Errorf("rejected transaction changed the state root")
			}
		})
	}
}

// TestGasSettlement checks gas accounting and fee flows of valid
// transactions: refund cap, calldata floor, EIP-7702 refunds.
func TestGasSettlement(t *testing.T) {
	tests := []struct {
		name            string
		fork            blocks.Fork
		authorityExists bool
		edit            func(t *testing.T, m *core.Message)
		used, refunded  uint64
	}{
		{"plain transfer", blocks.Osaka, false, func(*testing.T, *core.Message) {}, 21000, 0},
		// Two cold slots cleared: 2×(3+3+5000) gas, 2×4800 refund capped
		// at a fifth of 31012.
		{"refund cap", blocks.Cancun, false, func(_ *testing.T, m *core.Message) { m.To = &clearer }, 31012 - 6202, 6202},
		// 100 non-zero bytes: intrinsic 22600 but floor 21000 + 400×10.
		{"calldata floor", blocks.Prague, false, func(_ *testing.T, m *core.Message) { m.Data = bytes.Repeat([]byte{1}, 100) }, 25000, 0},
		{"no calldata floor in Cancun", blocks.Cancun, false, func(_ *testing.T, m *core.Message) { m.Data = bytes.Repeat([]byte{1}, 100) }, 22600, 0},
		{"authorization of a new account", blocks.Prague, false, func(t *testing.T, m *core.Message) {
			m.SetCodeAuthorizations = []types.SetCodeAuthorization{signedAuth(t, 1, 0)}
		}, 46000, 0},
		// 12500 back for an existing authority, capped at 46000/5.
		{"authorization of an existing account", blocks.Prague, true, func(t *testing.T, m *core.Message) {
			m.SetCodeAuthorizations = []types.SetCodeAuthorization{signedAuth(t, 0, 0)}
		}, 46000 - 9200, 9200},
		{"authorization for another chain is skipped", blocks.Prague, true, func(t *testing.T, m *core.Message) {
			m.SetCodeAuthorizations = []types.SetCodeAuthorization{signedAuth(t, 5, 0)}
		}, 46000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.authorityExists)
			msg := call()
			tt.edit(t, msg)
			before := w.statedb.GetBalance(sender).Clone()
			res, err := w.apply(tt.fork, msg)
			if err != nil {
				t.Fatal(err)
			}
			if res.Err != nil {
				t.Fatalf("execution failed: %v", res.Err)
			}
			if res.UsedGas != tt.used || res.RefundedGas != tt.refunded {
				t.Errorf("used %d, refunded %d; want %d, %d", res.UsedGas, res.RefundedGas, tt.used, tt.refunded)
			}
			spent := new(uint256.Int).Sub(before, w.statedb.GetBalance(sender))
			if want := uint256.NewInt(tt.used*gasPrice + 1); !spent.Eq(want) {
				t.Errorf("sender spent %v, want %v", spent, want)
			}
			if got, want := w.statedb.GetBalance(coinbase), uint256.NewInt(tt.used*(gasPrice-baseFee)); !got.Eq(want) {
				t.Errorf("coinbase earned %v, want %v", got, want)
			}
			if got := w.statedb.GetNonce(sender); got != 1 {
				t.Errorf("sender nonce %d, want 1", got)
			}
		})
	}
}

// TestAuthorizationInstallsDelegation checks the authority's code and nonce
// after a valid EIP-7702 authorization.
func TestAuthorizationInstallsDelegation(t *testing.T) {
	w := newWorld(t, false)
	msg := call()
	msg.SetCodeAuthorizations = []types.SetCodeAuthorization{signedAuth(t, 1, 0)}
	if _, err := w.apply(blocks.Prague, msg); err != nil {
		t.Fatal(err)
	}
	if got, want := w.statedb.GetCode(authority), types.AddressToDelegation(recipient); !bytes.Equal(got, want) {
		t.Errorf("authority code %x, want %x", got, want)
	}
	if got := w.statedb.GetNonce(authority); got != 1 {
		t.Errorf("authority nonce %d, want 1", got)
	}
}

// TestApplyMessageTellsTracer checks that ApplyMessage on a hyvm EVM with a
// tracer tells it of the transaction as go-ethereum's block processing
// does: OnTxStart first (with the sender and the message's gas), OnTxEnd
// last with the receipt's gas used, or with the error of an invalid
// message and no receipt.
func TestApplyMessageTellsTracer(t *testing.T) {
	for _, tt := range []struct {
		name    string
		msg     func() *core.Message
		invalid bool
	}{
		{"valid", call, false},
		{"nonce too high", func() *core.Message { m := call(); m.Nonce = 5; return m }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, false)
			var events []string
			var endReceipt *types.Receipt
			var endErr error
			hooks := &tracing.Hooks{
				OnTxStart: func(vm *tracing.VMContext, tx *types.Transaction, from common.Address) {
					if from != sender || tx.Gas() != 100_000 || vm.Coinbase != coinbase {
						t.Errorf("OnTxStart from %v, gas %d, coinbase %v", from, tx.Gas(), vm.Coinbase)
					}
					events = append(events, "start")
				},
				OnEnter: func(int, byte, common.Address, common.Address, []byte, uint64, *big.Int) {
					events = append(events, "enter")
				},
				OnTxEnd: func(r *types.Receipt, err error) {
					endReceipt, endErr = r, err
					events = append(events, "end")
				},
			}
			evm := runtime.NewEVM(w.block, w.statedb, blocks.Latest, runtime.Config{Tracer: hooks})
			res, err := runtime.ApplyMessage(context.Background(), evm, w.statedb, &w.block, blocks.Latest, tt.msg())
			want := "start enter end"
			if tt.invalid {
				want = "start end"
				if err == nil || !errors.Is(endErr, core.ErrNonceTooHigh) || endReceipt != nil {
					t.Errorf("error %v, told %v and receipt %v (want none)", err, endErr, endReceipt)
				}
			} else if err != nil || endErr != nil || endReceipt == nil || endReceipt.GasUsed != res.UsedGas {
				t.Errorf("error %v, told %v, gas %d told %+v", err, endErr, res.UsedGas, endReceipt)
			}
			if got := strings.Join(events, " "); got != want {
				t.Errorf("events %q, want %q", got, want)
			}
		})
	}
}
