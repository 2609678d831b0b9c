package fork

import (
	"context"
	"errors"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/holiman/uint256"
)

// Cache is the state of one block of one endpoint as far as it has been
// read. It is safe for concurrent use, and every State over it shares
// what any of them fetched.
type Cache struct {
	src *source
	// disk, with Options.CacheDir, keeps what was read under the hash of
	// the block (hash).
	disk *disk
	hash common.Hash
	// endpoint names the endpoint in the disk cache; headers are the
	// headers read so far, the fork's block's among them once known.
	endpoint string
	headers  map[uint64]*entry[*types.Header]
	client   *rpc.Client // made by Dial, closed by Close

	mu       sync.RWMutex
	accounts map[common.Address]*entry[*account]
	slots    map[slotKey]*entry[common.Hash]
}

// account is what the state holds for an address.
type account struct {
	exists   bool
	balance  uint256.Int
	nonce    uint64
	codeHash common.Hash
	code     []byte
}

type slotKey struct {
	addr common.Address
	key  common.Hash
}

// entry is a value being fetched or fetched: done is closed once val or
// err is set, so that concurrent readers of a key send one request.
type entry[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// Dial opens a fork of the endpoint at url (http, https, ws, wss or an IPC
// path) at opt.Block.
func Dial(ctx context.Context, url string, opt Options) (*Cache, error) {
	client, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, &Error{What: "the endpoint " + url, Err: err}
	}
	if opt.Endpoint == "" {
		opt.Endpoint = url
	}
	c, err := New(ctx, client, opt)
	if err != nil {
		client.Close()
		return nil, err
	}
	c.client = client
	return c, nil
}

// New opens a fork over an RPC client, which the caller keeps and closes.
// With opt.CacheDir, Close the cache when done with it.
func New(ctx context.Context, client *rpc.Client, opt Options) (*Cache, error) {
	if opt.CacheDir != "" && opt.Endpoint == "" {
		return nil, errors.New("fork: a disk cache needs Options.Endpoint to name the endpoint")
	}
	c := &Cache{accounts: map[common.Address]*entry[*account]{}, slots: map[slotKey]*entry[common.Hash]{},
		headers: map[uint64]*entry[*types.Header]{}, endpoint: opt.Endpoint}
	src, err := newSource(ctx, client, opt)
	if err != nil {
		return nil, err
	}
	c.src = src
	if opt.CacheDir != "" {
		if c.disk, err = openDisk(opt.CacheDir); err != nil {
			return nil, err
		}
	}
	// The block must exist: a fork of a block the endpoint does not have
	// fails here, not at its first read. The disk keeps entries under
	// the block's hash; a pinned block seen before has its header on
	// disk, costing no request.
	h, err := c.Header(ctx, src.number)
	if err != nil {
		c.Close()
		return nil, err
	}
	c.hash = h.Hash()
	if c.disk != nil {
		// Reads name the block by hash (EIP-1898): a reorg, or another
		// chain behind the same endpoint, fails them instead of mixing
		// its state into what the disk keeps under this hash.
		src.blockParam = map[string]any{"blockHash": c.hash}
	}
	return c, nil
}

// Header returns the header of block number (the fork's own with
// Block()), fetched once, and kept on disk with Options.CacheDir.
func (c *Cache) Header(ctx context.Context, number uint64) (*types.Header, error) {
	return load(ctx, c, c.headers, number, "a block header", func(ctx context.Context) (*types.Header, error) {
		if c.disk != nil {
			if h, ok := c.disk.header(c.endpoint, number); ok {
				return h, nil
			}
		}
		h, raw, err := c.src.header(ctx, number)
		if err == nil && c.disk != nil {
			err = c.disk.putHeader(c.endpoint, number, raw)
		}
		return h, err
	})
}

// Close closes the disk cache, if any, and the RPC client Dial made.
func (c *Cache) Close() error {
	if c.client != nil {
		c.client.Close()
	}
	if c.disk == nil {
		return nil
	}
	return c.disk.close()
}

// Block returns the number of the block whose state the cache reads.
func (c *Cache) Block() uint64 { return c.src.number }

// Requests returns how many requests the cache has sent (a batch is one).
func (c *Cache) Requests() int64 { return c.src.requests.Load() }

// State returns a read-only vm.StateDB over the cache whose reads use ctx.
func (c *Cache) State(ctx context.Context) *State { return &State{c: c, ctx: ctx} }

// account returns addr's account, fetching it once.
func (c *Cache) account(ctx context.Context, addr common.Address) (*account, error) {
	if a, ok, err := fetched(c, c.accounts, addr); ok {
		return a, err
	}
	return load(ctx, c, c.accounts, addr, "account "+addr.Hex(), func(ctx context.Context) (*account, error) {
		if c.disk != nil {
			if a, ok := c.disk.account(c.hash, addr); ok {
				return a, nil
			}
		}
		a, err := c.src.account(ctx, addr)
		if err == nil && c.disk != nil {
			err = c.disk.putAccount(c.hash, addr, a)
		}
		return a, err
	})
}

