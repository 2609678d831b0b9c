package amd64

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// check refuses what golang-asm would assemble into wrong code without a
// word, or answer with log.Fatalf:
//   - an empty program;
//   - a branch without target (it would jump to itself) or whose target was
//     never added (its Pc would be stale);
//   - a CALL to a Prog, which golang-asm only does for symbols (Call does);
//   - symbol operands: no linker resolves them;
//   - a lone operand in the slot the encoder does not read, which may come
//     out as register -1 (POPQ AX written in From assembles to PUSHQ DI);
//   - a 64-bit operation on a constant in [2^31, 2^32): it is encoded as an
//     imm32 that the CPU sign-extends (ADDQ $0xFFFFFFFF, AX adds -1). MOVQ
//     into a register is exempt: golang-asm makes it a zero-extending MOVL.
func (b *Builder) check() error {
	if b.first == nil {
		return errors.New("empty program")
	}
	// A Prog's Pc is 0 until it is assembled: number the added ones.
	n := int64(0)
	for p := b.first; p != nil; p = p.Link {
		n++
		p.Pc = n
	}
	added := func(p *obj.Prog) bool { return p.Pc != 0 }
	for _, c := range b.calls {
		if !added(c.target) {
			return fmt.Errorf("%s: Call target not in the program", clean(c.call.InstructionString()))
		}
	}
	for p := b.first; p != nil; p = p.Link {
		var why string
		switch {
		case p.To.Type == obj.TYPE_BRANCH && p.To.Target() == nil:
			why = "branch without target"
		case p.To.Type == obj.TYPE_BRANCH && !added(p.To.Target()):
			why = "branch target not in the program"
		case p.As == obj.ACALL && p.To.Type == obj.TYPE_BRANCH:
			why = "CALL to a Prog: use Builder.Call"
		case p.From.Sym != nil || p.To.Sym != nil || p.From.Name != obj.NAME_NONE || p.To.Name != obj.NAME_NONE:
			why = "symbol operand"
		case misplaced(p):
			why = "lone operand in the wrong slot"
		case signExtended(p):
			why = "constant in [2^31, 2^32) would be sign-extended: load it into a register with MOVQ"
		default:
			continue
		}
		return fmt.Errorf("%s: %s", clean(p.InstructionString()), why)
	}
	return nil
}

// misplaced reports a lone operand where cmd/asm would not put it: in To for
// the ops LinkArch.UnaryDst lists (POPQ, NEGQ, INCQ, SETcc, BSWAPQ...), in
// From for the others (PUSHQ, MULQ, DIVQ, NOPL...). Jumps take theirs in To.
func misplaced(p *obj.Prog) bool {
	from, to := p.From.Type != obj.TYPE_NONE, p.To.Type != obj.TYPE_NONE
	if from == to || len(p.RestArgs) > 0 || p.As == obj.ARET || isJump(p.As) {
		return false
	}
	return to != x86.Linkamd64.UnaryDst[p.As]
}

// isJump is cmd/asm's test for an op whose operand is a branch target.
func isJump(as obj.As) bool {
	name := as.String()
	return name[0] == 'J' || name == "CALL" || name == "XBEGIN" || strings.HasPrefix(name, "LOOP")
}

func signExtended(p *obj.Prog) bool {
	// The operands first: naming the op is the slow part.
	if !(p.From.Type == obj.TYPE_CONST && p.From.Offset>>31 == 1 || p.To.Type == obj.TYPE_CONST && p.To.Offset>>31 == 1) {
		return false
	}
	return strings.HasSuffix(p.As.String(), "Q") && (p.As != x86.AMOVQ || p.To.Type != obj.TYPE_REG)
}
