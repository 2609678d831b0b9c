package runtime

import (
	"context"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/internal/eq"
	"github.com/hyvm/hyvm/translate"
)

// HyVMCodeSize is the runtime size of the reference HyVM build (src/HyVM.huff
// at commit b7836b1, no verifier, Paris), the default of HyVMContract.
const HyVMCodeSize = 5899

// HyVMContract is a deployment of the HyVM contract that the EVM serves
// natively instead of interpreting its bytecode. A DELEGATECALL (or
// CALLCODE) to it runs its calldata as a guest in the caller's context, in
// HyVM mode; a CALL or STATICCALL reverts with empty data, as HyVM's
// delegatecall-context check does.
//
// The account should exist in the state (nonce 1 for a CREATE deployment);
// its code is not read: EXTCODESIZE and EXTCODEHASH see CodeSize and
// CodeHash, EXTCODECOPY sees zeros ending with the address word HyVM embeds.
type HyVMContract struct {
	Address  common.Address
	CodeHash common.Hash
	CodeSize int // 0: HyVMCodeSize
}

// CodeOverlay is a state that can serve the code of a few accounts itself,
// over what it holds (hyvmstate.SlotCache does): the EVM then hands it the
// HyVM deployments' code instead of wrapping the state in its own overlay,
// which would add a call to every state access. Code overlaid this way
// reads as the account's code (GetCode, GetCodeHash, GetCodeSize) and makes
// the account not Empty, whatever the state holds, until the state's run
// ends.
type CodeOverlay interface {
	OverlayCode(addr common.Address, code []byte, hash common.Hash)
}

// hyvmState overlays the code of natively served HyVM deployments on the
// EVM's state.
type hyvmState struct {
	vm.StateDB
	code []hyvmCode // one per deployment: a scan beats a map's hashing for the usual one or two
}

type hyvmCode struct {
	addr common.Address
	code []byte
	hash common.Hash
}

// find returns a's HyVM code, if a is a natively served deployment.
func (s *hyvmState) find(a common.Address) *hyvmCode {
	for i := range s.code {
		if eq.Address(&s.code[i].addr, &a) {
			return &s.code[i]
		}
	}
	return nil
}

func (s *hyvmState) GetCode(a common.Address) []byte {
	if c := s.find(a); c != nil {
		return c.code
	}
	return s.StateDB.GetCode(a)
}

func (s *hyvmState) GetCodeHash(a common.Address) common.Hash {
	if c := s.find(a); c != nil {
		return c.hash
	}
	return s.StateDB.GetCodeHash(a)
}

func (s *hyvmState) GetCodeSize(a common.Address) int {
	if c := s.find(a); c != nil {
		return len(c.code)
	}
	return s.StateDB.GetCodeSize(a)
}

// Empty is false for an account with code (EIP-161).
func (s *hyvmState) Empty(a common.Address) bool {
	if s.find(a) != nil {
		return false
	}
	return s.StateDB.Empty(a)
}

// setupHyVM registers the HyVM deployments of cfg: their code overlays the
// state and their code hash selects the native kernel instead of a
// translation. The same deployments as the last time keep their kernels.
func (e *EVM) setupHyVM(contracts []HyVMContract) {
	if len(contracts) == 0 {
		e.kernels, e.hyvm, e.hyvmSt = nil, nil, hyvmState{}
		return
	}
	if !slices.Equal(contracts, e.hyvm) {
		e.hyvm = slices.Clone(contracts)
		e.hyvmSt.code = make([]hyvmCode, 0, len(contracts))
		e.kernels = make([]hyvmKernel, 0, len(contracts))
		for _, c := range contracts {
			size := c.CodeSize
			if size <= 0 {
				size = HyVMCodeSize
			}
			code := make([]byte, max(size, common.HashLength))[:size]
			copy(code[max(0, size-common.AddressLength):], c.Address[:])
			e.hyvmSt.code = append(e.hyvmSt.code, hyvmCode{addr: c.Address, code: code, hash: c.CodeHash})
			e.kernels = append(e.kernels, hyvmKernel{c.CodeHash, translate.NewHyVMKernel(c.Address, e.guestProgram)})
		}
	}
	if co, ok := e.env.State.(CodeOverlay); ok {
		for i := range e.hyvmSt.code {
			c := &e.hyvmSt.code[i]
			co.OverlayCode(c.addr, c.code, c.hash)
		}
		return
	}
	e.hyvmSt.StateDB = e.env.State
	e.env.State = &e.hyvmSt
}

