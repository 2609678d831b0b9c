package fork

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Options configure a fork.
type Options struct {
	// Block is the block whose state is read; 0 pins the endpoint's latest
	// block when the fork is opened (genesis cannot be forked: there is
	// nothing to simulate on it).
	Block uint64
	// Timeout bounds each request (0: 30 s); Retries is how many times a
	// failed request is sent again after a pause that doubles (0: 2; a
	// negative value: never).
	Timeout time.Duration
	Retries int
	// CacheDir, if set, is where what the fork reads is kept (an embedded
	// pebble database) for later runs at the same block: with Block
	// pinned, a run that reads nothing new sends no request at all.
	CacheDir string
	// Endpoint names the endpoint in the disk cache for New (Dial uses
	// its URL).
	Endpoint string
}

// Error is what a State panics with when the endpoint cannot answer.
type Error struct {
	What string // what was being read
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("fork: reading %s: %v", e.What, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// source sends the reads of one block to an endpoint and counts them.
type source struct {
	client *rpc.Client
	block  string // hex block number
	number uint64
	// blockParam names the block in state reads: its number, or once
	// known its hash (EIP-1898).
	blockParam any
	timeout    time.Duration
	retries    int
	requests   atomic.Int64 // HTTP/WebSocket round trips, a batch being one
}

func newSource(ctx context.Context, client *rpc.Client, opt Options) (*source, error) {
	s := &source{client: client, timeout: opt.Timeout, retries: opt.Retries}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	switch {
	case s.retries == 0:
		s.retries = 2
	case s.retries < 0:
		s.retries = 0
	}
	s.number = opt.Block
	if s.number == 0 {
		var n hexutil.Uint64
		if err := s.call(ctx, func(ctx context.Context) error { return client.CallContext(ctx, &n, "eth_blockNumber") }); err != nil {
			return nil, &Error{What: "the latest block number", Err: err}
		}
		s.number = uint64(n)
	}
	s.block = hexutil.EncodeUint64(s.number)
	s.blockParam = s.block
	return s, nil
}

// header asks the endpoint for block number's header, returning it with
// the JSON it came in (which the disk cache keeps).
func (s *source) header(ctx context.Context, number uint64) (*types.Header, json.RawMessage, error) {
	var raw json.RawMessage
	err := s.call(ctx, func(ctx context.Context) error {
		return s.client.CallContext(ctx, &raw, "eth_getBlockByNumber", hexutil.EncodeUint64(number), false)
	})
	var h *types.Header
	if err == nil {
		if len(raw) == 0 || string(raw) == "null" {
			err = errNoBlock
		} else {
			h = new(types.Header)
			err = json.Unmarshal(raw, h)
		}
	}
	if err != nil {
		return nil, nil, &Error{What: "the header of block " + hexutil.EncodeUint64(number), Err: err}
	}
	return h, raw, nil
}

// call runs one request with the timeout and retries.
func (s *source) call(ctx context.Context, do func(context.Context) error) error {
	pause := 100 * time.Millisecond
	var err error
	for attempt := 0; ; attempt++ {
		s.requests.Add(1)
		rctx, cancel := context.WithTimeout(ctx, s.timeout)
		err = do(rctx)
		cancel()
		var rpcErr rpc.Error
		if err == nil || ctx.Err() != nil || errors.As(err, &rpcErr) || attempt == s.retries {
			// An error the endpoint answered with (a JSON-RPC error) is
			// not retried: asking again gets the same answer.
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// batch sends batch as one round trip, with the timeout and retries, and
// fails if any of its requests did.
func (s *source) batch(ctx context.Context, batch []rpc.BatchElem) error {
	return s.call(ctx, func(ctx context.Context) error {
		if err := s.client.BatchCallContext(ctx, batch); err != nil {
			return err
		}
		errs := make([]error, len(batch))
		for i := range batch {
			errs[i] = batch[i].Error
		}
		return errors.Join(errs...)
	})
}

// proof is the part of eth_getProof's answer an account read needs.
type proof struct {
	Balance     *hexutil.Big   `json:"balance"`
	Nonce       hexutil.Uint64 `json:"nonce"`
	CodeHash    common.Hash    `json:"codeHash"`
	StorageHash common.Hash    `json:"storageHash"`
}

// account fetches addr's balance, nonce, code hash and code in one batch.
func (s *source) account(ctx context.Context, addr common.Address) (*account, error) {
	var p proof
	var code hexutil.Bytes
	batch := []rpc.BatchElem{
		{Method: "eth_getProof", Args: []any{addr, []common.Hash{}, s.blockParam}, Result: &p},
		{Method: "eth_getCode", Args: []any{addr, s.blockParam}, Result: &code},
	}
	if err := s.batch(ctx, batch); err != nil {
		return nil, &Error{What: "account " + addr.Hex() + " at block " + s.block, Err: err}
	}
	a := &account{nonce: uint64(p.Nonce), codeHash: p.CodeHash, code: code}
	if p.Balance != nil {
		if a.balance.SetFromBig((*big.Int)(p.Balance)) {
			return nil, &Error{What: "account " + addr.Hex(), Err: errors.New("balance above 2^256")}
		}
	}
	// Clients answer an absent account differently (go-ethereum with a
	// zero code hash, others with the empty code's hash and trie root, as
	// EIP-1186 has it): an account exists unless it is empty in every
	// field, including its storage.
	emptyCode := p.CodeHash == (common.Hash{}) || p.CodeHash == types.EmptyCodeHash
	emptyStorage := p.StorageHash == (common.Hash{}) || p.StorageHash == types.EmptyRootHash
	a.exists = !(emptyCode && emptyStorage && p.Nonce == 0 && a.balance.IsZero())
	switch {
	case !a.exists:
		a.codeHash, a.code = common.Hash{}, nil // EXTCODEHASH of an absent account is 0
	case a.codeHash == (common.Hash{}):
		a.codeHash = types.EmptyCodeHash
	}
	return a, nil
}

// storage fetches the values of keys of addr in one batch.
func (s *source) storage(ctx context.Context, addr common.Address, keys []common.Hash) ([]common.Hash, error) {
	raw := make([]hexutil.Bytes, len(keys))
	batch := make([]rpc.BatchElem, len(keys))
	for i, k := range keys {
		batch[i] = rpc.BatchElem{Method: "eth_getStorageAt", Args: []any{addr, k, s.blockParam}, Result: &raw[i]}
	}
	if err := s.batch(ctx, batch); err != nil {
		return nil, &Error{What: fmt.Sprintf("%d storage slots of %v at block %s", len(keys), addr, s.block), Err: err}
	}
	out := make([]common.Hash, len(keys))
	for i, v := range raw {
		if len(v) > common.HashLength {
			return nil, &Error{What: fmt.Sprintf("storage slot %v of %v", keys[i], addr), Err: fmt.Errorf("%d-byte value", len(v))}
		}
		out[i] = common.BytesToHash(v) // left-padded, should an endpoint send fewer bytes
	}
	return out, nil
}
