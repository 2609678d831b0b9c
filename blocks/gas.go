package blocks

import "github.com/ethereum/go-ethereum/params"

// Every gas number of the EVM that hyvm charges, named once: the opcode
// table (spec.go) uses the constant ones, translate's dynamic gas the
// others. Where go-ethereum's params names a number, it is that constant;
// HyVM's measured costs are in hyvm.go.

// The constant-gas tiers of the Yellow Paper (W_base, W_verylow, W_low,
// W_mid, W_high, W_extcode), as go-ethereum's core/vm names them (gas.go);
// restated because params does not have them. spec_test.go checks them.
const (
	GasQuickStep   uint64 = 2
	GasFastestStep uint64 = 3
	GasFastStep    uint64 = 5
	GasMidStep     uint64 = 8
	GasSlowStep    uint64 = 10
	GasExtStep     uint64 = 20

	JumpdestGas = params.JumpdestGas
)

// EIP-2929 state access. The warm cost is the constant gas of the opcodes
// that access an account or slot; a cold access pays the difference on top.
const (
	WarmStorageReadCost   = params.WarmStorageReadCostEIP2929
	ColdAccountAccessCost = params.ColdAccountAccessCostEIP2929
	ColdAccountSurcharge  = ColdAccountAccessCost - WarmStorageReadCost
	ColdSloadCost         = params.ColdSloadCostEIP2929
)

// SSTORE per EIP-2200, EIP-2929 and EIP-3529.
const (
	SstoreSentryGas    = params.SstoreSentryGasEIP2200 // not charged: SSTORE needs more left
	SstoreSetGas       = params.SstoreSetGasEIP2200
	SstoreResetGas     = params.SstoreResetGasEIP2200
	SstoreClearsRefund = params.SstoreClearsScheduleRefundEIP3529
)

// Memory, copies, hashing, EXP and logs.
const (
	MemoryGas        = params.MemoryGas    // per word of memory
	QuadCoeffDiv     = params.QuadCoeffDiv // words²/QuadCoeffDiv on top
	CopyGas          = params.CopyGas      // per word copied by *COPY
	Keccak256Gas     = params.Keccak256Gas
	Keccak256WordGas = params.Keccak256WordGas
	ExpGas           = params.ExpGas        // EXP's constant part (see OpInfo.Gas)
	ExpByteGas       = params.ExpByteEIP158 // per byte of EXP's exponent
	LogGas           = params.LogGas
	LogTopicGas      = params.LogTopicGas
	LogDataGas       = params.LogDataGas // per byte of data
)

// Calls, creations and SELFDESTRUCT.
const (
	CallGas                 = WarmStorageReadCost // constant gas of the CALL family (EIP-2929)
	CallValueTransferGas    = params.CallValueTransferGas
	CallNewAccountGas       = params.CallNewAccountGas
	CallStipend             = params.CallStipend
	CreateGas               = params.CreateGas
	Create2Gas              = params.Create2Gas
	InitCodeWordGas         = params.InitCodeWordGas // EIP-3860
	SelfdestructGas         = params.SelfdestructGasEIP150
	CreateBySelfdestructGas = params.CreateBySelfdestructGas // the beneficiary is a new account
	MaxInitCodeSize         = params.MaxInitCodeSize         // EIP-3860
)