// guestProgram returns the HyVM-mode translation of the guest that frame f
// runs (its input), cached by its bytes (Cache.GuestKey). A guest passed from
// the memory of a calling frame is remembered with that memory (guestMemo),
// so running it again from unchanged memory costs neither a hash nor a
// lookup, whatever its size. A guest template compiled ahead of time
// (Config.AOT) runs instead of a translation.
func (e *EVM) guestProgram(f *translate.Frame) (*translate.Program, error) {
	code := f.Input
	var mem *translate.Memory
	var off uint64
	if caller := e.callerFrame(f.Depth - 1); caller != nil {
		if off = caller.CallInputOffset(); caller.Mem.Holds(code, off) {
			mem = &caller.Mem
			if p := e.guests.lookup(mem, off, uint64(len(code))); p != nil {
				return p, nil
			}
		}
	}
	var p *translate.Program
	var err error
	if e.aot != nil {
		p = e.aot.lookupGuest(code, e.env.Fork)
	}
	if p == nil {
		p, err = e.cache.HyVMProgram(e.cache.GuestKey(code), code, e.env.Fork, e.opts)
	}
	if err == nil && mem != nil {
		e.guests.remember(mem, off, uint64(len(code)), p)
	}
	return p, err
}

// hyvmKernel is the program serving a HyVM deployment's code hash.
type hyvmKernel struct {
	hash    common.Hash
	program *translate.Program
}

// nativeProgram returns the kernel serving code with this hash, if any.
func (e *EVM) nativeProgram(hash common.Hash) *translate.Program {
	for i := range e.kernels {
		if eq.Hash(&e.kernels[i].hash, &hash) {
			return e.kernels[i].program
		}
	}
	return nil
}

// GuestCall describes one run of a HyVM guest: a DELEGATECALL from Host to
// the HyVM deployment at HyVM, whose calldata is the guest.
type GuestCall struct {
	HyVM   common.Address // a deployment registered in Config.HyVM
	Host   common.Address // ADDRESS of the guest: storage, balance and logs are Host's
	Caller common.Address // CALLER of the guest (the caller of Host)
	Value  *uint256.Int   // CALLVALUE of the guest; nothing is transferred. nil: 0
	Gas    uint64         // gas given to the HyVM frame
	Static bool           // StaticHyVM: the frame runs in a static context
	// Depth is the call depth of the HyVM frame (0: the transaction's first
	// frame; 1 when a host called from a transaction delegatecalls HyVM).
	Depth int
	// Policy, when set, replaces Config.HyVMPolicy for this run, nested
	// guests included.
	Policy HyVMPolicy
}

// RunGuest runs guest through HyVM as c describes and returns the frame's
// output, the gas it leaves (0 after an exceptional halt) and its error
// (nil on STOP/RETURN, vm.ErrExecutionReverted on REVERT and on HyVM's own
// revert(0, 0), another vm error on an exceptional halt). State changes of
// a failed run are reverted. No other error is returned for bad guest code:
// every byte string is a valid guest. An error for which HaltsExecution
// holds (ctx cancelled, a memory cap, a fault) leaves the state as it was.
func (e *EVM) RunGuest(ctx context.Context, c GuestCall, guest []byte) (ret []byte, left uint64, err error) {
	if c.Depth < 0 || c.Depth > MaxCallDepth {
		return nil, 0, fmt.Errorf("guest call depth %d out of range [0, %d]", c.Depth, MaxCallDepth)
	}
	var x execution
	defer e.end(&x, &ret, &left, &err)
	if err = e.begin(ctx, &x); err != nil {
		return nil, 0, err
	}
	value := c.Value
	if value == nil {
		value = &e.zero
	}
	e.depth = c.Depth
	saved := e.env.HyVMPolicy
	if c.Policy != nil {
		e.env.HyVMPolicy = c.Policy
	}
	defer func() { e.env.HyVMPolicy = saved }()
	return e.delegateCall(c.Caller, c.Host, c.HyVM, guest, c.Gas, value, c.Static)
}
