package blocks

import "fmt"

// Opcode is one EVM instruction byte.
type Opcode byte

// Opcodes referenced by name in the analysis and the translators.
const (
	STOP           Opcode = 0x00
	ADD            Opcode = 0x01
	MUL            Opcode = 0x02
	SUB            Opcode = 0x03
	DIV            Opcode = 0x04
	SDIV           Opcode = 0x05
	MOD            Opcode = 0x06
	SMOD           Opcode = 0x07
	ADDMOD         Opcode = 0x08
	MULMOD         Opcode = 0x09
	EXP            Opcode = 0x0a
	SIGNEXTEND     Opcode = 0x0b
	LT             Opcode = 0x10
	GT             Opcode = 0x11
	SLT            Opcode = 0x12
	SGT            Opcode = 0x13
	EQ             Opcode = 0x14
	ISZERO         Opcode = 0x15
	AND            Opcode = 0x16
	OR             Opcode = 0x17
	XOR            Opcode = 0x18
	NOT            Opcode = 0x19
	BYTE           Opcode = 0x1a
	SHL            Opcode = 0x1b
	SHR            Opcode = 0x1c
	SAR            Opcode = 0x1d
	CLZ            Opcode = 0x1e
	KECCAK256      Opcode = 0x20
	ADDRESS        Opcode = 0x30
	BALANCE        Opcode = 0x31
	ORIGIN         Opcode = 0x32
	CALLER         Opcode = 0x33
	CALLVALUE      Opcode = 0x34
	CALLDATALOAD   Opcode = 0x35
	CALLDATASIZE   Opcode = 0x36
	CALLDATACOPY   Opcode = 0x37
	CODESIZE       Opcode = 0x38
	CODECOPY       Opcode = 0x39
	GASPRICE       Opcode = 0x3a
	EXTCODESIZE    Opcode = 0x3b
	EXTCODECOPY    Opcode = 0x3c
	RETURNDATASIZE Opcode = 0x3d
	RETURNDATACOPY Opcode = 0x3e
	EXTCODEHASH    Opcode = 0x3f
	BLOCKHASH      Opcode = 0x40
	COINBASE       Opcode = 0x41
	TIMESTAMP      Opcode = 0x42
	NUMBER         Opcode = 0x43
	PREVRANDAO     Opcode = 0x44
	GASLIMIT       Opcode = 0x45
	CHAINID        Opcode = 0x46
	SELFBALANCE    Opcode = 0x47
	BASEFEE        Opcode = 0x48
	BLOBHASH       Opcode = 0x49
	BLOBBASEFEE    Opcode = 0x4a
	POP            Opcode = 0x50
	MLOAD          Opcode = 0x51
	MSTORE         Opcode = 0x52
	MSTORE8        Opcode = 0x53
	SLOAD          Opcode = 0x54
	SSTORE         Opcode = 0x55
	JUMP           Opcode = 0x56
	JUMPI          Opcode = 0x57
	PC             Opcode = 0x58
	MSIZE          Opcode = 0x59
	GAS            Opcode = 0x5a
	JUMPDEST       Opcode = 0x5b
	TLOAD          Opcode = 0x5c
	TSTORE         Opcode = 0x5d
	MCOPY          Opcode = 0x5e
	PUSH0          Opcode = 0x5f
	PUSH1          Opcode = 0x60
	PUSH32         Opcode = 0x7f
	DUP1           Opcode = 0x80
	DUP16          Opcode = 0x8f
	SWAP1          Opcode = 0x90
	SWAP16         Opcode = 0x9f
	LOG0           Opcode = 0xa0
	LOG4           Opcode = 0xa4
	CREATE         Opcode = 0xf0
	CALL           Opcode = 0xf1
	CALLCODE       Opcode = 0xf2
	RETURN         Opcode = 0xf3
	DELEGATECALL   Opcode = 0xf4
	CREATE2        Opcode = 0xf5
	STATICCALL     Opcode = 0xfa
	REVERT         Opcode = 0xfd
	INVALID        Opcode = 0xfe
	SELFDESTRUCT   Opcode = 0xff
)

// Info returns op's row of the spec table (spec.go).
func (op Opcode) Info() *OpInfo { return &opTable[op] }

// String returns op's name as go-ethereum's vm.OpCode names it (but
// PREVRANDAO, which it still calls DIFFICULTY), so that messages read alike.
func (op Opcode) String() string {
	if n := opTable[op].Name; n != "" {
		return n
	}
	return fmt.Sprintf("opcode %#x not defined", int(op))
}

// IsPush reports whether op is PUSH1..PUSH32 (PUSH0 has no immediate).
func (op Opcode) IsPush() bool { return op >= PUSH1 && op <= PUSH32 }

// Defined reports whether op exists in fork.
func (op Opcode) Defined(f Fork) bool { s := opTable[op].Since; return s != 0 && s <= f }
