package fork

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"
)

// Roots computes the state roots of states that follow the forked block's
// (simulated blocks), which a fork cannot read whole: a go-ethereum StateDB
// over the forked block's trie holds only the nodes eth_getProof returned
// for the accounts and slots the changes touch (a witness, as a stateless
// client has), which is all a trie update needs, except where a deletion
// collapses a branch onto a sibling no proof went through: that node is
// fetched by the proof of a key found to lie under it (a search of 16^n
// hashes for a node n nibbles deep, bounded by maxSiblingDepth).
//
// Changes are given a transaction at a time (Step) and a block at a time
// (Root), in the order they were made, each as the state after it reads
// the accounts and slots it touched. Roots is not safe for concurrent use.
type Roots struct {
	c     *Cache
	db    ethdb.Database // the proof nodes and code, by hash
	state *state.StateDB
	// proved holds the accounts (with a nil key) and slots whose proofs
	// are in db; owners maps a storage trie's owner to its account.
	proved map[slotKey]bool
	owners map[common.Hash]common.Address
	// block is what Root applies since the last root: a missing node
	// found while hashing is fetched and the block applied again on
	// start, a copy of the state before it.
	block []step
	start *state.StateDB
	// searches counts the nodes fetched by a search for a key under them.
	searches int
}

// maxSiblingDepth bounds the search for a key under a trie node a deletion
// needs (about 16^5 hashes at most, a fraction of a second).
const maxSiblingDepth = 5

// step is one transaction's effects: the accounts it touched as they are
// after it, each with the slots it touched.
type step []postAccount

type postAccount struct {
	addr     common.Address
	exists   bool
	balance  uint256.Int
	nonce    uint64
	codeHash common.Hash
	code     []byte // when the code changed
	slots    []slotValue
}

type slotValue struct{ key, value common.Hash }

// Roots returns a Roots starting at the forked block's state.
func (c *Cache) Roots(ctx context.Context) (*Roots, error) {
	h, err := c.Header(ctx, c.src.number)
	if err != nil {
		return nil, err
	}
	r := &Roots{c: c, db: rawdb.NewMemoryDatabase(), proved: map[slotKey]bool{}, owners: map[common.Hash]common.Address{}}
	// Any proof starts at the root node, which opening the state reads.
	if err := r.prove(ctx, map[common.Address][]common.Hash{h.Coinbase: nil}); err != nil {
		return nil, err
	}
	st, err := state.New(h.Root, state.NewDatabase(triedb.NewDatabase(r.db, triedb.HashDefaults), nil))
	if err != nil {
		return nil, fmt.Errorf("fork: a state over the root of block %d: %w", c.src.number, err)
	}
	r.state, r.start = st, st.Copy()
	return r, nil
}

// Step applies one transaction's (or system call's) effects under rules:
// the accounts in touched, and their slots listed, as post, the state
// after it, finalised, holds them.
func (r *Roots) Step(ctx context.Context, rules params.Rules, touched map[common.Address][]common.Hash, post vm.StateDB) error {
	if err := r.prove(ctx, touched); err != nil {
		return err
	}
	s := make(step, 0, len(touched))
	for _, addr := range sortedAddrs(touched) {
		p := postAccount{addr: addr, exists: post.Exist(addr)}
		if p.exists {
			p.balance.Set(post.GetBalance(addr))
			p.nonce, p.codeHash = post.GetNonce(addr), post.GetCodeHash(addr)
			if p.codeHash != r.state.GetCodeHash(addr) {
				p.code = post.GetCode(addr)
			}
			for _, k := range touched[addr] {
				p.slots = append(p.slots, slotValue{k, post.GetState(addr, k)})
			}
		}
		s = append(s, p)
	}
	r.block = append(r.block, s)
	return r.apply(s, rules)
}

// Root returns the state root after the steps so far, which begin the
// next block's.
func (r *Roots) Root(ctx context.Context, rules params.Rules) (common.Hash, error) {
	var searched []common.Hash
	for {
		root := r.state.IntermediateRoot(rules)
		err := r.state.Error()
		if err == nil {
			r.block, r.start = r.block[:0], r.state.Copy()
			return root, nil
		}
		var missing *trie.MissingNodeError
		if !errors.As(err, &missing) {
			return common.Hash{}, fmt.Errorf("fork: state root: %w", err)
		}
		if slices.Contains(searched, missing.NodeHash) {
			return common.Hash{}, fmt.Errorf("fork: state root: the proof searched for did not hold trie node %x", missing.NodeHash)
		}
		searched = append(searched, missing.NodeHash)
		if err := r.proveUnder(ctx, missing); err != nil {
			return common.Hash{}, err
		}
		// The failed hashing left the state half updated: the block
		// again, from before it, with the node now at hand.
		r.state = r.start.Copy()
		for _, s := range r.block {
			if err := r.apply(s, rules); err != nil {
				return common.Hash{}, err
			}
		}
	}
}

