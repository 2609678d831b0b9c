package difftest_test

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/difftest"
)

// corpusCase is a hand-written program; code and callees are assembly
// (difftest.Assemble) with {name} placeholders for the pre-state accounts.
type corpusCase struct {
	name    string
	code    string
	callees [3]string
	gas     uint64 // 0: 1,000,000
	value   uint64
	input   string // hex
	create  bool
}

// ret returns the output area [0, 256).
const ret = " PUSH2 0x0100 PUSH0 RETURN"

var placeholders = strings.NewReplacer(
	"{target}", "PUSH20 "+difftest.Target.Hex(),
	"{calleeA}", "PUSH20 "+difftest.CalleeA.Hex(),
	"{calleeB}", "PUSH20 "+difftest.CalleeB.Hex(),
	"{calleeC}", "PUSH20 "+difftest.CalleeC.Hex(),
	"{reverter}", "PUSH20 "+difftest.Reverter.Hex(),
	"{empty}", "PUSH20 "+difftest.Empty.Hex(),
	"{delegated}", "PUSH20 "+difftest.Delegated.Hex(),
	"{missing}", "PUSH20 "+difftest.Missing.Hex(),
	"{delegatedToPrecompile}", "PUSH20 "+difftest.DelegatedToPrecompile.Hex(),
	"{delegatedTwice}", "PUSH20 "+difftest.DelegatedTwice.Hex(),
	"{poor}", "PUSH20 "+difftest.Poor.Hex(),
	"{coinbase}", "PUSH20 "+difftest.Coinbase.Hex(),
)

