package statetest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
)

// invalidTxError marks a template that describes a transaction which cannot
// exist (a field beyond what its encoding holds, an unsigned txbytes): the
// transaction is invalid, the fixture is not broken.
type invalidTxError struct{ err error }

func (e invalidTxError) Error() string { return e.err.Error() }
func (e invalidTxError) Unwrap() error { return e.err }

func invalidTx(format string, args ...any) error {
	return invalidTxError{fmt.Errorf(format, args...)}
}

// message builds the transaction of one outcome: the template with
// data[d], gasLimit[g], value[v] and accessLists[d]. The effective gas price
// is computed against baseFee. The template is only read, so outcomes of one
// test may be built concurrently.
func (t *txTemplate) message(post *postState, fork blocks.Fork, baseFee *big.Int) (*core.Message, error) {
	ix := post.Indexes
	if ix.Data < 0 || ix.Data >= len(t.Data) || ix.Gas < 0 || ix.Gas >= len(t.GasLimit) || ix.Value < 0 || ix.Value >= len(t.Value) {
		return nil, fmt.Errorf("indexes %+v out of range (data %d, gas %d, value %d)", ix, len(t.Data), len(t.GasLimit), len(t.Value))
	}
	msg := &core.Message{BlobHashes: t.BlobVersionedHashes}
	var err error
	if msg.From, err = t.sender(); err != nil {
		return nil, err
	}
	if msg.To, err = parseTo(t.To); err != nil {
		return nil, err
	}
	if msg.Data, err = decodeHex(t.Data[ix.Data]); err != nil {
		return nil, fmt.Errorf("data[%d]: %w", ix.Data, err)
	}
	var ok bool
	if msg.Nonce, ok = t.Nonce.uint64(); !ok {
		return nil, invalidTx("nonce %v exceeds 2^64-1 (EIP-2681)", t.Nonce.big())
	}
	if msg.GasLimit, ok = t.GasLimit[ix.Gas].uint64(); !ok {
		return nil, invalidTx("gas limit %v exceeds 2^64-1", t.GasLimit[ix.Gas].big())
	}
	value, ok := parseNum(t.Value[ix.Value])
	if !ok {
		return nil, fmt.Errorf("value[%d]: invalid integer %q", ix.Value, t.Value[ix.Value])
	}
	if msg.Value, err = toU256("value", value); err != nil {
		return nil, err
	}
	if ix.Data < len(t.AccessLists) && t.AccessLists[ix.Data] != nil {
		msg.AccessList = *t.AccessLists[ix.Data]
	}
	if err := t.setFees(msg, baseFee); err != nil {
		return nil, err
	}
	if t.AuthorizationList != nil {
		if msg.SetCodeAuthorizations, err = convertAuthorizations(t.AuthorizationList); err != nil {
			return nil, err
		}
	}
	if len(post.TxBytes) > 0 {
		if err := checkSignedTx(post.TxBytes, fork); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// sender is the `sender` field, or the address of `secretKey`.
func (t *txTemplate) sender() (common.Address, error) {
	if t.Sender != nil {
		return *t.Sender, nil
	}
	if len(t.SecretKey) == 0 {
		return common.Address{}, errors.New("transaction has neither sender nor secretKey")
	}
	key, err := crypto.ToECDSA(t.SecretKey)
	if err != nil {
		return common.Address{}, fmt.Errorf("invalid secretKey: %w", err)
	}
	return crypto.PubkeyToAddress(key.PublicKey), nil
}

// setFees fills the fee fields: gasPrice for legacy and access-list
// transactions, maxFeePerGas and maxPriorityFeePerGas otherwise, and the
// effective gas price min(tip + baseFee, feeCap).
func (t *txTemplate) setFees(msg *core.Message, baseFee *big.Int) error {
	feeCap, tip := t.GasPrice.big(), t.GasPrice.big()
	if t.MaxFeePerGas != nil {
		if t.MaxPriorityFeePerGas == nil {
			return errors.New("maxFeePerGas without maxPriorityFeePerGas")
		}
		feeCap, tip = t.MaxFeePerGas.big(), t.MaxPriorityFeePerGas.big()
	}
	if feeCap == nil {
		return errors.New("transaction has neither gasPrice nor maxFeePerGas")
	}
	price := new(big.Int).Add(tip, baseFee)
	if price.Cmp(feeCap) > 0 {
		price.Set(feeCap)
	}
	var err error
	if msg.GasFeeCap, err = toU256("max fee per gas", feeCap); err != nil {
		return err
	}
	if msg.GasTipCap, err = toU256("max priority fee per gas", tip); err != nil {
		return err
	}
	if msg.GasPrice, err = toU256("gas price", price); err != nil {
		return err
	}
	if t.MaxFeePerBlobGas != nil {
		if msg.BlobGasFeeCap, err = toU256("max fee per blob gas", t.MaxFeePerBlobGas.big()); err != nil {
			return err
		}
	}
	return nil
}

// convertAuthorizations turns the fixture's tuples into go-ethereum's; the
// signature's y-parity is `v` (or `yParity` when `v` is absent).
func convertAuthorizations(list []*authorization) ([]types.SetCodeAuthorization, error) {
	auths := make([]types.SetCodeAuthorization, len(list))
	for i, a := range list {
		if a == nil || a.ChainID == nil || a.R == nil || a.S == nil || (a.V == nil && a.YParity == nil) {
			return nil, fmt.Errorf("authorization %d: missing field", i)
		}
		v := a.V
		if v == nil {
			v = a.YParity
		}
		yParity, ok := v.uint64()
		if !ok || yParity > 0xff {
			return nil, invalidTx("authorization %d: y-parity %v exceeds 8 bits", i, v.big())
		}
		nonce, ok := a.Nonce.uint64()
		if !ok {
			return nil, invalidTx("authorization %d: nonce %v exceeds 2^64-1", i, a.Nonce.big())
		}
		chainID, err1 := toU256("authorization chain id", a.ChainID.big())
		r, err2 := toU256("authorization r", a.R.big())
		s, err3 := toU256("authorization s", a.S.big())
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("authorization %d: %w", i, err)
		}
		auths[i] = types.SetCodeAuthorization{
			ChainID: *chainID, Address: a.Address, Nonce: nonce,
			V: uint8(yParity), R: *r, S: *s,
		}
	}
	return auths, nil
}

// checkSignedTx requires the wire-encoded transaction to decode and carry a
// valid signature under the fork's signer, as go-ethereum's runner does.
func checkSignedTx(txBytes []byte, fork blocks.Fork) error {
	var tx types.Transaction
	if err := tx.UnmarshalBinary(txBytes); err != nil {
		return invalidTx("txbytes: %w", err)
	}
	if _, err := types.Sender(types.LatestSigner(runtime.ChainConfig(fork)), &tx); err != nil {
		return invalidTx("txbytes sender: %w", err)
	}
	return nil
}

// parseTo parses the recipient; empty means a contract creation.
func parseTo(s string) (*common.Address, error) {
	if s == "" {
		return nil, nil
	}
	b, err := decodeHex(s)
	if err != nil || len(b) != common.AddressLength {
		return nil, fmt.Errorf("invalid recipient %q", s)
	}
	to := common.BytesToAddress(b)
	return &to, nil
}

// decodeHex decodes hex with or without a 0x prefix.
func decodeHex(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"))
	if err != nil {
		return nil, fmt.Errorf("invalid hex %q: %w", s, err)
	}
	return b, nil
}

// toU256 converts v, which must fit in 256 bits for the transaction to be
// encodable at all.
func toU256(what string, v *big.Int) (*uint256.Int, error) {
	u, overflow := uint256.FromBig(v)
	if overflow {
		return nil, invalidTx("%s %v exceeds 2^256-1", what, v)
	}
	return u, nil
}
