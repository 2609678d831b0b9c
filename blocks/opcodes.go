package blocks

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

// OpInfo describes an opcode independently of any fork.
type OpInfo struct {
	Name      string
	Immediate int    // bytes of immediate data following the opcode (PUSHn)
	Pops      int    // stack items consumed
	Pushes    int    // stack items produced
	Gas       uint64 // constant gas, as go-ethereum's jump table charges it
	Since     Fork   // first supported fork that defines it; 0 if never defined
	// EndsBlock is set for instructions after which straight-line execution
	// cannot continue (halts and jumps).
	EndsBlock bool
}

// Info returns the description of op. Undefined opcodes have an empty Name.
func (op Opcode) Info() *OpInfo { return &opTable[op] }

func (op Opcode) String() string {
	if n := opTable[op].Name; n != "" {
		return n
	}
	return "opcode " + hexByte(byte(op)) + " not defined"
}

// IsPush reports whether op is PUSH1..PUSH32 (PUSH0 has no immediate).
func (op Opcode) IsPush() bool { return op >= PUSH1 && op <= PUSH32 }

// Defined reports whether op exists in fork.
func (op Opcode) Defined(f Fork) bool { s := opTable[op].Since; return s != 0 && s <= f }

func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return "0x" + string([]byte{digits[b>>4], digits[b&15]})
}

// opTable is immutable after init: it is built once from the definitions below.
var opTable = buildOpTable()

