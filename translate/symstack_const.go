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

// foldPure computes a pure operation over constant operands (x[0] is the
// top); ok is false for operations it does not fold.
func foldPure(op blocks.Opcode, x [3]uint256.Int) (z uint256.Int, ok bool) {
	a, b := &x[0], &x[1]
	switch op {
	case blocks.ADD:
		z.Add(a, b)
	case blocks.SUB:
		z.Sub(a, b)
	case blocks.MUL:
		z.Mul(a, b)
	case blocks.DIV:
		z.Div(a, b)
	case blocks.AND:
		z.And(a, b)
	case blocks.OR:
		z.Or(a, b)
	case blocks.XOR:
		z.Xor(a, b)
	case blocks.NOT:
		z.Not(a)
	case blocks.ISZERO:
		setBool(&z, a.IsZero())
	case blocks.EQ:
		setBool(&z, a.Eq(b))
	case blocks.LT:
		setBool(&z, a.Lt(b))
	case blocks.GT:
		setBool(&z, a.Gt(b))
	case blocks.SHL:
		if a.LtUint64(256) {
			z.Lsh(b, uint(a.Uint64()))
		}
	case blocks.SHR:
		if a.LtUint64(256) {
			z.Rsh(b, uint(a.Uint64()))
		}
	default:
		return z, false
	}
	return z, true
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
func constForm(op blocks.Opcode, ci int, c *uint256.Int, s, d int) opFn {
	switch op {
	case blocks.ADD:
		return func(f *Frame) error { f.at(d).Add(f.at(s), c); return nil }
	case blocks.AND:
		return func(f *Frame) error { f.at(d).And(f.at(s), c); return nil }
	case blocks.OR:
		return func(f *Frame) error { f.at(d).Or(f.at(s), c); return nil }
	case blocks.XOR:
		return func(f *Frame) error { f.at(d).Xor(f.at(s), c); return nil }
	case blocks.EQ:
		return func(f *Frame) error { setBool(f.at(d), f.at(s).Eq(c)); return nil }
	case blocks.MUL:
		if k, ok := powerOfTwo(c); ok {
			return func(f *Frame) error { f.at(d).Lsh(f.at(s), k); return nil }
		}
		return func(f *Frame) error { f.at(d).Mul(f.at(s), c); return nil }
	case blocks.SUB:
		if ci == 0 {
			return func(f *Frame) error { f.at(d).Sub(c, f.at(s)); return nil }
		}
		return func(f *Frame) error { f.at(d).Sub(f.at(s), c); return nil }
	case blocks.LT:
		if ci == 0 {
			return func(f *Frame) error { setBool(f.at(d), c.Lt(f.at(s))); return nil }
		}
		return func(f *Frame) error { setBool(f.at(d), f.at(s).Lt(c)); return nil }
	case blocks.GT:
		if ci == 0 {
			return func(f *Frame) error { setBool(f.at(d), c.Gt(f.at(s))); return nil }
		}
		return func(f *Frame) error { setBool(f.at(d), f.at(s).Gt(c)); return nil }
	case blocks.DIV:
		if ci == 0 {
			return nil
		}
		if k, ok := powerOfTwo(c); ok {
			return func(f *Frame) error { f.at(d).Rsh(f.at(s), k); return nil }
		}
		return func(f *Frame) error { f.at(d).Div(f.at(s), c); return nil }
	case blocks.MOD:
		if ci == 0 {
			return nil
		}
		if _, ok := powerOfTwo(c); ok {
			var mask uint256.Int
			mask.SubUint64(c, 1)
			return func(f *Frame) error { f.at(d).And(f.at(s), &mask); return nil }
		}
		return func(f *Frame) error { f.at(d).Mod(f.at(s), c); return nil }
	case blocks.SHL, blocks.SHR:
		if ci == 1 {
			return nil
		}
		if !c.LtUint64(256) {
			return func(f *Frame) error { f.at(d).Clear(); return nil }
		}
		k := uint(c.Uint64())
		if op == blocks.SHL {
			return func(f *Frame) error { f.at(d).Lsh(f.at(s), k); return nil }
		}
		return func(f *Frame) error { f.at(d).Rsh(f.at(s), k); return nil }
	case blocks.SIGNEXTEND:
		if ci == 1 {
			return nil
		}
		return func(f *Frame) error { f.at(d).ExtendSign(f.at(s), c); return nil }
	case blocks.BYTE:
		if ci == 1 {
			return nil
		}
		return func(f *Frame) error { z := f.at(d); copyWord(z, f.at(s)); z.Byte(c); return nil }
	case blocks.MSTORE:
		if ci == 1 || !c.LtUint64(maxMemorySize+1) {
			return nil
		}
		o := c.Uint64()
		return func(f *Frame) error {
			if o+32 > uint64(len(f.Mem.store)) {
				if err := f.chargeMemory(o+32, 0); err != nil {
					return err
				}
			}
			f.Mem.watch.wrote(o, 32)
			f.at(s).PutUint256(f.Mem.store[o:])
			return nil
		}
	}
	return nil
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
		return ci == 0 && c.LtUint64(maxMemorySize+1)
	}
	return false
}

// constLoad returns MLOAD's closure for the constant offset c, which is at
// most maxMemorySize.
func constLoad(c uint256.Int, d int) opFn {
	o := c.Uint64()
	return func(f *Frame) error {
		if o+32 > uint64(len(f.Mem.store)) {
			if err := f.chargeMemory(o+32, 0); err != nil {
				return err
			}
		}
		f.at(d).SetBytes32(f.Mem.store[o : o+32])
		return nil
	}
}

// emitConst emits op with constant operands folded, if it has such a form.
func (s *symBlock) emitConst(op blocks.Opcode) bool {
	info := op.Info()
	n := info.Pops
	var cs [3]uint256.Int
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
		if z, ok := foldPure(op, cs); ok {
			s.h -= n
			s.push(s.constEnt(z))
			return true
		}
	}
	if op == blocks.MLOAD {
		if !cs[0].LtUint64(maxMemorySize + 1) {
			return false
		}
		s.ops = append(s.ops, constLoad(cs[0], s.result(1)))
		return true
	}
	if n != 2 {
		return false
	}
	ci := 0
	if !s.ent(s.h - 1).isConst() {
		ci = 1
	}
	c := s.constPtr(*s.ent(s.h - 1 - ci))
	if !hasConstForm(op, ci, c) {
		return false
	}
	src := s.operand(s.h - 1 - (1 - ci))
	d := 0
	if info.Pushes == 1 {
		d = s.result(2, src)
	} else {
		s.h -= 2
	}
	s.ops = append(s.ops, constForm(op, ci, c, src, d))
	return true
}
