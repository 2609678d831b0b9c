package translate

import (
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Constants folded into their consumers: a PUSHed operand is bound into the
// closure instead of being stored to a slot first, and an operation whose
// operands are all constants is computed at translation time. Division,
// multiplication and remainder by a power of two become shifts and masks,
// which give the same results.

// folded lists the operations foldPure computes at translation time.
var folded = [256]bool{
	blocks.ADD: true, blocks.SUB: true, blocks.MUL: true, blocks.DIV: true,
	blocks.AND: true, blocks.OR: true, blocks.XOR: true, blocks.NOT: true,
	blocks.ISZERO: true, blocks.EQ: true, blocks.LT: true, blocks.GT: true,
	blocks.SHL: true, blocks.SHR: true,
}

// foldWords are the operands (x[0] is the top) and the result z of a fold.
type foldWords struct {
	x [3]uint256.Int
	z uint256.Int
}

// foldPure computes a pure operation over the constant operands w.x into
// w.z with its core; it reports false for operations it does not fold.
func foldPure(op blocks.Opcode, w *foldWords) bool {
	if !folded[op] {
		return false
	}
	pureCores[op](nil, &w.z, &w.x[0], &w.x[1], &w.x[2])
	return true
}

// powerOfTwo returns k if c == 2^k.
func powerOfTwo(c *uint256.Int) (uint, bool) {
	n := c.BitLen()
	if n == 0 {
		return 0, false
	}
	var p uint256.Int
	p.Lsh(uint256.NewInt(1), uint(n-1))
	return uint(n - 1), p.Eq(c)
}

// constForm returns op's closure when its operand ci (0: the top) is the
// constant *c and the other is in slot s, with the result in d; or nil if
// op has no such form. *c must not change: it is shared, not copied.
// Most forms call the core with c bound; the others are named strength
// reductions (mulPow2, divPow2, modPow2, shlConst, shrConst, shiftOut),
// which TestCoreEquivalence checks against the core.
func constForm(op blocks.Opcode, ci int, c *uint256.Int, s, d int) opFn {
	switch op {
	case blocks.ADD:
		return func(f *Frame) error { coreAdd(f.at(d), f.at(s), c); return nil }
	case blocks.AND:
		return func(f *Frame) error { coreAnd(f.at(d), f.at(s), c); return nil }
	case blocks.OR:
		return func(f *Frame) error { coreOr(f.at(d), f.at(s), c); return nil }
	case blocks.XOR:
		return func(f *Frame) error { coreXor(f.at(d), f.at(s), c); return nil }
	case blocks.EQ:
		return func(f *Frame) error { SetBool(f.at(d), coreEq(f.at(s), c)); return nil }
	case blocks.MUL:
		if k, ok := powerOfTwo(c); ok {
			return mulPow2(k, s, d)
		}
		return func(f *Frame) error { coreMul(f.at(d), f.at(s), c); return nil }
	case blocks.SUB:
		if ci == 0 {
			return func(f *Frame) error { coreSub(f.at(d), c, f.at(s)); return nil }
		}
		return func(f *Frame) error { coreSub(f.at(d), f.at(s), c); return nil }
	case blocks.LT:
		if ci == 0 {
			return func(f *Frame) error { SetBool(f.at(d), coreLt(c, f.at(s))); return nil }
		}
		return func(f *Frame) error { SetBool(f.at(d), coreLt(f.at(s), c)); return nil }
	case blocks.GT:
		if ci == 0 {
			return func(f *Frame) error { SetBool(f.at(d), coreGt(c, f.at(s))); return nil }
		}
		return func(f *Frame) error { SetBool(f.at(d), coreGt(f.at(s), c)); return nil }
	case blocks.DIV:
		if ci == 0 {
			return nil
		}
		if k, ok := powerOfTwo(c); ok {
			return divPow2(k, s, d)
		}
		return func(f *Frame) error { CoreDiv(f.at(d), f.at(s), c); return nil }
	case blocks.MOD:
		if ci == 0 {
			return nil
		}
		if _, ok := powerOfTwo(c); ok {
			return modPow2(c, s, d)
		}
		return func(f *Frame) error { CoreMod(f.at(d), f.at(s), c); return nil }
	case blocks.SHL, blocks.SHR:
		if ci == 1 {
			return nil
		}
		if !c.LtUint64(256) {
			return shiftOut(d)
		}
		if op == blocks.SHL {
			return shlConst(uint(c.Uint64()), s, d)
		}
		return shrConst(uint(c.Uint64()), s, d)
	case blocks.SIGNEXTEND:
		if ci == 1 {
			return nil
		}
		return func(f *Frame) error { CoreSignextend(f.at(d), c, f.at(s)); return nil }
	case blocks.BYTE:
		if ci == 1 {
			return nil
		}
		return func(f *Frame) error { CoreByte(f.at(d), c, f.at(s)); return nil }
	case blocks.MSTORE:
		if ci == 1 {
			return nil
		}
		if !memOffsetOK(c) {
			return nil
		}
		return mstoreCovered(c, s)
	}
	return nil
}

// Strength reductions: multiplication, division and remainder by 2^k are
// shifts and a mask; a shift by a constant below 256 needs no range check,
// one by 256 or more clears.
//
// The constructors of closures are kept out of line (go:noinline): a
// closure made in a function inlined into its caller loses the inlining
// of f.at in its body, which costs a call per operand.

//go:noinline
func mulPow2(k uint, s, d int) opFn { return shlConst(k, s, d) }

//go:noinline
func divPow2(k uint, s, d int) opFn { return shrConst(k, s, d) }

//go:noinline
func modPow2(c *uint256.Int, s, d int) opFn {
	var mask uint256.Int
	mask.SubUint64(c, 1)
	return func(f *Frame) error { f.at(d).And(f.at(s), &mask); return nil }
}

//go:noinline
func shlConst(k uint, s, d int) opFn {
	return func(f *Frame) error { f.at(d).Lsh(f.at(s), k); return nil }
}

//go:noinline
func shrConst(k uint, s, d int) opFn {
	return func(f *Frame) error { f.at(d).Rsh(f.at(s), k); return nil }
}

//go:noinline
func shiftOut(d int) opFn {
	return func(f *Frame) error { f.at(d).Clear(); return nil }
}

// mstoreCovered is MSTORE at a constant offset *c that memOffsetOK
// accepted: where memory already covers the word there is nothing to check
// or charge (this path is never traced) and the word is written as the
// core writes it, in place (a call to the core costs 4% on blake2b_huff);
// else the core runs.
//
//go:noinline
func mstoreCovered(c *uint256.Int, s int) opFn {
	o := c.Uint64()
	return func(f *Frame) error { return mstoreAt(f, o, c, f.at(s)) }
}

// mstoreAt writes v at the constant offset o (c as a word): in place where
// memory covers it, else through the core.
func mstoreAt(f *Frame, o uint64, c, v *uint256.Int) error {
	if o+32 <= uint64(len(f.Mem.store)) {
		f.Mem.watch.wrote(o, 32)
		v.PutUint256(f.Mem.store[o:])
		return nil
	}
	return coreMstore(f, c, v)
}

// hasConstForm reports whether constForm has a closure for op with the
// constant c as its operand ci.
func hasConstForm(op blocks.Opcode, ci int, c *uint256.Int) bool {
	switch op {
	case blocks.ADD, blocks.AND, blocks.OR, blocks.XOR, blocks.EQ, blocks.MUL, blocks.SUB, blocks.LT, blocks.GT:
		return true
	case blocks.DIV, blocks.MOD:
		return ci == 1
	case blocks.SHL, blocks.SHR, blocks.BYTE, blocks.SIGNEXTEND:
		return ci == 0
	case blocks.MSTORE:
		return ci == 0 && memOffsetOK(c)
	}
	return false
}

// constLoad returns MLOAD's closure for the constant offset *c, which
// memOffsetOK accepted; *c must not change.
//
//go:noinline
func constLoad(c *uint256.Int, d int) opFn {
	return func(f *Frame) error { return coreMload(f, f.at(d), c) }
}

// emitConst emits op with constant operands folded, if it has such a form.
func (s *symBlock) emitConst(op blocks.Opcode, pc uint32, pre irPre) bool {
	info := op.Info()
	n := info.Pops
	cs := &s.fold.x
	*cs = [3]uint256.Int{}
	consts := 0
	for i := range n {
		if e := s.ent(s.h - 1 - i); e.isConst() {
			cs[i] = s.constOf(*e)
			consts++
		}
	}
	if consts == 0 {
		return false
	}
	if consts == n && info.Pushes == 1 {
		if foldPure(op, s.fold) {
			s.h -= n
			s.push(s.constEnt(s.fold.z))
			return true
		}
	}
	if op == blocks.MLOAD {
		if !memOffsetOK(&cs[0]) {
			return false
		}
		c := s.ent(s.h-1).cidx - 1
		s.ir.emit(irInstr{op: op, form: irConst, pre: pre, pc: pc, c: c, dst: int32(s.result(1))})
		return true
	}
	if n != 2 {
		return false
	}
	ci := 0
	if !s.ent(s.h - 1).isConst() {
		ci = 1
	}
	c := s.ent(s.h-1-ci).cidx - 1
	if !hasConstForm(op, ci, &s.ir.consts[c]) {
		return false
	}
	src := s.operand(s.h - 1 - (1 - ci))
	d := 0
	if info.Pushes == 1 {
		d = s.result(2, src)
	} else {
		s.h -= 2
	}
	s.ir.emit(irInstr{op: op, form: irConst, pre: pre, pc: pc, ci: int8(ci), c: c,
		src: [3]int32{int32(src)}, dst: int32(d)})
	return true
}
