package blocks

// The HyVM profile: how the HyVM contract (src/HyVM.huff) runs guest
// bytecode, as parameters of the translator. Every gas number here is HyVM's
// own EVM code priced by the EVM: derived from the Huff source and measured
// on go-ethereum, see ../shared/hyvm/gas-overhead.md (hyvm's TestGasFromDoc
// and TestProfileFromDoc check them against it). Per-opcode columns are
// OpInfo.HyVM; the rest are below.

// HyVMOp is an opcode's column of the HyVM profile.
type HyVMOp struct {
	// Supported is set for the opcodes HyVM implements; a guest running
	// another ends with revert(0, 0) after HyVMAbortGas.
	Supported bool
	// Policy is set for the instructions a HyVMPolicy is asked about
	// before they run (calls, creations, SSTORE).
	Policy bool
	// Overhead is HyVM's gas on top of the instruction's native constant
	// gas (dispatch and handler, measured). JUMP and JUMPI are priced by
	// outcome instead (HyVMJump*).
	Overhead uint64
	// Offsets are the stack positions (0 = top) of the memory offsets HyVM
	// rewrites before running the native instruction, -1 for none: the
	// offsets of OpInfo.Mem, since HyVM rewrites every guest memory offset.
	Offsets [2]int8
}

const (
	// HyVMMemStart is where guest memory starts in the HyVM frame's
	// memory: HyVM keeps its program counter, jump table and address below.
	HyVMMemStart = 0x340
	// HyVMStackLimit is the guest's stack limit: dispatch needs 3 free
	// slots of the real stack.
	HyVMStackLimit = 1021
	// HyVMPushStackHeadroom is the extra slot PUSH1..PUSH32 need while
	// reading their immediate.
	HyVMPushStackHeadroom = 1
)

// HyVM's fixed costs (measured).
const (
	// HyVMStartupGas is paid once per HyVM frame before the first dispatch:
	// the delegatecall-context check, the zero word at 0x320 and the copy of
	// the dispatch table (memory grows to HyVMMemStart bytes on the way).
	HyVMStartupGas = 204
	// HyVMSelfCallGas is what HyVM burns before reverting when it is not
	// run through DELEGATECALL (ADDRESS is its own address).
	HyVMSelfCallGas = 111
	// HyVMStopGas is the dispatch plus the STOP handler's JUMPDEST, also
	// paid when the guest runs off the end of its code.
	HyVMStopGas = 65
	// HyVMAbortGas is the dispatch plus `revert(0, 0)` of the handler that
	// unsupported opcodes, CALLCODE and SELFDESTRUCT jump to.
	HyVMAbortGas = 71
	// Jumps: totals per outcome, the instruction's native gas and the
	// landing JUMPDEST included (HyVM checks the byte itself and never
	// dispatches it). A jump to a byte other than 0x5b is revert(0, 0).
	HyVMJumpGas          = 114 // JUMP to a 0x5b byte
	HyVMJumpBadGas       = 121
	HyVMJumpINotTakenGas = 83
	HyVMJumpITakenGas    = 131
	HyVMJumpIBadGas      = 138
)

// HyVM's overhead classes (gas-overhead.md's summary): dispatch (64) plus
// what the handler adds to the native instruction.
const (
	hvNative       = 65  // the handler is the native opcode
	hvJumpdest     = 64  // the handler is its JUMPDEST, the native one's 1 gas
	hvPushZero     = 66  // PUSH0, CALLDATASIZE: PUSH1 0, 3 gas instead of 2
	hvCalldataload = 67  // POP, PUSH1 0: the guest's calldata is empty
	hvPC           = 75  // reads the guest pointer from memory
	hvOneOffset    = 77  // rewrites the top offset (FIX_MEMOFFSET)
	hvSecondOffset = 83  // rewrites the second offset (SWAP1 around FIX_MEMOFFSET)
	hvMsize        = 83  // subtracts HyVMMemStart from the real MSIZE
	hvCalldatacopy = 87  // rewrites the offset and copies from past the real calldata
	hvCall         = 101 // rewrites two offsets
	hvPush         = 109 // reads the immediate from the guest's code
)
