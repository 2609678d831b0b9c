package main

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/core/vm"
)

// asm assembles whitespace-separated mnemonics into bytecode for tests.
// PUSHn takes an operand (decimal, 0x hex, or :label for a label's pc);
// "name:" marks a position (it emits nothing: follow it with JUMPDEST);
// "0x.." alone emits raw bytes. It panics on bad source: tests only.
func asm(src string) []byte {
	toks := strings.Fields(src)
	labels := map[string]int{}
	var code []byte
	// Two passes: the first finds label positions (operand sizes are fixed
	// by the mnemonics), the second emits with them.
	for pass := 0; pass < 2; pass++ {
		code = code[:0]
		for i := 0; i < len(toks); i++ {
			tok := toks[i]
			switch {
			case strings.HasSuffix(tok, ":"):
				labels[strings.TrimSuffix(tok, ":")] = len(code)
				continue
			case strings.HasPrefix(tok, "0x"):
				b, err := hex.DecodeString(tok[2:])
				if err != nil {
					panic(fmt.Sprintf("asm: raw bytes %q: %v", tok, err))
				}
				code = append(code, b...)
				continue
			}
			op := vm.StringToOp(tok)
			if op == 0 && tok != "STOP" {
				panic(fmt.Sprintf("asm: unknown mnemonic %q", tok))
			}
			code = append(code, byte(op))
			if !op.IsPush() || op == vm.PUSH0 {
				continue
			}
			n := int(op - vm.PUSH0)
			i++
			if i == len(toks) {
				panic(fmt.Sprintf("asm: %s without operand", tok))
			}
			code = append(code, operand(toks[i], n, labels, pass == 1)...)
		}
	}
	return code
}

func operand(tok string, n int, labels map[string]int, final bool) []byte {
	v := new(big.Int)
	switch {
	case strings.HasPrefix(tok, ":"):
		pc, ok := labels[tok[1:]]
		if !ok && final {
			panic(fmt.Sprintf("asm: unknown label %q", tok))
		}
		v.SetInt64(int64(pc))
	case strings.HasPrefix(tok, "0x"):
		if _, ok := v.SetString(tok[2:], 16); !ok {
			panic(fmt.Sprintf("asm: bad operand %q", tok))
		}
	default:
		d, err := strconv.ParseUint(tok, 10, 64)
		if err != nil {
			panic(fmt.Sprintf("asm: bad operand %q", tok))
		}
		v.SetUint64(d)
	}
	if v.BitLen() > 8*n {
		panic(fmt.Sprintf("asm: operand %q does not fit %d bytes", tok, n))
	}
	return v.FillBytes(make([]byte, n))
}

// storeCode is assembly that writes code to memory from offset 0, a word
// at a time (the tail of the last word is zero).
func storeCode(code []byte) string {
	var b strings.Builder
	for off := 0; off < len(code); off += 32 {
		chunk := make([]byte, 32)
		copy(chunk, code[off:])
		fmt.Fprintf(&b, " PUSH32 0x%x PUSH2 %d MSTORE", chunk, off)
	}
	return b.String()
}
