package translate

import "github.com/hyvm/hyvm/blocks"

// HyVM's opcode table: which guest opcodes the HyVM contract implements and
// what its dispatch and handler cost on top of the native instruction. The
// numbers are HyVM's own EVM code (src/HyVM.huff) priced by the EVM, see
// shared/hyvm/gas-overhead.md.

const (
	// hyvmMemStart is where guest memory starts in the HyVM frame's memory.
	hyvmMemStart = 0x340
	// hyvmStartupGas is paid once per HyVM frame before the first dispatch:
	// the delegatecall-context check, the zero word at 0x320 and the copy of
	// the dispatch table (memory grows to 0x340 bytes on the way).
	hyvmStartupGas = 204
	// hyvmSelfCallGas is what HyVM burns before reverting when it is not
	// run through DELEGATECALL (ADDRESS is its own address).
	hyvmSelfCallGas = 111
	// hyvmStopGas is the dispatch plus the STOP handler's JUMPDEST, also
	// paid when the guest runs off the end of its code.
	hyvmStopGas = 65
	// hyvmAbortGas is the dispatch plus `revert(0, 0)` of the handler that
	// unsupported opcodes, CALLCODE and SELFDESTRUCT jump to.
	hyvmAbortGas = 71
	// Jumps: totals per outcome, the landing JUMPDEST included. The block
	// charges the cheaper outcome; the jump charges the difference.
	hyvmJumpGas           = 114 // JUMP to a 0x5b byte
	hyvmJumpBadExtra      = 121 - hyvmJumpGas
	hyvmJumpINotTakenGas  = 83
	hyvmJumpITakenExtra   = 131 - hyvmJumpINotTakenGas
	hyvmJumpIBadExtra     = 138 - hyvmJumpINotTakenGas
	hyvmStackLimit        = 1021 // dispatch needs 3 free slots of the real stack
	hyvmPushStackHeadroom = 1    // PUSH1..32 need 5 while reading the immediate
	hyvmMemWordsAtStart   = hyvmMemStart / 32
	hyvmMemCostAtStart    = hyvmMemWordsAtStart*3 + hyvmMemWordsAtStart*hyvmMemWordsAtStart/512
)

// hyvmOp describes a guest opcode under HyVM.
type hyvmOp struct {
	supported bool
	// overhead is HyVM's gas on top of the opcode's native constant gas.
	overhead uint64
	// offsets lists the stack positions (0 = top) of memory offsets HyVM
	// rewrites before running the native instruction; -1 = none.
	offsets [2]int8
}

// hyvmOps is immutable after init.
var hyvmOps = buildHyVMOps()

func buildHyVMOps() (t [256]hyvmOp) {
	set := func(overhead uint64, offs [2]int8, ops ...blocks.Opcode) {
		for _, op := range ops {
			t[op] = hyvmOp{supported: true, overhead: overhead, offsets: offs}
		}
	}
	none := [2]int8{-1, -1}
	top := [2]int8{0, -1}
	for op := blocks.STOP; op <= blocks.SIGNEXTEND; op++ {
		set(65, none, op)
	}
	for op := blocks.LT; op <= blocks.SAR; op++ {
		set(65, none, op)
	}
	for op := blocks.ADDRESS; op <= blocks.BASEFEE; op++ {
		set(65, none, op)
	}
	for op := blocks.DUP1; op <= blocks.SWAP16; op++ {
		set(65, none, op)
	}
	for op := blocks.PUSH1; op <= blocks.PUSH32; op++ {
		set(109, none, op)
	}
	set(65, none, blocks.POP, blocks.SLOAD, blocks.SSTORE, blocks.GAS)
	set(64, none, blocks.JUMPDEST)
	set(66, none, blocks.PUSH0, blocks.CALLDATASIZE)
	set(67, none, blocks.CALLDATALOAD)
	set(75, none, blocks.PC)
	set(83, none, blocks.MSIZE)
	set(77, top, blocks.MLOAD, blocks.MSTORE, blocks.MSTORE8, blocks.KECCAK256,
		blocks.CODECOPY, blocks.RETURNDATACOPY, blocks.RETURN, blocks.REVERT)
	for op := blocks.LOG0; op <= blocks.LOG4; op++ {
		set(77, top, op)
	}
	set(87, top, blocks.CALLDATACOPY)
	set(83, [2]int8{1, -1}, blocks.EXTCODECOPY, blocks.CREATE, blocks.CREATE2)
	set(101, [2]int8{3, 5}, blocks.CALL)
	set(101, [2]int8{2, 4}, blocks.DELEGATECALL, blocks.STATICCALL)
	// Jumps are priced by their terminator (hyvmJump*); INVALID halts.
	set(0, none, blocks.JUMP, blocks.JUMPI, blocks.INVALID)
	return t
}
