// Package blocks decodes EVM bytecode into basic blocks with their static gas
// and stack bounds: the analysis every hyvm backend translates from.
package blocks

import "fmt"

// MaxCodeSize bounds the bytecode Analyze accepts. It is far above the
// EIP-170/EIP-3860 limits so that any code a chain can hold, and any HyVM
// payload a transaction can carry, is analysable.
const MaxCodeSize = 1 << 24

// Program is the analysis of one bytecode for one fork.
type Program struct {
	Code      []byte
	Fork      Fork
	JumpDests Bitmap
	// Blocks in code order. Reachable code is covered: every block starts
	// at 0, at a JUMPDEST or right after a JUMPI.
	Blocks []Block
	// index maps a code offset to its block number + 1 (0: no block starts there).
	index []int32
}

// Analyze splits code into basic blocks for fork.
func Analyze(code []byte, fork Fork) (*Program, error) {
	if err := Check(code, fork); err != nil {
		return nil, err
	}
	p := &Program{Code: code, Fork: fork, JumpDests: JumpDests(code), index: make([]int32, len(code)+1)}
	isDest := p.JumpDests.Has
	instrs, blocks := sizes(code, fork)
	buf := make([]Instr, 0, instrs)
	p.Blocks = make([]Block, 0, blocks)
	next := uint32(0)
	for {
		var b Block
		b, buf = buildBlock(code, next, fork, isDest, buf)
		p.Blocks = append(p.Blocks, b)
		p.index[b.Start] = int32(len(p.Blocks))
		next = b.End
		if b.Term != Fallthrough && b.Term != JumpI {
			// Code after a halt or a jump is reachable only through a
			// JUMPDEST: skip to the next one.
			for int(next) < len(code) && !isDest(uint64(next)) {
				op := Opcode(code[next])
				next += 1 + uint32(op.Info().Immediate)
			}
		}
		if int(next) >= len(code) {
			break
		}
	}
	return p, nil
}

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

// BlockAt returns the index of the block starting at pc, or -1.
func (p *Program) BlockAt(pc uint64) int {
	if pc >= uint64(len(p.index)) {
		return -1
	}
	return int(p.index[pc]) - 1
}

// sizes bounds the number of instructions and of blocks in code, so that
// Analyze allocates each list once.
func sizes(code []byte, fork Fork) (instrs, blocks int) {
	blocks = 1
	for pc := 0; pc < len(code); pc++ {
		op := Opcode(code[pc])
		info := op.Info()
		instrs++
		if info.Term != Fallthrough || op == JUMPDEST || !op.Defined(fork) {
			blocks++
		}
		pc += info.Immediate
	}
	return instrs, blocks
}