func buildOpTable() (t [256]OpInfo) {
	def := func(op Opcode, name string, pops, pushes int, gas uint64) {
		t[op] = OpInfo{Name: name, Pops: pops, Pushes: pushes, Gas: gas, Since: Cancun}
	}
	def(STOP, "STOP", 0, 0, 0)
	def(ADD, "ADD", 2, 1, 3)
	def(MUL, "MUL", 2, 1, 5)
	def(SUB, "SUB", 2, 1, 3)
	def(DIV, "DIV", 2, 1, 5)
	def(SDIV, "SDIV", 2, 1, 5)
	def(MOD, "MOD", 2, 1, 5)
	def(SMOD, "SMOD", 2, 1, 5)
	def(ADDMOD, "ADDMOD", 3, 1, 8)
	def(MULMOD, "MULMOD", 3, 1, 8)
	def(EXP, "EXP", 2, 1, 10)
	def(SIGNEXTEND, "SIGNEXTEND", 2, 1, 5)
	def(LT, "LT", 2, 1, 3)
	def(GT, "GT", 2, 1, 3)
	def(SLT, "SLT", 2, 1, 3)
	def(SGT, "SGT", 2, 1, 3)
	def(EQ, "EQ", 2, 1, 3)
	def(ISZERO, "ISZERO", 1, 1, 3)
	def(AND, "AND", 2, 1, 3)
	def(OR, "OR", 2, 1, 3)
	def(XOR, "XOR", 2, 1, 3)
	def(NOT, "NOT", 1, 1, 3)
	def(BYTE, "BYTE", 2, 1, 3)
	def(SHL, "SHL", 2, 1, 3)
	def(SHR, "SHR", 2, 1, 3)
	def(SAR, "SAR", 2, 1, 3)
	def(CLZ, "CLZ", 1, 1, 5)
	t[CLZ].Since = Osaka
	def(KECCAK256, "KECCAK256", 2, 1, 30)
	def(ADDRESS, "ADDRESS", 0, 1, 2)
	def(BALANCE, "BALANCE", 1, 1, 100)
	def(ORIGIN, "ORIGIN", 0, 1, 2)
	def(CALLER, "CALLER", 0, 1, 2)
	def(CALLVALUE, "CALLVALUE", 0, 1, 2)
	def(CALLDATALOAD, "CALLDATALOAD", 1, 1, 3)
	def(CALLDATASIZE, "CALLDATASIZE", 0, 1, 2)
	def(CALLDATACOPY, "CALLDATACOPY", 3, 0, 3)
	def(CODESIZE, "CODESIZE", 0, 1, 2)
	def(CODECOPY, "CODECOPY", 3, 0, 3)
	def(GASPRICE, "GASPRICE", 0, 1, 2)
	def(EXTCODESIZE, "EXTCODESIZE", 1, 1, 100)
	def(EXTCODECOPY, "EXTCODECOPY", 4, 0, 100)
	def(RETURNDATASIZE, "RETURNDATASIZE", 0, 1, 2)
	def(RETURNDATACOPY, "RETURNDATACOPY", 3, 0, 3)
	def(EXTCODEHASH, "EXTCODEHASH", 1, 1, 100)
	def(BLOCKHASH, "BLOCKHASH", 1, 1, 20)
	def(COINBASE, "COINBASE", 0, 1, 2)
	def(TIMESTAMP, "TIMESTAMP", 0, 1, 2)
	def(NUMBER, "NUMBER", 0, 1, 2)
	def(PREVRANDAO, "PREVRANDAO", 0, 1, 2)
	def(GASLIMIT, "GASLIMIT", 0, 1, 2)
	def(CHAINID, "CHAINID", 0, 1, 2)
	def(SELFBALANCE, "SELFBALANCE", 0, 1, 5)
	def(BASEFEE, "BASEFEE", 0, 1, 2)
	def(BLOBHASH, "BLOBHASH", 1, 1, 3)
	def(BLOBBASEFEE, "BLOBBASEFEE", 0, 1, 2)
	def(POP, "POP", 1, 0, 2)
	def(MLOAD, "MLOAD", 1, 1, 3)
	def(MSTORE, "MSTORE", 2, 0, 3)
	def(MSTORE8, "MSTORE8", 2, 0, 3)
	def(SLOAD, "SLOAD", 1, 1, 0)
	def(SSTORE, "SSTORE", 2, 0, 0)
	def(JUMP, "JUMP", 1, 0, 8)
	def(JUMPI, "JUMPI", 2, 0, 10)
	def(PC, "PC", 0, 1, 2)
	def(MSIZE, "MSIZE", 0, 1, 2)
	def(GAS, "GAS", 0, 1, 2)
	def(JUMPDEST, "JUMPDEST", 0, 0, 1)
	def(TLOAD, "TLOAD", 1, 1, 100)
	def(TSTORE, "TSTORE", 2, 0, 100)
	def(MCOPY, "MCOPY", 3, 0, 3)
	def(PUSH0, "PUSH0", 0, 1, 2)
	for i := 1; i <= 32; i++ {
		op := PUSH1 + Opcode(i-1)
		def(op, "PUSH"+itoa(i), 0, 1, 3)
		t[op].Immediate = i
	}
	for i := 1; i <= 16; i++ {
		def(DUP1+Opcode(i-1), "DUP"+itoa(i), i, i+1, 3)
		def(SWAP1+Opcode(i-1), "SWAP"+itoa(i), i+1, i+1, 3)
	}
	for i := 0; i <= 4; i++ {
		def(LOG0+Opcode(i), "LOG"+itoa(i), 2+i, 0, 0)
	}
	def(CREATE, "CREATE", 3, 1, 32000)
	def(CALL, "CALL", 7, 1, 100)
	def(CALLCODE, "CALLCODE", 7, 1, 100)
	def(RETURN, "RETURN", 2, 0, 0)
	def(DELEGATECALL, "DELEGATECALL", 6, 1, 100)
	def(CREATE2, "CREATE2", 4, 1, 32000)
	def(STATICCALL, "STATICCALL", 6, 1, 100)
	def(REVERT, "REVERT", 2, 0, 0)
	def(INVALID, "INVALID", 0, 0, 0)
	def(SELFDESTRUCT, "SELFDESTRUCT", 1, 0, 5000)
	for _, op := range []Opcode{STOP, JUMP, JUMPI, RETURN, REVERT, INVALID, SELFDESTRUCT} {
		t[op].EndsBlock = true
	}
	// INVALID is "designated invalid": it has a name but no fork defines it.
	t[INVALID].Since = 0
	return t
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string([]rune{rune('0' + i/10), rune('0' + i%10)})
}
