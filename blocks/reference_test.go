package blocks

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
)

// An independent decoder for the fuzz tests: push sizes from the opcode
// byte, definedness, stack effects and constant gas from go-ethereum's jump
// table, block boundaries from the rules in block.go's comments, all written
// without blocks' opcode table or decoder.

// refOp is one opcode as go-ethereum's jump table for a fork has it.
type refOp struct {
	defined      bool
	pops, pushes int
	constGas     uint64
	immediate    int
	terminator   Terminator
	endsBlock    bool
	isJumpDestOp bool
	dynamicGas   bool // it has a dynamic gas function
	memory       bool // it has a memory size function
}

// refTables maps each supported fork to its reference opcode table.
var refTables = sync.OnceValue(func() map[Fork]*[256]refOp {
	rules := map[Fork]params.Rules{
		Cancun: {IsCancun: true},
		Prague: {IsCancun: true, IsPrague: true},
		Osaka:  {IsCancun: true, IsPrague: true, IsOsaka: true},
	}
	out := map[Fork]*[256]refOp{}
	for fork, r := range rules {
		jt, err := vm.LookupInstructionSet(r)
		if err != nil {
			panic(err)
		}
		var t [256]refOp
		for i, op := range jt {
			v := reflect.ValueOf(op).Elem()
			undefined, constGas := v.FieldByName("undefined"), v.FieldByName("constantGas")
			dynGas, memSize := v.FieldByName("dynamicGas"), v.FieldByName("memorySize")
			if !undefined.IsValid() || !constGas.IsValid() || !dynGas.IsValid() || !memSize.IsValid() {
				panic(fmt.Sprintf("go-ethereum's operation has no undefined/constantGas/dynamicGas/memorySize field: %v", v.Type()))
			}
			minStack, maxStack := op.Stack()
			e := refOp{
				defined:      !undefined.Bool(),
				pops:         minStack,
				pushes:       minStack + int(params.StackLimit) - maxStack,
				constGas:     constGas.Uint(),
				isJumpDestOp: i == 0x5b,
				dynamicGas:   !dynGas.IsNil(),
				memory:       !memSize.IsNil(),
			}
			if i == 0x0a {
				// go-ethereum charges EXP's fixed part inside its dynamic
				// gas (gasExpEIP158); it is constant, so blocks counts it.
				if e.constGas != 0 {
					panic("go-ethereum now charges EXP's fixed gas as constant gas")
				}
				e.constGas += params.ExpGas
			}
			if i >= 0x60 && i <= 0x7f { // PUSH1..PUSH32
				e.immediate = i - 0x5f
			}
			switch byte(i) {
			case 0x00:
				e.terminator, e.endsBlock = Stop, true
			case 0x56:
				e.terminator, e.endsBlock = Jump, true
			case 0x57:
				e.terminator, e.endsBlock = JumpI, true
			case 0xf3:
				e.terminator, e.endsBlock = Return, true
			case 0xfd:
				e.terminator, e.endsBlock = Revert, true
			case 0xff:
				e.terminator, e.endsBlock = SelfDestruct, true
			}
			if i == 0xfe { // the designated INVALID: named, but executes as undefined
				e.defined = false
			}
			if !e.defined {
				e.terminator, e.endsBlock = Undefined, true
				if i == 0xfe {
					e.terminator = Invalid
				}
			}
			t[i] = e
		}
		out[fork] = &t
	}
	return out
})

// refJumpDests marks the 0x5b bytes that are not PUSH data: push data is
// marked first, then every 0x5b outside it.
func refJumpDests(code []byte) []bool {
	data := make([]bool, len(code))
	for pc := 0; pc < len(code); pc++ {
		if op := code[pc]; op >= 0x60 && op <= 0x7f {
			for i := 1; i <= int(op)-0x5f && pc+i < len(code); i++ {
				data[pc+i] = true
			}
			pc += int(op) - 0x5f
		}
	}
	dests := make([]bool, len(code))
	for pc, op := range code {
		dests[pc] = op == 0x5b && !data[pc]
	}
	return dests
}

// refBlock decodes the block starting at start: instructions up to and
// including the first that halts, jumps or is undefined, or up to (not
// including) a jump destination other than start; the constant gas and
// stack bounds of its defined instructions.
func refBlock(code []byte, start uint32, fork Fork, isDest func(uint64) bool) Block {
	t := refTables()[fork]
	b := Block{Start: start, Term: Fallthrough}
	height := 0
	pc := int(start)
	for pc < len(code) {
		op := t[code[pc]]
		if op.isJumpDestOp && pc != int(start) && isDest(uint64(pc)) {
			break
		}
		in := Instr{PC: uint32(pc), Op: Opcode(code[pc])}
		if op.immediate > 0 {
			in.Imm = code[pc+1 : min(pc+1+op.immediate, len(code))]
		}
		b.Instrs = append(b.Instrs, in)
		pc += 1 + op.immediate
		if op.defined {
			// Needs op.pops items above the block's entry height minus
			// what the block has pushed so far.
			b.StackReq = max(b.StackReq, op.pops-height)
			height += op.pushes - op.pops
			b.StackGrowth = max(b.StackGrowth, height)
			b.Gas += op.constGas
		}
		if op.endsBlock {
			b.Term = op.terminator
			break
		}
	}
	b.End = uint32(min(pc, len(code)))
	return b
}
