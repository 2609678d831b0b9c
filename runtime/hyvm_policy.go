package runtime

import "github.com/hyvm/hyvm/translate"

// HyVMPolicy may deny a HyVM guest's calls, creations and storage writes;
// a denied instruction ends the guest with revert(0, 0). The exact gas
// behaviour is documented on translate.HyVMPolicy.
type HyVMPolicy = translate.HyVMPolicy

// The operations a HyVMPolicy is asked about.
type (
	HyVMCall   = translate.HyVMCall
	HyVMCreate = translate.HyVMCreate
	HyVMStore  = translate.HyVMStore
)

// HyVMPolicyDataLimit is how many leading bytes of call data HyVMCall.Data
// holds.
const HyVMPolicyDataLimit = translate.HyVMPolicyDataLimit