// corpus covers every opcode family and the edge cases of gas, memory,
// storage refunds, calls, creations and halts. Each case runs under every
// fork. Reproducers of bugs found by the random test are at the end.
var corpus = []corpusCase{
	{name: "arith", code: `
		PUSH 7 PUSH 5 ADD PUSH0 MSTORE
		PUSH 7 PUSH 5 SUB PUSH 32 MSTORE
		PUSH 7 PUSH 5 MUL PUSH 64 MSTORE
		PUSH 3 PUSH 100 DIV PUSH 96 MSTORE
		PUSH 3 PUSH 100 MOD PUSH 128 MSTORE
		PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff PUSH 2 PUSH 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe ADDMOD PUSH 160 MSTORE
		PUSH 12 PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff DUP1 MULMOD PUSH 192 MSTORE
		PUSH 0x8000000000000000000000000000000000000000000000000000000000000000 PUSH 3 SUB PUSH 224 MSTORE` + ret},
	{name: "division by zero", code: `
		PUSH0 PUSH 5 DIV PUSH0 MSTORE  PUSH0 PUSH 5 SDIV PUSH 32 MSTORE
		PUSH0 PUSH 5 MOD PUSH 64 MSTORE  PUSH0 PUSH 5 SMOD PUSH 96 MSTORE
		PUSH0 PUSH 1 PUSH 2 ADDMOD PUSH 128 MSTORE  PUSH0 PUSH 1 PUSH 2 MULMOD PUSH 160 MSTORE` + ret},
	{name: "signed arithmetic", code: `
		PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
		PUSH 0x8000000000000000000000000000000000000000000000000000000000000000 SDIV PUSH0 MSTORE
		PUSH 3 PUSH 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9 SMOD PUSH 32 MSTORE
		PUSH 0xff PUSH0 SIGNEXTEND PUSH 64 MSTORE
		PUSH 0x7f PUSH0 SIGNEXTEND PUSH 96 MSTORE
		PUSH 0x1234 PUSH 40 SIGNEXTEND PUSH 128 MSTORE
		PUSH 1 PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff SLT PUSH 160 MSTORE
		PUSH 1 PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff SGT PUSH 192 MSTORE` + ret},
	{name: "exp gas by exponent size", code: `
		PUSH0 PUSH 2 EXP PUSH0 MSTORE
		PUSH 0xff PUSH 2 EXP PUSH 32 MSTORE
		PUSH 0x100 PUSH 3 EXP PUSH 64 MSTORE
		PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff PUSH 3 EXP PUSH 96 MSTORE
		GAS PUSH 128 MSTORE` + ret},
	{name: "bitwise and shifts", code: `
		PUSH 0xf0 PUSH 0x3c AND PUSH0 MSTORE  PUSH 0xf0 PUSH 0x3c OR PUSH 32 MSTORE
		PUSH 0xf0 PUSH 0x3c XOR PUSH 64 MSTORE  PUSH 0xf0 NOT PUSH 96 MSTORE
		PUSH 0x1122 PUSH 30 BYTE PUSH 128 MSTORE  PUSH 0x1122 PUSH 32 BYTE PUSH 160 MSTORE
		PUSH 1 PUSH 255 SHL PUSH 192 MSTORE  PUSH 1 PUSH 256 SHL PUSH 224 MSTORE
		PUSH 0x8000000000000000000000000000000000000000000000000000000000000000 PUSH 4 SAR PUSH 256 MSTORE
		PUSH 0x8000000000000000000000000000000000000000000000000000000000000000 PUSH 300 SAR PUSH 288 MSTORE
		PUSH 0x8000000000000000000000000000000000000000000000000000000000000000 PUSH 255 SHR PUSH 320 MSTORE
		PUSH 352 PUSH0 RETURN`},
	{name: "clz (Osaka only)", code: `PUSH0 CLZ PUSH0 MSTORE PUSH 1 CLZ PUSH 32 MSTORE PUSH 0x8000000000000000000000000000000000000000000000000000000000000000 CLZ PUSH 64 MSTORE` + ret},
	{name: "comparisons", code: `
		PUSH 2 PUSH 1 LT PUSH0 MSTORE  PUSH 2 PUSH 1 GT PUSH 32 MSTORE
		PUSH 2 PUSH 2 EQ PUSH 64 MSTORE  PUSH0 ISZERO PUSH 96 MSTORE  PUSH 5 ISZERO PUSH 128 MSTORE` + ret},
	{name: "keccak", code: `
		PUSH 0x1234 PUSH0 MSTORE
		PUSH 32 PUSH0 KECCAK256 PUSH 32 MSTORE
		PUSH0 PUSH0 KECCAK256 PUSH 64 MSTORE
		PUSH0 PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff KECCAK256 PUSH 96 MSTORE
		PUSH 1000 PUSH 5 KECCAK256 PUSH 128 MSTORE
		MSIZE PUSH 160 MSTORE` + ret},
	{name: "block environment", code: `
		COINBASE PUSH0 MSTORE TIMESTAMP PUSH 32 MSTORE NUMBER PUSH 64 MSTORE PREVRANDAO PUSH 96 MSTORE
		GASLIMIT PUSH 128 MSTORE CHAINID PUSH 160 MSTORE BASEFEE PUSH 192 MSTORE BLOBBASEFEE PUSH 224 MSTORE` + ret},
	{name: "transaction environment", value: 77, input: "0102030405", code: `
		ORIGIN PUSH0 MSTORE GASPRICE PUSH 32 MSTORE CALLER PUSH 64 MSTORE CALLVALUE PUSH 96 MSTORE
		ADDRESS PUSH 128 MSTORE SELFBALANCE PUSH 160 MSTORE CODESIZE PUSH 192 MSTORE CALLDATASIZE PUSH 224 MSTORE
		PUSH0 BLOBHASH PUSH 256 MSTORE PUSH 1 BLOBHASH PUSH 288 MSTORE PUSH 2 BLOBHASH PUSH 320 MSTORE
		PUSH 0xffffffffffffffffffffffffffffffffff BLOBHASH PUSH 352 MSTORE PC PUSH 384 MSTORE
		PUSH 416 PUSH0 RETURN`},
	{name: "blockhash window", code: `
		PUSH 299 BLOCKHASH PUSH0 MSTORE PUSH 44 BLOCKHASH PUSH 32 MSTORE PUSH 43 BLOCKHASH PUSH 64 MSTORE
		PUSH 300 BLOCKHASH PUSH 96 MSTORE PUSH 0x10000000000000000 BLOCKHASH PUSH 128 MSTORE` + ret},
	{name: "calldata", input: "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899ff77", code: `
		PUSH0 CALLDATALOAD PUSH0 MSTORE PUSH 33 CALLDATALOAD PUSH 32 MSTORE PUSH 34 CALLDATALOAD PUSH 64 MSTORE
		PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff CALLDATALOAD PUSH 96 MSTORE
		PUSH 40 PUSH 20 PUSH 128 CALLDATACOPY
		PUSH 10 PUSH 0xffffffffffffffffffff PUSH 200 CALLDATACOPY
		PUSH0 PUSH 0xffffffffffffffffffff PUSH 0xffffffffffffffffffffffffff CALLDATACOPY` + ret},
	{name: "code copies", code: `
		PUSH 50 PUSH 3 PUSH0 CODECOPY
		PUSH 30 PUSH0 PUSH 64 {calleeA} EXTCODECOPY
		PUSH 40 PUSH0 PUSH 100 {delegated} EXTCODECOPY
		PUSH 20 PUSH 5 PUSH 150 {missing} EXTCODECOPY
		PUSH 20 PUSH 0xffffffffffffffffffffffffffffffffffff PUSH 180 {reverter} EXTCODECOPY
		GAS PUSH 224 MSTORE` + ret,
		callees: [3]string{"PUSH 1 PUSH 2 ADD STOP"}},
	{name: "extcode size and hash", code: `
		{empty} EXTCODESIZE PUSH0 MSTORE {empty} EXTCODEHASH PUSH 32 MSTORE
		{missing} EXTCODEHASH PUSH 64 MSTORE {delegated} EXTCODESIZE PUSH 96 MSTORE
		{delegated} EXTCODEHASH PUSH 128 MSTORE PUSH 4 EXTCODEHASH PUSH 160 MSTORE
		ADDRESS EXTCODEHASH PUSH 192 MSTORE {reverter} EXTCODESIZE PUSH 224 MSTORE` + ret},
	{name: "cold and warm account access", code: `
		GAS {calleeB} BALANCE POP GAS {calleeB} BALANCE POP GAS
		PUSH 64 MSTORE PUSH 32 MSTORE PUSH0 MSTORE
		{coinbase} BALANCE PUSH 96 MSTORE ORIGIN BALANCE PUSH 128 MSTORE PUSH 9 BALANCE PUSH 160 MSTORE GAS PUSH 192 MSTORE` + ret},
	{name: "memory expansion", code: `
		PUSH 1 PUSH0 MSTORE GAS PUSH 32 MSTORE
		PUSH 2 PUSH 1000 MSTORE8 GAS PUSH 64 MSTORE
		PUSH 70000 MLOAD PUSH 96 MSTORE MSIZE PUSH 128 MSTORE GAS PUSH 160 MSTORE` + ret},
	{name: "memory offset beyond gas", code: `PUSH 1 PUSH 0x100000000 MSTORE` + ret},
	{name: "memory offset overflowing uint64", code: `PUSH 0x10000000000000000 MLOAD` + ret},
	{name: "memory at the gas-arithmetic limit", gas: 30_000_000, code: `PUSH 0x1fffffffe0 MLOAD` + ret},
	{name: "zero-size regions at huge offsets", code: `
		PUSH0 PUSH 0xffffffffffffffffffffffffffffffffff KECCAK256 PUSH0 MSTORE
		PUSH0 PUSH0 PUSH 0xffffffffffffffffffffffffffffffffff CALLDATACOPY
		PUSH0 PUSH 0xffffffffffffffffffffffffffffffffff LOG0
		PUSH0 PUSH 0xffffffffffffffffffffffffffffffffff PUSH0 PUSH0 {calleeA} PUSH 50000 STATICCALL PUSH 32 MSTORE
		MSIZE PUSH 64 MSTORE
		PUSH0 PUSH 0xffffffffffffffffffffffffffffffffff RETURN`,
		callees: [3]string{"PUSH 32 PUSH0 RETURN"}},
	{name: "mcopy overlapping", code: `
		PUSH 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 PUSH0 MSTORE
		PUSH 32 PUSH0 PUSH 5 MCOPY PUSH 32 PUSH 10 PUSH0 MCOPY PUSH0 PUSH 0xffffffffffffffffff PUSH 0xffffffffffffff MCOPY
		PUSH 10 PUSH 200 PUSH 300 MCOPY MSIZE PUSH 64 MSTORE` + ret},
	{name: "sstore refund cases", code: `
		PUSH0 PUSH0 SSTORE                   ; slot 0: 1 -> 0, clears (refund)
		PUSH 1 PUSH0 SSTORE                  ; 0 -> 1: back to original (refund)
		PUSH 5 PUSH 1 SSTORE                 ; slot 1: 2 -> 5, reset
		PUSH0 PUSH 1 SSTORE                  ; dirty 5 -> 0 (refund)
		PUSH 7 PUSH 1 SSTORE                 ; dirty 0 -> 7 (refund taken back)
		PUSH 2 PUSH 1 SSTORE                 ; dirty back to original
		PUSH 9 PUSH 4 SSTORE                 ; slot 4: 0 -> 9, set
		PUSH0 PUSH 4 SSTORE                  ; back to original zero (refund)
		PUSH 0xffff PUSH 2 SSTORE            ; no-op write
		PUSH0 PUSH 3 SSTORE PUSH 3 PUSH 3 SSTORE
		PUSH 5 SLOAD PUSH0 MSTORE GAS PUSH 32 MSTORE` + ret},
	{name: "sstore sentry with exactly 2300 gas", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} PUSH 2306 STATICCALL PUSH0 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} PUSH 2306 CALL PUSH 32 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} PUSH 2307 CALL PUSH 64 MSTORE` + ret,
		callees: [3]string{"PUSH 1 PUSH 9 SSTORE STOP"}},
	{name: "sstore with the stipend", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH 1 {calleeA} PUSH0 CALL PUSH0 MSTORE` + ret,
		callees: [3]string{"PUSH 1 PUSH 9 SSTORE STOP"}},
	{name: "sload cold and warm", code: `
		GAS PUSH 6 SLOAD GAS PUSH 6 SLOAD GAS PUSH0 MSTORE POP PUSH 32 MSTORE POP PUSH 64 MSTORE
		PUSH 3 SLOAD PUSH 96 MSTORE` + ret},
	{name: "transient storage and reverts", code: `
		PUSH 5 PUSH 1 TSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} PUSH 100000 CALL POP
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {calleeB} PUSH 100000 CALL POP
		PUSH 1 TLOAD PUSH0 MSTORE PUSH 2 TLOAD PUSH 32 MSTORE` + ret,
		callees: [3]string{"PUSH 9 PUSH 1 TSTORE PUSH 1 TLOAD PUSH0 MSTORE PUSH 32 PUSH0 REVERT", "PUSH 1 PUSH 2 TSTORE STOP"}},
	{name: "state changes in a static call", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} PUSH 50000 STATICCALL PUSH0 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 {calleeB} PUSH 50000 STATICCALL PUSH 32 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 {calleeC} PUSH 50000 STATICCALL PUSH 64 MSTORE GAS PUSH 96 MSTORE` + ret,
		callees: [3]string{"PUSH 1 PUSH 1 TSTORE STOP", "PUSH0 PUSH0 LOG0 STOP", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH 1 {calleeA} PUSH0 CALL STOP"}},
	{name: "logs", code: `
		PUSH 0xaabbcc PUSH0 MSTORE
		PUSH 32 PUSH0 LOG0 PUSH 1 PUSH 3 PUSH 29 LOG1 PUSH 1 PUSH 2 PUSH0 PUSH0 LOG2
		PUSH 1 PUSH 2 PUSH 3 PUSH 100 PUSH 10 LOG3 PUSH 1 PUSH 2 PUSH 3 PUSH 4 PUSH 64 PUSH 1000 LOG4 GAS PUSH0 MSTORE` + ret},
	{name: "value transfers and new accounts", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH 1 {missing} PUSH0 CALL PUSH0 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH 1 {empty} PUSH0 CALL PUSH 32 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH 0xde0b6b3a7640001 {calleeA} PUSH0 CALL PUSH 64 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH 5 {poor} PUSH 100 CALLCODE PUSH 96 MSTORE
		GAS PUSH 128 MSTORE {missing} BALANCE PUSH 160 MSTORE` + ret},
	{name: "touching empty accounts", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {empty} PUSH 1000 CALL PUSH0 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 {missing} PUSH 1000 STATICCALL PUSH 32 MSTORE` + ret},
	{name: "call kinds see caller, value and storage", value: 3, code: `
		PUSH 96 PUSH0 PUSH0 PUSH0 PUSH 2 {calleeA} GAS CALL POP PUSH 96 PUSH 96 PUSH0 PUSH0 PUSH 2 {calleeA} GAS CALLCODE POP
		PUSH 96 PUSH 192 PUSH0 PUSH0 {calleeA} GAS DELEGATECALL POP PUSH 32 PUSH 288 PUSH0 PUSH0 {calleeA} GAS STATICCALL POP
		PUSH 320 PUSH0 RETURN`,
		callees: [3]string{"CALLER PUSH0 MSTORE CALLVALUE PUSH 32 MSTORE ADDRESS PUSH 64 MSTORE PUSH 96 PUSH0 RETURN"}},
	{name: "delegatecall writes the caller's storage", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} GAS DELEGATECALL PUSH 1 SLOAD PUSH0 MSTORE PUSH 32 MSTORE` + ret,
		callees: [3]string{"PUSH 0x42 PUSH 1 SSTORE STOP"}},
	{name: "return data of a revert", code: `
		PUSH 4 PUSH 10 PUSH0 PUSH0 {reverter} GAS STATICCALL PUSH0 MSTORE
		RETURNDATASIZE PUSH 32 MSTORE PUSH 8 PUSH0 PUSH 64 RETURNDATACOPY
		PUSH 3 PUSH 5 PUSH 96 RETURNDATACOPY` + ret},
	{name: "returndatacopy out of bounds", code: `
		PUSH 4 PUSH 10 PUSH0 PUSH0 {reverter} GAS STATICCALL POP PUSH 4 PUSH 5 PUSH 96 RETURNDATACOPY` + ret},
	{name: "returndatacopy zero bytes at the end", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 {reverter} PUSH 50000 STATICCALL POP PUSH0 PUSH 8 PUSH 96 RETURNDATACOPY` + ret},
	{name: "returndatacopy zero bytes past the end", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 {reverter} PUSH 50000 STATICCALL POP PUSH0 PUSH 9 PUSH 96 RETURNDATACOPY` + ret},
	{name: "precompiles", code: `
		PUSH 0x0102 PUSH0 MSTORE
		PUSH 32 PUSH 32 PUSH 32 PUSH0 PUSH 4 PUSH 100 STATICCALL PUSH 64 MSTORE
		PUSH 32 PUSH 96 PUSH 32 PUSH0 PUSH 2 PUSH 100 STATICCALL PUSH 128 MSTORE
		PUSH 32 PUSH 160 PUSH 32 PUSH0 PUSH 2 PUSH 71 STATICCALL PUSH 192 MSTORE
		PUSH 20 PUSH 200 PUSH 32 PUSH0 PUSH 3 PUSH 10000 STATICCALL PUSH 224 MSTORE
		PUSH 32 PUSH 256 PUSH 128 PUSH0 PUSH 1 PUSH 4000 STATICCALL PUSH 288 MSTORE
		PUSH 32 PUSH 256 PUSH0 PUSH0 PUSH 8 PUSH 200000 STATICCALL PUSH 320 MSTORE
		PUSH 352 PUSH0 RETURN`},
	{name: "modexp", code: `
		PUSH 1 PUSH0 MSTORE PUSH 1 PUSH 32 MSTORE PUSH 1 PUSH 64 MSTORE
		PUSH 0x03ff070000000000000000000000000000000000000000000000000000000000 PUSH 96 MSTORE
		PUSH 32 PUSH 128 PUSH 99 PUSH0 PUSH 5 GAS STATICCALL PUSH 160 MSTORE GAS PUSH 192 MSTORE
		PUSH 224 PUSH0 RETURN`},
	{name: "precompile with value and too little gas", code: `
		PUSH0 PUSH0 PUSH 32 PUSH0 PUSH 1 PUSH 4 PUSH 10 CALL PUSH0 MSTORE
		PUSH0 PUSH0 PUSH 32 PUSH0 PUSH 1 PUSH 0x0a PUSH 10 CALL PUSH 32 MSTORE
		PUSH0 PUSH0 PUSH 32 PUSH0 PUSH 0x100 PUSH 10 STATICCALL PUSH 64 MSTORE GAS PUSH 96 MSTORE` + ret},
	{name: "eip-7702 delegated call", code: `
		PUSH 32 PUSH0 PUSH0 PUSH0 PUSH0 {delegated} PUSH 50000 CALL PUSH 32 MSTORE GAS PUSH 64 MSTORE
		PUSH 32 PUSH 96 PUSH0 PUSH0 {delegated} PUSH 50000 STATICCALL POP GAS PUSH 128 MSTORE` + ret,
		callees: [3]string{"ADDRESS PUSH0 MSTORE PUSH 32 PUSH0 RETURN"}},
	{name: "eip-7702 delegation to a precompile and to a delegation", code: `
		PUSH 0x1122 PUSH0 MSTORE
		PUSH 32 PUSH 32 PUSH 32 PUSH0 {delegatedToPrecompile} PUSH 50000 STATICCALL PUSH 64 MSTORE GAS PUSH 96 MSTORE
		PUSH 32 PUSH 128 PUSH 32 PUSH0 {delegatedTwice} PUSH 50000 STATICCALL PUSH 160 MSTORE GAS PUSH 192 MSTORE
		{delegatedTwice} EXTCODESIZE PUSH 224 MSTORE {delegatedToPrecompile} EXTCODEHASH PUSH 224 MSTORE` + ret},
	{name: "create at the maximum nonce", code: `
		PUSH 32 PUSH0 PUSH0 PUSH0 {calleeC} PUSH 100000 STATICCALL POP
		PUSH 32 PUSH 32 PUSH0 PUSH0 PUSH0 {calleeC} PUSH 100000 CALL POP
		PUSH 32 PUSH 64 PUSH0 PUSH0 {calleeC} PUSH 100000 DELEGATECALL POP GAS PUSH 96 MSTORE` + ret,
		callees: [3]string{"", "", "PUSH0 PUSH0 PUSH0 CREATE PUSH0 MSTORE GAS PUSH 32 MSTORE RETURNDATASIZE PUSH 64 MSTORE PUSH 96 PUSH0 RETURN"}},
	{name: "create and call", code: `
		PUSH 0x69602a60005260206000f3600052600a6016f3 PUSH0 MSTORE ; deploys code returning 42
		PUSH 19 PUSH 13 PUSH0 CREATE DUP1 PUSH 32 MSTORE
		PUSH 32 PUSH 64 PUSH0 PUSH0 PUSH0 DUP6 GAS CALL PUSH 96 MSTORE
		EXTCODESIZE PUSH 128 MSTORE RETURNDATASIZE PUSH 160 MSTORE` + ret},
	{name: "create2 collision", code: `
		PUSH 0x60016000f3 PUSH0 MSTORE ; deploys one zero byte
		PUSH 7 PUSH 5 PUSH 27 PUSH0 CREATE2 PUSH 32 MSTORE GAS PUSH 64 MSTORE
		PUSH 7 PUSH 5 PUSH 27 PUSH0 CREATE2 PUSH 96 MSTORE` + ret},
	{name: "create that reverts", code: `
		PUSH 0x6005600af3fd PUSH0 MSTORE  ; initcode returns 5 bytes then... REVERT variant below
		PUSH 0x60aa60005260206000fd PUSH0 MSTORE
		PUSH 10 PUSH 22 PUSH 1 CREATE PUSH 32 MSTORE RETURNDATASIZE PUSH 64 MSTORE
		PUSH 32 PUSH0 PUSH 96 RETURNDATACOPY SELFBALANCE PUSH 128 MSTORE` + ret},
	{name: "create returning 0xef", code: `
		PUSH 0x60ef60005360016000f3 PUSH0 MSTORE
		PUSH 10 PUSH 22 PUSH0 CREATE PUSH 32 MSTORE GAS PUSH 64 MSTORE RETURNDATASIZE PUSH 96 MSTORE` + ret},
	{name: "create with the largest code", gas: 10_000_000, code: `
		PUSH 0x6160006000f3 PUSH0 MSTORE
		PUSH 6 PUSH 26 PUSH0 CREATE DUP1 PUSH 32 MSTORE EXTCODESIZE PUSH 96 MSTORE GAS PUSH 64 MSTORE` + ret},
	{name: "create with code too large", gas: 10_000_000, code: `
		PUSH 0x6160016000f3 PUSH0 MSTORE
		PUSH 6 PUSH 26 PUSH0 CREATE PUSH 32 MSTORE GAS PUSH 64 MSTORE` + ret},
	{name: "create code deposit out of gas", gas: 200_000, code: `
		PUSH 0x6103e86000f3 PUSH0 MSTORE
		PUSH 6 PUSH 26 PUSH0 CREATE PUSH 32 MSTORE GAS PUSH 64 MSTORE` + ret},
	{name: "initcode of the largest size", gas: 2_000_000, code: `
		PUSH 49152 PUSH0 PUSH0 CREATE PUSH0 MSTORE GAS PUSH 32 MSTORE` + ret},
	{name: "initcode too large", gas: 2_000_000, code: `PUSH 49153 PUSH0 PUSH0 CREATE` + ret},
	{name: "create with insufficient balance", code: `
		PUSH0 PUSH0 PUSH 0xde0b6b3a7640001 CREATE PUSH0 MSTORE GAS PUSH 32 MSTORE` + ret},
	{name: "selfdestruct of an existing contract", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} GAS CALL PUSH0 MSTORE {calleeA} EXTCODESIZE PUSH 32 MSTORE
		{missing} BALANCE PUSH 64 MSTORE` + ret,
		callees: [3]string{"{missing} SELFDESTRUCT"}},
	{name: "selfdestruct to itself", code: `ADDRESS SELFDESTRUCT`},
	{name: "selfdestruct of a contract created here", code: `
		PUSH 0x6133ff6000526002601ef3 PUSH0 MSTORE ; deploys CALLER SELFDESTRUCT
		PUSH 11 PUSH 21 PUSH 5 CREATE DUP1 PUSH 32 MSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 DUP6 GAS CALL PUSH 64 MSTORE EXTCODESIZE PUSH 96 MSTORE` + ret},
	{name: "selfdestruct in initcode", code: `
		PUSH 0x73ca11ee0a00000000000000000000000000000004ff PUSH0 MSTORE
		PUSH 22 PUSH 10 PUSH 7 CREATE DUP1 PUSH 32 MSTORE BALANCE PUSH 64 MSTORE` + ret},
	{name: "selfdestruct in a static call", code: `
		PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} PUSH 10000 STATICCALL PUSH0 MSTORE` + ret,
		callees: [3]string{"ADDRESS SELFDESTRUCT"}},
	{name: "static and dynamic jumps", code: `
		@a JUMP 0x5b5b a: PUSH 1 @b JUMPI 0xfe b: PUSH 7 @c ADD PUSH 7 SWAP1 SUB JUMP 0xfe c:
		PUSH0 @d JUMPI PUSH 1 PUSH0 MSTORE d: PC PUSH 32 MSTORE` + ret},
	{name: "jump into push data", code: `@x PUSH 1 ADD JUMP x: PUSH1 0x5b STOP`},
	{name: "jumpi not taken to invalid destination", code: `PUSH0 PUSH 3 JUMPI PUSH 1 PUSH0 MSTORE` + ret},
	{name: "jump past the code", code: `PUSH 0xffffffffffffffff JUMP`},
	{name: "counted loop", code: `
		PUSH 10 loop: DUP1 PUSH0 MLOAD ADD PUSH0 MSTORE PUSH 1 SWAP1 SUB DUP1 @loop JUMPI POP GAS PUSH 32 MSTORE` + ret},
	{name: "stack at the limit", code: `PUSH 1` + strings.Repeat(" DUP1", 1023) + strings.Repeat(" POP", 1023) + ` PUSH0 MSTORE` + ret},
	{name: "stack overflow", code: `PUSH 1` + strings.Repeat(" DUP1", 1024)},
	{name: "stack overflow in a later block", code: `PUSH 1` + strings.Repeat(" DUP1", 1000) + ` x:` + strings.Repeat(" PC", 24)},
	{name: "stack underflow", code: `PUSH 1 PUSH 2 SWAP2`},
	{name: "stack underflow after effects", code: `PUSH 1 PUSH0 SSTORE PUSH 2 ADD`},
	{name: "invalid opcode", code: `PUSH 1 PUSH0 SSTORE 0xfe`},
	{name: "undefined opcodes", code: `PUSH 1 PUSH0 MSTORE 0x0c`},
	{name: "undefined 0xef", code: `0xef`},
	{name: "truncated push", code: `PUSH 1 PUSH0 MSTORE 0x7f0102`},
	{name: "gas observed mid-block", code: `PUSH 1 GAS PUSH 2 GAS PUSH 3 ADD ADD ADD PUSH0 MSTORE GAS PUSH 32 MSTORE` + ret},
	{name: "out of gas at the last instruction", gas: 21, code: `PUSH 1 PUSH 2 ADD PUSH0 MSTORE PUSH 32 PUSH0 RETURN`},
	{name: "exactly enough gas", gas: 24, code: `PUSH 1 PUSH 2 ADD PUSH0 MSTORE PUSH 32 PUSH0 RETURN`},
	{name: "revert with data", code: `PUSH 0xdead PUSH0 MSTORE PUSH 0x42 PUSH 1 SSTORE PUSH 2 PUSH 30 REVERT`},
	{name: "revert beyond gas", code: `PUSH 0x10000000 PUSH0 REVERT`},
	{name: "fall off the end", code: `PUSH 1 PUSH0 SSTORE`},
	{name: "empty code", code: ``},
	{name: "top-level create", create: true, value: 9, code: `
		PUSH 0x600160005260206000f3 PUSH0 MSTORE PUSH 10 PUSH 22 RETURN`},
	{name: "top-level create that reverts", create: true, code: `PUSH 0xaa PUSH0 MSTORE PUSH 32 PUSH0 REVERT`},
	{name: "top-level create with 0xef code", create: true, code: `PUSH 0xef PUSH0 MSTORE8 PUSH 1 PUSH0 RETURN`},
	{name: "recursive self call", code: `
		PUSH 1 SLOAD PUSH 1 ADD PUSH 1 SSTORE
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 ADDRESS GAS CALL PUSH 1 SLOAD PUSH0 MSTORE` + ret},
	{name: "reentry through a callee", code: `
		CALLDATASIZE @inner JUMPI
		PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 {calleeA} GAS CALL PUSH 2 TLOAD PUSH0 MSTORE` + ret + `
		inner: PUSH 7 PUSH 2 TSTORE STOP`,
		callees: [3]string{"PUSH 1 PUSH0 MSTORE PUSH0 PUSH0 PUSH 32 PUSH0 PUSH0 {target} GAS CALL STOP"}},

	// Reproducers of bugs the random test found.
	{name: "call return region of size zero at an unexpanded offset", code: `
		PUSH0 PUSH 0x30ed PUSH 0x21 PUSH 0x45 PUSH0 {delegated} PUSH 0x5208 CALL PUSH0 MSTORE` + ret},
}

func (cc *corpusCase) build(t *testing.T, fork blocks.Fork) *difftest.Case {
	t.Helper()
	asm := func(src string) []byte {
		code, err := difftest.Assemble(placeholders.Replace(src))
		if err != nil {
			t.Fatalf("%s: %v", cc.name, err)
		}
		return code
	}
	c := &difftest.Case{
		Name: cc.name, Fork: fork, Code: asm(cc.code), Gas: cc.gas, Value: cc.value,
		Input: common.FromHex(cc.input), Create: cc.create,
	}
	if c.Gas == 0 {
		c.Gas = 1_000_000
	}
	for i, src := range cc.callees {
		if src != "" {
			c.Callees[i] = asm(src)
		}
	}
	return c
}

// TestDifferentialCorpus runs the hand-written programs on both engines
// under every fork, on every tier of hyvm (tiers_test.go).
func TestDifferentialCorpus(t *testing.T) {
	r, err := difftest.NewRunner(nil)
	if err != nil {
		t.Fatal(err)
	}
	r.CompareTraces = *flagTraces
	for _, ti := range tiers {
		for _, cc := range corpus {
			for _, fork := range blocks.Forks() {
				c := onTier(ti, cc.build(t, fork))
				t.Run(c.Name+"/"+fork.String(), func(t *testing.T) {
					hy, _, diff, err := r.Compare(c)
					if err != nil {
						t.Fatal(err)
					}
					if diff != "" {
						t.Errorf("mismatch on tier %s:\n%s\n%s", ti.name, diff, difftest.Disassemble(c.Code))
					}
					t.Logf("outcome: %v, %d gas, %d bytes returned (%v)", hy.Status, hy.GasUsed, len(hy.Ret), hy.Err)
				})
			}
		}
	}
}
