package hyvm

import "github.com/hyvm/hyvm/runtime"

// Policy may deny a guest's calls, creations and storage writes before they
// happen: the off-chain counterpart of HyVM's contract verifier variant.
// It is asked about every CALL, STATICCALL, DELEGATECALL, CREATE, CREATE2
// and SSTORE of the guest and of nested guests (a guest that delegatecalls
// HyVM), never about what the contracts a guest calls do.
//
// A denied instruction ends its guest like HyVM's revert(0, 0): the HyVM
// frame fails with empty return data, its state changes are reverted and
// its remaining gas goes back to its caller. The denied instruction costs
// its native constant gas plus HyVM's dispatch overhead (CALL family: 100 +
// 101, CREATE: 32000 + 83, CREATE2: 32000 + 83, SSTORE: 0 + 65); none of its
// dynamic gas is charged and no address or slot is warmed. The policy is
// asked before the static-context check and SSTORE's 2300-gas sentry.
type Policy = runtime.HyVMPolicy

// The requests a Policy is asked about. CallRequest.Data holds the first
// min(size, DataLimit) bytes of the call data; Selector() its first four.
type (
	CallRequest   = runtime.HyVMCall
	CreateRequest = runtime.HyVMCreate
	StoreRequest  = runtime.HyVMStore
)

// DataLimit is how many leading bytes of call data a CallRequest holds, as
// many as HyVM's verifier passes to verifyCall.
const DataLimit = runtime.HyVMPolicyDataLimit

// PolicyFuncs is a Policy made of functions; a nil function allows
// everything of its kind.
type PolicyFuncs struct {
	Call   func(*CallRequest) bool
	Create func(*CreateRequest) bool
	Store  func(*StoreRequest) bool
}

// AllowCall implements Policy.
func (p PolicyFuncs) AllowCall(c *CallRequest) bool { return p.Call == nil || p.Call(c) }

// AllowCreate implements Policy.
func (p PolicyFuncs) AllowCreate(c *CreateRequest) bool { return p.Create == nil || p.Create(c) }

// AllowStore implements Policy.
func (p PolicyFuncs) AllowStore(s *StoreRequest) bool { return p.Store == nil || p.Store(s) }
