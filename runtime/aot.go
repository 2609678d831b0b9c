package runtime

import (
	"fmt"
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
// itself: code that differs from it is never run by it. A registry is safe
// for concurrent use; lookups take no lock.
type AOTRegistry struct {
	mu    sync.Mutex                          // serialises Add
	progs atomic.Pointer[map[aotKey]aotEntry] // replaced whole by Add
}

type aotKey struct {
	hash common.Hash
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
	return r.add(name, code, codeHash(code), fork, run, digest)
}

// add is Add for code whose hash is known.
func (r *AOTRegistry) add(name string, code []byte, hash common.Hash, fork blocks.Fork, run translate.AOTFunc, digest string) error {
	k := aotKey{hash, fork}
	if n, ok := r.Name(hash, fork); ok && n != name {
		return fmt.Errorf("runtime: ahead-of-time %s: its code is registered as %s", name, n)
	}
	p, err := translate.NewAOTProgram(code, fork, run, digest)
	if err != nil {
		return fmt.Errorf("runtime: ahead-of-time %s: %w", name, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.progs.Load()
	next := make(map[aotKey]aotEntry, 1)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	if e, ok := next[k]; ok && e.name != name { // added meanwhile
		return fmt.Errorf("runtime: ahead-of-time %s: its code is registered as %s", name, e.name)
	}
	next[k] = aotEntry{name, p}
	r.progs.Store(&next)
	return nil
}

// AddHash is Add for generated code that names its code by hash and takes
// the bytes from the caller: code must have that hash.
func (r *AOTRegistry) AddHash(name string, code []byte, hash string, fork blocks.Fork, run translate.AOTFunc, digest string) error {
	got := codeHash(code)
	if got.Hex() != hash {
		return fmt.Errorf("runtime: ahead-of-time %s: the code given has hash %s, the generated code's is %s", name, got.Hex(), hash)
	}
	return r.add(name, code, got, fork, run, digest)
}

// Len returns the number of programs registered.
func (r *AOTRegistry) Len() int {
	if m := r.progs.Load(); m != nil {
		return len(*m)
	}
	return 0
}

// Name returns the name code with hash was registered under for fork.
func (r *AOTRegistry) Name(hash common.Hash, fork blocks.Fork) (string, bool) {
	if m := r.progs.Load(); m != nil {
		e, ok := (*m)[aotKey{hash, fork}]
		return e.name, ok
	}
	return "", false
}

// lookup returns the program registered for hash under fork, if any.
func (r *AOTRegistry) lookup(hash common.Hash, fork blocks.Fork) *translate.Program {
	if m := r.progs.Load(); m != nil {
		return (*m)[aotKey{hash, fork}].prog
	}
	return nil
}

// AOT returns the registry e runs code compiled ahead of time from (nil
// without one, or while it traces).
func (e *EVM) AOT() *AOTRegistry { return e.aot }