// slot returns the value of addr's storage slot key, fetching it once.
func (c *Cache) slot(ctx context.Context, addr common.Address, key common.Hash) (common.Hash, error) {
	if v, ok, err := fetched(c, c.slots, slotKey{addr, key}); ok {
		return v, err
	}
	return load(ctx, c, c.slots, slotKey{addr, key}, "storage of "+addr.Hex(), func(ctx context.Context) (common.Hash, error) {
		if c.disk != nil {
			if v, ok := c.disk.slot(c.hash, addr, key); ok {
				return v, nil
			}
		}
		v, err := c.src.storage(ctx, addr, []common.Hash{key})
		if err != nil {
			return common.Hash{}, err
		}
		if c.disk != nil {
			err = c.disk.putSlot(c.hash, addr, key, v[0])
		}
		return v[0], err
	})
}

// Prefetch fetches the given storage slots of addr that the cache does
// not hold yet, in one batch: for callers that know what a simulation will
// read (an access list).
func (c *Cache) Prefetch(ctx context.Context, addr common.Address, keys []common.Hash) error {
	var want []common.Hash
	var entries []*entry[common.Hash]
	c.mu.Lock()
	for _, k := range keys {
		if _, ok := c.slots[slotKey{addr, k}]; ok {
			continue
		}
		e := &entry[common.Hash]{done: make(chan struct{})}
		c.slots[slotKey{addr, k}] = e
		if c.disk != nil {
			if v, ok := c.disk.slot(c.hash, addr, k); ok {
				e.val = v
				close(e.done)
				continue
			}
		}
		want, entries = append(want, k), append(entries, e)
	}
	c.mu.Unlock()
	if len(want) == 0 {
		return nil
	}
	// Detached, as load's fetches: others may be waiting on these slots.
	vals, err := c.src.storage(context.WithoutCancel(ctx), addr, want)
	var errs []error
	for i, e := range entries {
		switch {
		case err != nil:
			e.err = err
		case c.disk != nil:
			e.err = c.disk.putSlot(c.hash, addr, want[i], vals[i])
		}
		if e.err == nil {
			e.val = vals[i]
		}
		errs = append(errs, e.err)
	}
	c.forget(addr, want) // the failed ones, before anyone learns of them
	for _, e := range entries {
		close(e.done)
	}
	return errors.Join(errs...)
}

// forget drops failed entries so that a later read asks again.
func (c *Cache) forget(addr common.Address, keys []common.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if e := c.slots[slotKey{addr, k}]; e != nil && e.err != nil {
			delete(c.slots, slotKey{addr, k})
		}
	}
}

// fetched returns k's value if the cache has it already: the path of
// every read of a warm cache, which builds nothing (no closure, no name
// of the read) and only takes the read lock.
func fetched[K comparable, T any](c *Cache, m map[K]*entry[T], k K) (T, bool, error) {
	c.mu.RLock()
	e, ok := m[k]
	c.mu.RUnlock()
	if ok {
		select {
		case <-e.done:
			return e.val, true, e.err
		default:
		}
	}
	var zero T
	return zero, false, nil
}

// load returns m[k], fetching it with fetch if no one has: concurrent
// loads of one key wait for the first fetch, which runs on its own
// (detached from the context of whoever started it, bounded by the
// source's timeout and retries) so that one caller's cancellation fails no
// one else; each caller stops waiting when its own ctx ends. A failed fetch
// is not kept: it is removed before its waiters learn of it.
func load[K comparable, T any](ctx context.Context, c *Cache, m map[K]*entry[T], k K, what string, fetch func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	e, ok := m[k]
	if !ok {
		e = &entry[T]{done: make(chan struct{})}
		m[k] = e
		detached := context.WithoutCancel(ctx)
		go func() {
			val, err := fetch(detached)
			if err != nil {
				c.mu.Lock()
				delete(m, k)
				c.mu.Unlock()
			}
			e.val, e.err = val, err
			close(e.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero T
		return zero, &Error{What: what, Err: ctx.Err()}
	}
}

// ChainID returns the forked chain's ID (eth_chainId), asked once per call:
// the ID is not part of the state the cache keeps.
func (c *Cache) ChainID(ctx context.Context) (*big.Int, error) {
	var id hexutil.Big
	err := c.src.call(ctx, func(ctx context.Context) error {
		return c.src.client.CallContext(ctx, &id, "eth_chainId")
	})
	if err != nil {
		return nil, &Error{What: "the chain ID", Err: err}
	}
	return (*big.Int)(&id), nil
}
