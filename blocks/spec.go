package blocks

// The spec table: one row per opcode with every fact about it that the
// analysis, the translators and HyVM mode consult. A property of an opcode
// is a column here, not a list in another file. spec_test.go checks the
// rows against go-ethereum's jump table for every supported fork.

// OpInfo is an opcode's row.
type OpInfo struct {
	// Name is go-ethereum's mnemonic; empty for a byte it does not name.
	Name string
	// Since is the first supported fork that defines the opcode; 0 if none
	// does (INVALID, unassigned bytes, and the opcodes of later forks or of
	// EOF that go-ethereum names).
	Since Fork
	// Immediate is the number of bytes of immediate data after the opcode
	// (PUSHn).
	Immediate int
	// Pops and Pushes are the stack items consumed and produced.
	Pops, Pushes int
	// Gas is the constant gas, charged before the instruction runs; no
	// supported fork changes it. EXP's includes its fixed 10 (ExpGas),
	// which go-ethereum's jump table charges inside EXP's dynamic gas
	// (gasExpEIP158) although it does not depend on the operands: blocks
	// charge it with the rest of their constant gas.
	Gas uint64
	// Term is how a block ending with the instruction ends: Fallthrough
	// for one that does not end a block, Undefined for an opcode no
	// supported fork defines. TermIn gives it per fork.
	Term Terminator
	// DynamicGas is set for instructions that charge more than Gas,
	// depending on their operands or the state (go-ethereum's dynamicGas):
	// a traced run emits their line once that charge is known.
	DynamicGas bool
	// ObservesGas is set for instructions that read the gas left: GAS, the
	// forwarded gas of calls and creations, SSTORE's sentry. A block that
	// charged its later instructions' gas in advance gives it back around
	// them.
	ObservesGas bool
	// Mem lists the memory regions the instruction addresses, by stack
	// position, as go-ethereum's memory_table.go sizes them.
	Mem []MemArg
	// HyVM is the opcode's column of the HyVM profile (hyvm.go).
	HyVM HyVMOp
}

// MemArg is one memory region: the stack positions (0 = top) of its offset
// and of its size, or a fixed size for MLOAD, MSTORE and MSTORE8.
type MemArg struct {
	Offset int8
	Size   int8  // -1: the size is Len bytes
	Len    uint8 // the fixed size, when Size is -1
}

// TermIn returns how a block ending with op ends under fork: an opcode the
// fork does not define halts as Undefined (the designated INVALID as
// Invalid).
func (op Opcode) TermIn(f Fork) Terminator {
	if t := opTable[op].Term; op.Defined(f) || t == Invalid {
		return t
	}
	return Undefined
}

// opTable is immutable after init.
var opTable = specTable()

