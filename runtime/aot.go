package runtime

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// AOTRegistry holds contracts compiled ahead of time to Go (hyvmc gen,
// translate.GenerateGo) by code hash and fork. An EVM whose Config.AOT is
// a registry runs a contract found there instead of translating it, unless
// it traces (the traced tier reports every instruction). Code is found by
// the hash of the code the program was generated from, which Add computes
// itself: code that differs from it is never run by it. HyVM guest
// templates (AddGuest) are found by their bytes, as the translation cache
// finds guests. A registry is safe for concurrent use; lookups take no
// lock.
type AOTRegistry struct {
	mu    sync.Mutex               // serialises Add
	table atomic.Pointer[aotTable] // replaced whole by Add
}

// aotTable is a registry's contents: every program by code hash, fork and
// kind, and the guests by a keyed hash of their bytes (a keccak256 per
// guest run would cost more than many guests take to run).
type aotTable struct {
	progs  map[aotKey]aotEntry
	guests map[guestKey]*translate.Program
	seed   maphash.Seed
}

type aotKey struct {
	hash  common.Hash
	fork  blocks.Fork
	guest bool
}

type guestKey struct {
	sum  uint64 // maphash of the bytes under the table's seed
	n    int
	fork blocks.Fork
}

type aotEntry struct {
	name string
	prog *translate.Program
}

// NewAOTRegistry returns an empty registry.
func NewAOTRegistry() *AOTRegistry { return new(AOTRegistry) }

// Add registers the program run generated for code under fork. It fails,
// registering nothing, if the generated code came from another
// translator (digest: regenerate it) or code is already registered for
// fork under another name.
func (r *AOTRegistry) Add(name string, code []byte, fork blocks.Fork, run translate.AOTFunc, digest string) error {
	return r.add(name, code, aotKey{codeHash(code), fork, false}, run, digest)
}

// AddGuest registers the program run generated for code as a HyVM guest
// (translate.AOTContract's Guest) under fork: an EVM runs it whenever HyVM
// is handed these bytes as its guest. It fails as Add does.
func (r *AOTRegistry) AddGuest(name string, code []byte, fork blocks.Fork, run translate.AOTFunc, digest string) error {
	return r.add(name, code, aotKey{codeHash(code), fork, true}, run, digest)
}

// add is Add for code whose hash is known.
func (r *AOTRegistry) add(name string, code []byte, k aotKey, run translate.AOTFunc, digest string) error {
	if n, ok := r.name(k); ok && n != name {
		return fmt.Errorf("runtime: ahead-of-time %s: its code is registered as %s", name, n)
	}
	newProgram := translate.NewAOTProgram
	if k.guest {
		newProgram = translate.NewAOTGuest
	}
	p, err := newProgram(code, k.fork, run, digest)
	if err != nil {
		return fmt.Errorf("runtime: ahead-of-time %s: %w", name, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	next := &aotTable{progs: map[aotKey]aotEntry{}, guests: map[guestKey]*translate.Program{}, seed: maphash.MakeSeed()}
	if old := r.table.Load(); old != nil {
		next.seed = old.seed
		maps.Copy(next.progs, old.progs)
		maps.Copy(next.guests, old.guests)
	}
	if e, ok := next.progs[k]; ok && e.name != name { // added meanwhile
		return fmt.Errorf("runtime: ahead-of-time %s: its code is registered as %s", name, e.name)
	}
	next.progs[k] = aotEntry{name, p}
	if k.guest {
		next.guests[next.guestKey(p.Code(), k.fork)] = p
	}
	r.table.Store(next)
	return nil
}

// AddHash is Add for generated code that names its code by hash and takes
// the bytes from the caller: code must have that hash.
func (r *AOTRegistry) AddHash(name string, code []byte, hash string, fork blocks.Fork, run translate.AOTFunc, digest string) error {
	k, err := hashKey(name, code, hash, fork, false)
	if err != nil {
		return err
	}
	return r.add(name, code, k, run, digest)
}

// AddGuestHash is AddGuest for generated code that names its guest by hash.
func (r *AOTRegistry) AddGuestHash(name string, code []byte, hash string, fork blocks.Fork, run translate.AOTFunc, digest string) error {
	k, err := hashKey(name, code, hash, fork, true)
	if err != nil {
		return err
	}
	return r.add(name, code, k, run, digest)
}

// hashKey returns the key of code, which must have the hash generated
// code names.
func hashKey(name string, code []byte, hash string, fork blocks.Fork, guest bool) (aotKey, error) {
	got := codeHash(code)
	if got.Hex() != hash {
		return aotKey{}, fmt.Errorf("runtime: ahead-of-time %s: the code given has hash %s, the generated code's is %s", name, got.Hex(), hash)
	}
	return aotKey{got, fork, guest}, nil
}

// Len returns the number of programs registered (guests included).
func (r *AOTRegistry) Len() int {
	if t := r.table.Load(); t != nil {
		return len(t.progs)
	}
	return 0
}

// Name returns the name code with hash was registered under for fork.
func (r *AOTRegistry) Name(hash common.Hash, fork blocks.Fork) (string, bool) {
	return r.name(aotKey{hash, fork, false})
}

// GuestName returns the name the guest with hash was registered under for
// fork.
func (r *AOTRegistry) GuestName(hash common.Hash, fork blocks.Fork) (string, bool) {
	return r.name(aotKey{hash, fork, true})
}

func (r *AOTRegistry) name(k aotKey) (string, bool) {
	if t := r.table.Load(); t != nil {
		e, ok := t.progs[k]
		return e.name, ok
	}
	return "", false
}

// lookup returns the program registered for hash under fork, if any.
func (r *AOTRegistry) lookup(hash common.Hash, fork blocks.Fork) *translate.Program {
	if t := r.table.Load(); t != nil {
		return t.progs[aotKey{hash, fork, false}].prog
	}
	return nil
}

// lookupGuest returns the guest program registered for guest's bytes
// under fork, if any; with no guest registered it costs no hash.
func (r *AOTRegistry) lookupGuest(guest []byte, fork blocks.Fork) *translate.Program {
	t := r.table.Load()
	if t == nil || len(t.guests) == 0 {
		return nil
	}
	if p := t.guests[t.guestKey(guest, fork)]; p != nil && bytes.Equal(p.Code(), guest) {
		return p
	}
	return nil
}

// guestKey returns the key of a guest's bytes in t.
func (t *aotTable) guestKey(guest []byte, fork blocks.Fork) guestKey {
	return guestKey{maphash.Bytes(t.seed, guest), len(guest), fork}
}

// AOT returns the registry e runs code compiled ahead of time from (nil
// without one, or while it traces).
func (e *EVM) AOT() *AOTRegistry { return e.aot }
