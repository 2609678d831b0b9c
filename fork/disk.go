package fork

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/pebble"
)

// disk persists what a Cache fetched in an embedded pebble database, so a
// later run at the same block of the same endpoint reads it without a
// request. Entries are keyed by the block's hash, so forks of one node at
// different blocks, or of different chains, never mix; the header of a
// block number of an endpoint is recorded the first time it is asked.
type disk struct {
	db ethdb.KeyValueStore
}

func openDisk(dir string) (*disk, error) {
	db, err := pebble.New(dir, 16, 16, "hyvm/fork/", false)
	if err != nil {
		return nil, fmt.Errorf("fork: opening the cache in %s: %w", dir, err)
	}
	return &disk{db: db}, nil
}

func (d *disk) close() error { return d.db.Close() }

// Key prefixes.
const (
	keyBlock   = 'b' // endpoint and number → the block's header (JSON)
	keyAccount = 'a' // block hash and address → account
	keySlot    = 's' // block hash, address and key → value
)

func blockKey(url string, number uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte{keyBlock}, url...), number)
}

func accountKey(block common.Hash, addr common.Address) []byte {
	return append(append([]byte{keyAccount}, block[:]...), addr[:]...)
}

func slotKeyBytes(block common.Hash, addr common.Address, key common.Hash) []byte {
	return append(append(append([]byte{keySlot}, block[:]...), addr[:]...), key[:]...)
}

// header returns the recorded header of an endpoint's block.
func (d *disk) header(url string, number uint64) (*types.Header, bool) {
	v, err := d.db.Get(blockKey(url, number))
	if err != nil {
		return nil, false
	}
	h := new(types.Header)
	if json.Unmarshal(v, h) != nil {
		return nil, false
	}
	return h, true
}

func (d *disk) putHeader(url string, number uint64, raw json.RawMessage) error {
	return d.db.Put(blockKey(url, number), raw)
}

// Accounts are stored as exists (1 byte), nonce (8), balance (32), code
// hash (32), then the code.
func (d *disk) account(block common.Hash, addr common.Address) (*account, bool) {
	v, err := d.db.Get(accountKey(block, addr))
	if err != nil || len(v) < 73 {
		return nil, false
	}
	a := &account{exists: v[0] == 1, nonce: binary.BigEndian.Uint64(v[1:9]), codeHash: common.BytesToHash(v[41:73])}
	a.balance.SetBytes32(v[9:41])
	if len(v) > 73 {
		a.code = v[73:]
	}
	return a, true
}

func (d *disk) putAccount(block common.Hash, addr common.Address, a *account) error {
	v := make([]byte, 73, 73+len(a.code))
	if a.exists {
		v[0] = 1
	}
	binary.BigEndian.PutUint64(v[1:9], a.nonce)
	b := a.balance.Bytes32()
	copy(v[9:41], b[:])
	copy(v[41:73], a.codeHash[:])
	return d.db.Put(accountKey(block, addr), append(v, a.code...))
}

func (d *disk) slot(block common.Hash, addr common.Address, key common.Hash) (common.Hash, bool) {
	v, err := d.db.Get(slotKeyBytes(block, addr, key))
	if err != nil || len(v) != common.HashLength {
		return common.Hash{}, false
	}
	return common.BytesToHash(v), true
}

func (d *disk) putSlot(block common.Hash, addr common.Address, key, value common.Hash) error {
	return d.db.Put(slotKeyBytes(block, addr, key), value[:])
}

var errNoBlock = errors.New("the endpoint has no such block")