// apply writes one step into the state and finalises it, as the block's
// transaction did (EIP-161 deletions included, as post has them).
func (r *Roots) apply(s step, rules params.Rules) error {
	st := r.state
	for i := range s {
		p := &s[i]
		if !p.exists {
			if st.Exist(p.addr) {
				st.SelfDestruct(p.addr)
			}
			continue
		}
		if !st.Exist(p.addr) {
			st.CreateAccount(p.addr)
		}
		st.SetBalance(p.addr, p.balance.Clone(), tracing.BalanceChangeUnspecified)
		st.SetNonce(p.addr, p.nonce, tracing.NonceChangeUnspecified)
		if st.GetCodeHash(p.addr) != p.codeHash {
			st.SetCode(p.addr, p.code, tracing.CodeChangeUnspecified)
		}
		for _, v := range p.slots {
			st.SetState(p.addr, v.key, v.value)
		}
	}
	st.Finalise(rules)
	if err := st.Error(); err != nil {
		return fmt.Errorf("fork: applying a transaction to the witness state: %w", err)
	}
	return nil
}

// prove fetches the proofs of the accounts and slots in touched not
// proved yet, in one batch.
func (r *Roots) prove(ctx context.Context, touched map[common.Address][]common.Hash) error {
	var want []accountKeys
	for _, addr := range sortedAddrs(touched) {
		var keys []common.Hash
		for _, k := range touched[addr] {
			if !r.proved[slotKey{addr, k}] {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 || !r.proved[slotKey{addr: addr}] {
			want = append(want, accountKeys{addr, keys})
		}
	}
	if len(want) == 0 {
		return nil
	}
	if err := r.fetchProofs(ctx, want); err != nil {
		return err
	}
	for _, w := range want {
		r.proved[slotKey{addr: w.addr}] = true
		r.owners[crypto.Keccak256Hash(w.addr[:])] = w.addr
		for _, k := range w.keys {
			r.proved[slotKey{w.addr, k}] = true
		}
	}
	return nil
}

type accountKeys struct {
	addr common.Address
	keys []common.Hash
}

// accountProof is the part of eth_getProof's answer Roots keeps.
type accountProof struct {
	AccountProof []hexutil.Bytes `json:"accountProof"`
	StorageProof []struct {
		Proof []hexutil.Bytes `json:"proof"`
	} `json:"storageProof"`
}

// fetchProofs asks for the proofs of want at the forked block and keeps
// their nodes, and the code of the accounts proved.
func (r *Roots) fetchProofs(ctx context.Context, want []accountKeys) error {
	src := r.c.src
	proofs := make([]accountProof, len(want))
	batch := make([]rpc.BatchElem, len(want))
	for i, w := range want {
		keys := w.keys
		if keys == nil {
			keys = []common.Hash{}
		}
		batch[i] = rpc.BatchElem{Method: "eth_getProof", Args: []any{w.addr, keys, src.blockParam}, Result: &proofs[i]}
	}
	if err := src.batch(ctx, batch); err != nil {
		return &Error{What: fmt.Sprintf("proofs of %d accounts at block %s", len(want), src.block), Err: err}
	}
	for _, p := range proofs {
		r.keep(p.AccountProof)
		for _, sp := range p.StorageProof {
			r.keep(sp.Proof)
		}
	}
	return nil
}

// keep stores proof nodes under their hashes, as a hash-scheme trie
// database holds them.
func (r *Roots) keep(nodes []hexutil.Bytes) {
	for _, n := range nodes {
		rawdb.WriteLegacyTrieNode(r.db, crypto.Keccak256Hash(n), n)
	}
}

// proveUnder fetches the trie node missing names: the proof of a key
// whose hashed path runs through it goes through it.
func (r *Roots) proveUnder(ctx context.Context, missing *trie.MissingNodeError) error {
	r.searches++
	path := missing.Path
	if len(path) > maxSiblingDepth {
		return fmt.Errorf("fork: state root: a deletion needs trie node %x at depth %d, beyond what a proof search reaches (%d)",
			missing.NodeHash, len(path), maxSiblingDepth)
	}
	under := func(h common.Hash) bool {
		for i, nibble := range path {
			b := h[i/2]
			if i%2 == 0 {
				b >>= 4
			}
			if b&0xf != nibble {
				return false
			}
		}
		return true
	}
	var seed [8]byte
	if missing.Owner == (common.Hash{}) {
		var a common.Address
		for i := uint64(0); ; i++ {
			binary.BigEndian.PutUint64(seed[:], i)
			copy(a[12:], seed[:])
			if under(crypto.Keccak256Hash(a[:])) {
				break
			}
		}
		return r.fetchProofs(ctx, []accountKeys{{addr: a}})
	}
	owner, ok := r.owners[missing.Owner]
	if !ok {
		return fmt.Errorf("fork: state root: a node of the storage trie of an account not proved (%x)", missing.Owner)
	}
	var key common.Hash
	for i := uint64(0); ; i++ {
		binary.BigEndian.PutUint64(key[24:], i)
		if under(crypto.Keccak256Hash(key[:])) {
			break
		}
	}
	return r.fetchProofs(ctx, []accountKeys{{addr: owner, keys: []common.Hash{key}}})
}

// Searches returns how many trie nodes a deletion needed that no proof of
// a touched key held, found by searching for a key under them.
func (r *Roots) Searches() int { return r.searches }

func sortedAddrs(t map[common.Address][]common.Hash) []common.Address {
	out := make([]common.Address, 0, len(t))
	for a := range t {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y common.Address) int { return x.Cmp(y) })
	return out
}