// specTable returns the table: the rows, then the ranges PUSHn, DUPn,
// SWAPn and LOGn, then what follows from other columns.
func specTable() [256]OpInfo {
	t := [256]OpInfo{
		STOP:       op("STOP", 0, 0, 0).ends(Stop).hyvm(HyVMStopGas),
		ADD:        op("ADD", 2, 1, GasFastestStep).hyvm(hvNative),
		MUL:        op("MUL", 2, 1, GasFastStep).hyvm(hvNative),
		SUB:        op("SUB", 2, 1, GasFastestStep).hyvm(hvNative),
		DIV:        op("DIV", 2, 1, GasFastStep).hyvm(hvNative),
		SDIV:       op("SDIV", 2, 1, GasFastStep).hyvm(hvNative),
		MOD:        op("MOD", 2, 1, GasFastStep).hyvm(hvNative),
		SMOD:       op("SMOD", 2, 1, GasFastStep).hyvm(hvNative),
		ADDMOD:     op("ADDMOD", 3, 1, GasMidStep).hyvm(hvNative),
		MULMOD:     op("MULMOD", 3, 1, GasMidStep).hyvm(hvNative),
		EXP:        op("EXP", 2, 1, ExpGas).dynamic().hyvm(hvNative),
		SIGNEXTEND: op("SIGNEXTEND", 2, 1, GasFastStep).hyvm(hvNative),

		LT:     op("LT", 2, 1, GasFastestStep).hyvm(hvNative),
		GT:     op("GT", 2, 1, GasFastestStep).hyvm(hvNative),
		SLT:    op("SLT", 2, 1, GasFastestStep).hyvm(hvNative),
		SGT:    op("SGT", 2, 1, GasFastestStep).hyvm(hvNative),
		EQ:     op("EQ", 2, 1, GasFastestStep).hyvm(hvNative),
		ISZERO: op("ISZERO", 1, 1, GasFastestStep).hyvm(hvNative),
		AND:    op("AND", 2, 1, GasFastestStep).hyvm(hvNative),
		OR:     op("OR", 2, 1, GasFastestStep).hyvm(hvNative),
		XOR:    op("XOR", 2, 1, GasFastestStep).hyvm(hvNative),
		NOT:    op("NOT", 1, 1, GasFastestStep).hyvm(hvNative),
		BYTE:   op("BYTE", 2, 1, GasFastestStep).hyvm(hvNative),
		SHL:    op("SHL", 2, 1, GasFastestStep).hyvm(hvNative),
		SHR:    op("SHR", 2, 1, GasFastestStep).hyvm(hvNative),
		SAR:    op("SAR", 2, 1, GasFastestStep).hyvm(hvNative),
		CLZ:    op("CLZ", 1, 1, GasFastStep).since(Osaka), // EIP-7939

		KECCAK256: op("KECCAK256", 2, 1, Keccak256Gas).dynamic().mem(0, 1).hyvm(hvOneOffset),

		ADDRESS:        op("ADDRESS", 0, 1, GasQuickStep).hyvm(hvNative),
		BALANCE:        op("BALANCE", 1, 1, WarmStorageReadCost).dynamic().hyvm(hvNative),
		ORIGIN:         op("ORIGIN", 0, 1, GasQuickStep).hyvm(hvNative),
		CALLER:         op("CALLER", 0, 1, GasQuickStep).hyvm(hvNative),
		CALLVALUE:      op("CALLVALUE", 0, 1, GasQuickStep).hyvm(hvNative),
		CALLDATALOAD:   op("CALLDATALOAD", 1, 1, GasFastestStep).hyvm(hvCalldataload),
		CALLDATASIZE:   op("CALLDATASIZE", 0, 1, GasQuickStep).hyvm(hvPushZero),
		CALLDATACOPY:   op("CALLDATACOPY", 3, 0, GasFastestStep).dynamic().mem(0, 2).hyvm(hvCalldatacopy),
		CODESIZE:       op("CODESIZE", 0, 1, GasQuickStep).hyvm(hvNative),
		CODECOPY:       op("CODECOPY", 3, 0, GasFastestStep).dynamic().mem(0, 2).hyvm(hvOneOffset),
		GASPRICE:       op("GASPRICE", 0, 1, GasQuickStep).hyvm(hvNative),
		EXTCODESIZE:    op("EXTCODESIZE", 1, 1, WarmStorageReadCost).dynamic().hyvm(hvNative),
		EXTCODECOPY:    op("EXTCODECOPY", 4, 0, WarmStorageReadCost).dynamic().mem(1, 3).hyvm(hvSecondOffset),
		RETURNDATASIZE: op("RETURNDATASIZE", 0, 1, GasQuickStep).hyvm(hvNative),
		RETURNDATACOPY: op("RETURNDATACOPY", 3, 0, GasFastestStep).dynamic().mem(0, 2).hyvm(hvOneOffset),
		EXTCODEHASH:    op("EXTCODEHASH", 1, 1, WarmStorageReadCost).dynamic().hyvm(hvNative),

		BLOCKHASH:   op("BLOCKHASH", 1, 1, GasExtStep).hyvm(hvNative),
		COINBASE:    op("COINBASE", 0, 1, GasQuickStep).hyvm(hvNative),
		TIMESTAMP:   op("TIMESTAMP", 0, 1, GasQuickStep).hyvm(hvNative),
		NUMBER:      op("NUMBER", 0, 1, GasQuickStep).hyvm(hvNative),
		PREVRANDAO:  op("PREVRANDAO", 0, 1, GasQuickStep).hyvm(hvNative),
		GASLIMIT:    op("GASLIMIT", 0, 1, GasQuickStep).hyvm(hvNative),
		CHAINID:     op("CHAINID", 0, 1, GasQuickStep).hyvm(hvNative),
		SELFBALANCE: op("SELFBALANCE", 0, 1, GasFastStep).hyvm(hvNative),
		BASEFEE:     op("BASEFEE", 0, 1, GasQuickStep).hyvm(hvNative),
		BLOBHASH:    op("BLOBHASH", 1, 1, GasFastestStep),
		BLOBBASEFEE: op("BLOBBASEFEE", 0, 1, GasQuickStep),
		0x4b:        named("SLOTNUM"), // Amsterdam

		POP:      op("POP", 1, 0, GasQuickStep).hyvm(hvNative),
		MLOAD:    op("MLOAD", 1, 1, GasFastestStep).dynamic().memFixed(0, 32).hyvm(hvOneOffset),
		MSTORE:   op("MSTORE", 2, 0, GasFastestStep).dynamic().memFixed(0, 32).hyvm(hvOneOffset),
		MSTORE8:  op("MSTORE8", 2, 0, GasFastestStep).dynamic().memFixed(0, 1).hyvm(hvOneOffset),
		SLOAD:    op("SLOAD", 1, 1, 0).dynamic().hyvm(hvNative),
		SSTORE:   op("SSTORE", 2, 0, 0).dynamic().observesGas().hyvm(hvNative).policy(),
		JUMP:     op("JUMP", 1, 0, GasMidStep).ends(Jump).hyvm(0),    // HyVM: HyVMJump*
		JUMPI:    op("JUMPI", 2, 0, GasSlowStep).ends(JumpI).hyvm(0), // HyVM: HyVMJumpI*
		PC:       op("PC", 0, 1, GasQuickStep).hyvm(hvPC),
		MSIZE:    op("MSIZE", 0, 1, GasQuickStep).hyvm(hvMsize),
		GAS:      op("GAS", 0, 1, GasQuickStep).observesGas().hyvm(hvNative),
		JUMPDEST: op("JUMPDEST", 0, 0, JumpdestGas).hyvm(hvJumpdest),
		TLOAD:    op("TLOAD", 1, 1, WarmStorageReadCost),
		TSTORE:   op("TSTORE", 2, 0, WarmStorageReadCost),
		MCOPY:    op("MCOPY", 3, 0, GasFastestStep).dynamic().mem(0, 2).mem(1, 2),
		PUSH0:    op("PUSH0", 0, 1, GasQuickStep).hyvm(hvPushZero),

		0xd0: named("DATALOAD"), 0xd1: named("DATALOADN"), 0xd2: named("DATASIZE"), 0xd3: named("DATACOPY"), // EOF
		0xe0: named("RJUMP"), 0xe1: named("RJUMPI"), 0xe2: named("RJUMPV"), 0xe3: named("CALLF"),
		0xe4: named("RETF"), 0xe5: named("JUMPF"), 0xe6: named("DUPN"), 0xe7: named("SWAPN"),
		0xe8: named("EXCHANGE"), 0xec: named("EOFCREATE"), 0xee: named("RETURNCONTRACT"),

		// The CALL family's operands are gas, addr, [value,] inOffset,
		// inSize, retOffset, retSize: Mem is where the translators find them.
		CREATE:       op("CREATE", 3, 1, CreateGas).dynamic().observesGas().mem(1, 2).hyvm(hvSecondOffset).policy(),
		CALL:         op("CALL", 7, 1, CallGas).dynamic().observesGas().mem(3, 4).mem(5, 6).hyvm(hvCall).policy(),
		CALLCODE:     op("CALLCODE", 7, 1, CallGas).dynamic().observesGas().mem(3, 4).mem(5, 6),
		RETURN:       op("RETURN", 2, 0, 0).ends(Return).dynamic().mem(0, 1).hyvm(hvOneOffset),
		DELEGATECALL: op("DELEGATECALL", 6, 1, CallGas).dynamic().observesGas().mem(2, 3).mem(4, 5).hyvm(hvCall).policy(),
		CREATE2:      op("CREATE2", 4, 1, Create2Gas).dynamic().observesGas().mem(1, 2).hyvm(hvSecondOffset).policy(),
		0xf7:         named("RETURNDATALOAD"), // EOF
		0xf8:         named("EXTCALL"),
		0xf9:         named("EXTDELEGATECALL"),
		STATICCALL:   op("STATICCALL", 6, 1, CallGas).dynamic().observesGas().mem(2, 3).mem(4, 5).hyvm(hvCall).policy(),
		0xfb:         named("EXTSTATICCALL"), // EOF
		REVERT:       op("REVERT", 2, 0, 0).ends(Revert).dynamic().mem(0, 1).hyvm(hvOneOffset),
		// INVALID is "designated invalid": named, but no fork defines it.
		// HyVM runs it itself: an exceptional halt.
		INVALID:      named("INVALID").ends(Invalid).hyvm(0),
		SELFDESTRUCT: op("SELFDESTRUCT", 1, 0, SelfdestructGas).ends(SelfDestruct).dynamic(),
	}
	for n := 1; n <= 32; n++ {
		t[PUSH1+Opcode(n-1)] = op("PUSH"+itoa(n), 0, 1, GasFastestStep).immediate(n).hyvm(hvPush)
	}
	for n := 1; n <= 16; n++ {
		t[DUP1+Opcode(n-1)] = op("DUP"+itoa(n), n, n+1, GasFastestStep).hyvm(hvNative)
		t[SWAP1+Opcode(n-1)] = op("SWAP"+itoa(n), n+1, n+1, GasFastestStep).hyvm(hvNative)
	}
	for n := 0; n <= 4; n++ {
		t[LOG0+Opcode(n)] = op("LOG"+itoa(n), 2+n, 0, 0).dynamic().mem(0, 1).hyvm(hvOneOffset)
	}
	for i := range t {
		r := &t[i]
		if r.Since == 0 && r.Term == Fallthrough {
			r.Term = Undefined
		}
		r.HyVM.Offsets = [2]int8{-1, -1}
		if r.HyVM.Supported {
			for k, m := range r.Mem {
				r.HyVM.Offsets[k] = m.Offset
			}
		}
	}
	return t
}

