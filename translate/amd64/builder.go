package amd64

import "github.com/twitchyliquid64/golang-asm/obj"

// Builder collects one program's instructions in order. It is only valid
// inside the build function given to Assemble.
type Builder struct {
	ctxt        *obj.Link
	first, last *obj.Prog
	calls       []localCall
	// slab is where Prog takes instructions from: one allocation per
	// progSlab of them rather than one each (a contract is thousands).
	slab []obj.Prog
}

// progSlab is how many instructions Prog allocates at once.
const progSlab = 256

// localCall is a CALL to a Prog of the same program. golang-asm can only
// CALL symbols (a Prog target ends in log.Fatalf), so Call emits CALL $0 and
// Assemble writes the displacement once every Pc is known.
type localCall struct{ call, target *obj.Prog }

// Prog returns a new instruction, not yet added to the program.
func (b *Builder) Prog() *obj.Prog {
	if len(b.slab) == 0 {
		b.slab = make([]obj.Prog, progSlab)
	}
	p := &b.slab[0]
	b.slab = b.slab[1:]
	p.Ctxt = b.ctxt
	return p
}

// Add appends p to the program and returns it.
func (b *Builder) Add(p *obj.Prog) *obj.Prog {
	if b.first == nil {
		b.first = p
	} else {
		b.last.Link = p
	}
	b.last = p
	return p
}

// Inst appends "as from, to" in Go assembler order, source first. A lone
// operand goes in To for the ops x86.Linkamd64.UnaryDst lists (POPQ, NEGQ,
// SETcc...) and in From otherwise (PUSHQ, MULQ...). A three-operand form
// (IMUL3Q, SHLQ $n, BX, AX, AVX) sets the middle one: p.RestArgs = []obj.Addr{...}.
func (b *Builder) Inst(as obj.As, from, to obj.Addr) *obj.Prog {
	p := b.Prog()
	p.As, p.From, p.To = as, from, to
	return b.Add(p)
}

// Jump appends a branch (obj.AJMP or a conditional x86.AJxx) to target. A nil
// target may be set later with p.To.SetTarget; Assemble refuses a branch
// still without one, where golang-asm would silently make it jump to itself.
func (b *Builder) Jump(as obj.As, target *obj.Prog) *obj.Prog {
	p := b.Prog()
	p.As = as
	p.To.Type = obj.TYPE_BRANCH
	if target != nil {
		p.To.SetTarget(target)
	}
	return b.Add(p)
}

// Call appends a CALL to target, which must be added to the program by the
// end (a forward target is a Prog made with Prog and added later). It encodes
// as E8 rel32, five bytes, whose displacement Assemble writes. Each level of
// calls takes 8 bytes of StackBudget.
func (b *Builder) Call(target *obj.Prog) *obj.Prog {
	p := b.Inst(obj.ACALL, obj.Addr{}, Imm(0))
	b.calls = append(b.calls, localCall{p, target})
	return p
}

// StackBudget is how many bytes generated code may push below its own return
// address, CALLs included: Enter's 128-byte frame minus that return address.
const StackBudget = 120

// Label appends an anchor for branches: obj.ANOP with no operands. golang-asm
// never removes it from the list and assembles it to zero bytes, so its Pc is
// the offset of the next real instruction, or the end of the code; no NOP
// byte is spent on it.
func (b *Builder) Label() *obj.Prog {
	p := b.Prog()
	p.As = obj.ANOP
	return b.Add(p)
}

// Reg is the register operand r (x86.REG_AX, x86.REG_X0, ...).
func Reg(r int16) obj.Addr { return obj.Addr{Type: obj.TYPE_REG, Reg: r} }

// Mem is the memory operand off(base).
func Mem(base int16, off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Reg: base, Offset: off}
}

// MemIndex is the memory operand off(base)(index*scale); scale is 1, 2, 4 or 8.
func MemIndex(base, index, scale int16, off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Reg: base, Index: index, Scale: scale, Offset: off}
}

// Imm is the immediate operand $v.
func Imm(v int64) obj.Addr { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }
