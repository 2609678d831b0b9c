// Package blocks knows bytes and opcodes: the spec table (one row per
// opcode: immediate, stack, gas per fork, terminator, dynamic gas, memory
// operands, the HyVM profile), JUMPDEST analysis, and basic blocks with
// their static gas and stack bounds, decoded on demand at any offset: what
// the translator builds every tier's IR from.
package blocks

import "fmt"

// MaxCodeSize bounds the bytecode Check accepts. It is far above the
// EIP-170/EIP-3860 limits so that any code a chain can hold, and any HyVM
// payload a transaction can carry, is analysable.
const MaxCodeSize = 1 << 24

// Check reports whether code can be analysed for fork.
func Check(code []byte, fork Fork) error {
	if len(code) > MaxCodeSize {
		return fmt.Errorf("analyze: code is %d bytes, over the %d-byte limit", len(code), MaxCodeSize)
	}
	if !fork.Supported() {
		return fmt.Errorf("analyze: unsupported fork %v", fork)
	}
	return nil
}