// Row constructors: op starts the row of an opcode every supported fork
// defines (since changes that), named the row of one that none defines;
// the methods add a column each.

func op(name string, pops, pushes int, gas uint64) OpInfo {
	return OpInfo{Name: name, Since: Cancun, Pops: pops, Pushes: pushes, Gas: gas}
}

func named(name string) OpInfo { return OpInfo{Name: name} }

func (r OpInfo) since(f Fork) OpInfo      { r.Since = f; return r }
func (r OpInfo) immediate(n int) OpInfo   { r.Immediate = n; return r }
func (r OpInfo) ends(t Terminator) OpInfo { r.Term = t; return r }
func (r OpInfo) dynamic() OpInfo          { r.DynamicGas = true; return r }
func (r OpInfo) observesGas() OpInfo      { r.ObservesGas = true; return r }
func (r OpInfo) policy() OpInfo           { r.HyVM.Policy = true; return r }

func (r OpInfo) hyvm(overhead uint64) OpInfo {
	r.HyVM.Supported, r.HyVM.Overhead = true, overhead
	return r
}

func (r OpInfo) memFixed(off int8, n uint8) OpInfo {
	r.Mem = append(r.Mem, MemArg{Offset: off, Size: -1, Len: n})
	return r
}

func (r OpInfo) mem(off, size int8) OpInfo {
	r.Mem = append(r.Mem, MemArg{Offset: off, Size: size})
	return r
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string([]rune{rune('0' + i/10), rune('0' + i%10)})
}
