package translate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// HyVMPolicy decides, before a HyVM guest performs it, whether a call,
// creation or storage write may happen: the off-chain counterpart of the
// contract verifier variant of HyVM. It is consulted only by guest
// instructions (not by the contracts a guest calls) of every HyVM frame of
// the transaction, nested guests included. Methods must not modify the
// state; they are called on the EVM's goroutine.
//
// A denied instruction ends the guest like HyVM's revert(0, 0): the frame
// fails with empty return data and returns its remaining gas. The denied
// instruction costs its constant gas and HyVM's dispatch overhead, which the
// block already charged; none of its dynamic gas (memory expansion, cold
// access, value transfer, forwarded gas) is charged and nothing is warmed.
// The policy is asked before any other check of the instruction (static
// context, SSTORE's 2300-gas sentry), as the verifier is.
type HyVMPolicy interface {
	AllowCall(c *HyVMCall) bool
	AllowCreate(c *HyVMCreate) bool
	AllowStore(s *HyVMStore) bool
}

// HyVMPolicyDataLimit is how many leading bytes of a call's data a policy
// sees: as many as the contract verifier passes to verifyCall.
const HyVMPolicyDataLimit = 0x140

// HyVMCall is a guest CALL, STATICCALL or DELEGATECALL about to run.
type HyVMCall struct {
	Op     blocks.Opcode  // CALL, STATICCALL or DELEGATECALL
	Host   common.Address // ADDRESS of the guest
	Target common.Address
	Value  uint256.Int // CALL's value; 0 for the others
	// Data holds the first min(size, HyVMPolicyDataLimit) bytes of the call
	// data (bytes past the end of memory read as zero, as they will); Size
	// is its full length.
	Data []byte
	Size uint64
	// Depth is the guest frame's call depth: 0 for a transaction's first
	// frame, 1 for a HyVM frame under a host called by a transaction.
	Depth int
}

// Selector returns the first 4 bytes of the call data, zero-padded.
func (c *HyVMCall) Selector() (s [4]byte) {
	copy(s[:], c.Data)
	return s
}

// HyVMCreate is a guest CREATE or CREATE2 about to run.
type HyVMCreate struct {
	Op           blocks.Opcode // CREATE or CREATE2
	Host         common.Address
	Value        uint256.Int
	Salt         uint256.Int // CREATE2 only
	InitCodeSize uint64
	Depth        int
}

// HyVMStore is a guest SSTORE about to run in Host's storage.
type HyVMStore struct {
	Host        common.Address
	Slot, Value common.Hash
	Depth       int
}

// withPolicy puts the policy check of Env.HyVMPolicy in front of a guest
// instruction the profile marks (blocks.HyVMOp.Policy: the CALL family,
// CREATE, SSTORE). HyVM blocks end after these, so a denial leaves exactly
// the gas an interpreter would have left. It runs after HyVM's offset
// rewriting, so the call data is read where the call will read it. rest is
// the constant gas of the block after the instruction, charged in advance
// at block entry and given back when the guest stops here. Frames without a
// policy pay one nil check.
func withPolicy(op opFn, code blocks.Opcode, rest uint64) opFn {
	if !code.Info().HyVM.Policy {
		return op
	}
	var allow func(p HyVMPolicy, f *Frame) bool
	switch code {
	case blocks.CALL, blocks.STATICCALL, blocks.DELEGATECALL:
		allow = allowCall(code)
	case blocks.CREATE, blocks.CREATE2:
		allow = allowCreate(code)
	default:
		allow = allowStore
	}
	return func(f *Frame) error {
		if p := f.Env.HyVMPolicy; p != nil && !allow(p, f) {
			f.Gas += rest
			return errExecReverted
		}
		return op(f)
	}
}

func allowCall(code blocks.Opcode) func(HyVMPolicy, *Frame) bool {
	args := callArgsOf(code)
	return func(p HyVMPolicy, f *Frame) bool {
		c := &HyVMCall{Op: code, Host: f.Address, Target: common.Address(f.back(callAddrArg).Bytes20()), Depth: f.Depth - 1}
		if args.value >= 0 {
			c.Value = *f.back(int(args.value))
		}
		c.Data, c.Size = f.Mem.peek(f.back(int(args.inOff)), f.back(int(args.inSize)), HyVMPolicyDataLimit)
		return p.AllowCall(c)
	}
}

func allowCreate(code blocks.Opcode) func(HyVMPolicy, *Frame) bool {
	return func(p HyVMPolicy, f *Frame) bool {
		c := &HyVMCreate{Op: code, Host: f.Address, Value: *f.back(0), Depth: f.Depth - 1}
		c.InitCodeSize = saturate(f.back(2))
		if code == blocks.CREATE2 {
			c.Salt = *f.back(3)
		}
		return p.AllowCreate(c)
	}
}

func allowStore(p HyVMPolicy, f *Frame) bool {
	return p.AllowStore(&HyVMStore{Host: f.Address, Slot: f.back(0).Bytes32(), Value: f.back(1).Bytes32(), Depth: f.Depth - 1})
}

// peek copies the first min(size, limit) bytes of memory [off, off+size),
// reading zeros past the end of memory, and returns them with the size.
func (m *Memory) peek(off, size *uint256.Int, limit uint64) ([]byte, uint64) {
	n := saturate(size)
	data := make([]byte, min(n, limit))
	if off.IsUint64() && off.Uint64() < uint64(len(m.store)) {
		copy(data, m.store[off.Uint64():])
	}
	return data, n
}

// saturate returns v, or the largest uint64 if v does not fit.
func saturate(v *uint256.Int) uint64 {
	if !v.IsUint64() {
		return ^uint64(0)
	}
	return v.Uint64()
}
