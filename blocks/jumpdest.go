package blocks

// Bitmap marks code offsets; it is used for the valid jump destinations.
type Bitmap []uint64

func newBitmap(n int) Bitmap { return make(Bitmap, (n+63)/64) }

func (b Bitmap) set(i int) { b[i/64] |= 1 << (uint(i) % 64) }

// Has reports whether offset i is marked. Offsets outside the code are not.
func (b Bitmap) Has(i uint64) bool {
	if i/64 >= uint64(len(b)) {
		return false
	}
	return b[i/64]&(1<<(i%64)) != 0
}

// JumpDests returns the offsets of JUMPDEST opcodes that are not PUSH data.
func JumpDests(code []byte) Bitmap {
	b := newBitmap(len(code))
	for pc := 0; pc < len(code); pc++ {
		// Raw bytes and arithmetic, not the opcode table: this scan is all
		// the work fresh code costs the interpreter before it runs.
		if op := code[pc]; op == byte(JUMPDEST) {
			b.set(pc)
		} else if op >= byte(PUSH1) && op <= byte(PUSH32) {
			pc += int(op-byte(PUSH1)) + 1
		}
	}
	return b
}
