package blocks

// Instr is one decoded instruction.
type Instr struct {
	PC uint32
	Op Opcode
	// Imm is the immediate of a PUSHn, as stored in the code: shorter than n
	// bytes when the code ends inside it (the missing bytes read as zero,
	// padded on the right).
	Imm []byte
}

// Terminator says how control leaves a block.
type Terminator uint8

const (
	// Fallthrough: execution continues at Block.End (the next block, or an
	// implicit STOP past the end of the code).
	Fallthrough Terminator = iota
	Jump
	JumpI // condition false continues at Block.End
	Stop
	Return
	Revert
	Invalid      // the designated INVALID opcode
	Undefined    // an opcode the fork does not define
	SelfDestruct // SELFDESTRUCT halts the frame
	// Abort: an opcode the profile does not implement (a HyVM guest's
	// unsupported opcodes): the frame ends like revert(0, 0).
	Abort
)

// Block is a maximal straight-line run of instructions: it starts at offset 0,
// at a JUMPDEST or after a JUMPI, and ends after its first halting or jumping
// instruction, or before the next JUMPDEST.
type Block struct {
	Start, End uint32 // code range [Start, End)
	Instrs     []Instr
	Term       Terminator
	// Gas is the sum of the constant gas of every instruction in the block
	// for the program's fork, so it can be charged once at block entry.
	Gas uint64
	// StackReq is the number of stack items the block needs at entry; and
	// StackGrowth the largest height above the entry height it reaches.
	// Checking sp >= StackReq and sp+StackGrowth <= 1024 at entry is
	// equivalent to the per-instruction checks.
	StackReq    int
	StackGrowth int
}

// BuildBlock decodes the block that starts at offset start of code, whatever
// the byte there: HyVM jumps need blocks at JUMPDEST bytes inside PUSH data.
// A start at or past the end of the code yields an empty block that falls
// through (an implicit STOP).
func BuildBlock(code []byte, start uint32, fork Fork, isJumpDest func(pc uint64) bool) Block {
	b, _ := buildBlock(code, start, fork, isJumpDest, nil)
	return b
}

// BuildBlockInto is BuildBlock decoding into buf's spare capacity, so a
// caller can reuse one buffer (the block's Instrs alias it); it returns buf
// grown.
func BuildBlockInto(code []byte, start uint32, fork Fork, isJumpDest func(pc uint64) bool, buf []Instr) (Block, []Instr) {
	if n := countInstrs(code, start, fork, isJumpDest); cap(buf)-len(buf) < n {
		// Grow once, not by doubling: a block may be the whole code.
		buf = append(make([]Instr, 0, len(buf)+n), buf...)
	}
	return buildBlock(code, start, fork, isJumpDest, buf)
}

// countInstrs returns the number of instructions buildBlock decodes.
func countInstrs(code []byte, start uint32, fork Fork, isJumpDest func(pc uint64) bool) int {
	n := 0
	for pc := int(start); pc < len(code); n++ {
		op := Opcode(code[pc])
		if op == JUMPDEST && pc != int(start) && isJumpDest(uint64(pc)) {
			break
		}
		info := op.Info()
		if info.Term != Fallthrough || !op.Defined(fork) {
			return n + 1
		}
		pc += 1 + info.Immediate
	}
	return n
}

// buildBlock is BuildBlock appending the instructions to buf, whose spare
// capacity lets a whole program share one allocation; it returns buf grown.
func buildBlock(code []byte, start uint32, fork Fork, isJumpDest func(pc uint64) bool, buf []Instr) (Block, []Instr) {
	b := Block{Start: start}
	first := len(buf)
	cur := 0
	pc := int(start)
	for pc < len(code) {
		op := Opcode(code[pc])
		if op == JUMPDEST && pc != int(start) && isJumpDest(uint64(pc)) {
			break // a new block starts at every jump destination
		}
		info := op.Info()
		in := Instr{PC: uint32(pc), Op: op}
		if n := info.Immediate; n > 0 {
			end := min(pc+1+n, len(code))
			in.Imm = code[pc+1 : end]
		}
		buf = append(buf, in)
		pc += 1 + info.Immediate
		if !op.Defined(fork) {
			b.Term = op.TermIn(fork)
			break
		}
		b.StackReq = max(b.StackReq, info.Pops-cur)
		cur += info.Pushes - info.Pops
		b.StackGrowth = max(b.StackGrowth, cur)
		b.Gas += info.Gas
		if info.Term != Fallthrough {
			b.Term = info.Term
			break
		}
	}
	b.End = uint32(min(pc, len(code)))
	if pc > len(code) {
		b.End = uint32(len(code))
	}
	if len(buf) > first {
		b.Instrs = buf[first:len(buf):len(buf)]
	}
	return b, buf
}
