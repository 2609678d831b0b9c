package translate

import "github.com/hyvm/hyvm/blocks"

// Slot-bound versions of the instructions that only read their operands and
// write at most one result: x[i] is the sp-relative slot of the i-th operand
// (0: the top), d that of the result. The semantics are those of ops_*.go;
// operands are read before the result is written, since d may be an operand
// slot (uint256's methods allow their receiver to alias an argument; where
// an in-place method would read an operand after writing d, it is copied).
var symOps = [256]func(x [3]int, d int) opFn{
	blocks.ADD: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Add(f.at(a), f.at(b)); return nil }
	},
	blocks.MUL: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Mul(f.at(a), f.at(b)); return nil }
	},
	blocks.SUB: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Sub(f.at(a), f.at(b)); return nil }
	},
	blocks.DIV: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Div(f.at(a), f.at(b)); return nil }
	},
	blocks.SDIV: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).SDiv(f.at(a), f.at(b)); return nil }
	},
	blocks.MOD: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Mod(f.at(a), f.at(b)); return nil }
	},
	blocks.SMOD: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).SMod(f.at(a), f.at(b)); return nil }
	},
	blocks.ADDMOD: func(x [3]int, d int) opFn {
		a, b, m := x[0], x[1], x[2]
		// AddMod reads x and y before writing z and copies an aliased m.
		return func(f *Frame) error { f.at(d).AddMod(f.at(a), f.at(b), f.at(m)); return nil }
	},
	blocks.MULMOD: func(x [3]int, d int) opFn {
		a, b, m := x[0], x[1], x[2]
		// MulMod reads x and y before writing z, but not m.
		if d != m {
			return func(f *Frame) error { f.mulMod(f.at(d), f.at(a), f.at(b), f.at(m)); return nil }
		}
		return func(f *Frame) error {
			vm := *f.at(m)
			f.mulMod(f.at(d), f.at(a), f.at(b), &vm)
			return nil
		}
	},
	blocks.EXP: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error {
			base, exponent := *f.at(a), *f.at(b)
			if !f.useGas(expGas(&exponent)) {
				return errOutOfGas
			}
			f.at(d).Exp(&base, &exponent)
			return nil
		}
	},
	blocks.SIGNEXTEND: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		// ExtendSign reads byteNum before writing z, and x only through z.Set.
		return func(f *Frame) error { f.at(d).ExtendSign(f.at(b), f.at(a)); return nil }
	},
	blocks.LT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { setBool(f.at(d), f.at(a).Lt(f.at(b))); return nil }
	},
	blocks.GT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { setBool(f.at(d), f.at(a).Gt(f.at(b))); return nil }
	},
	blocks.SLT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { setBool(f.at(d), f.at(a).Slt(f.at(b))); return nil }
	},
	blocks.SGT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { setBool(f.at(d), f.at(a).Sgt(f.at(b))); return nil }
	},
	blocks.EQ: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { setBool(f.at(d), f.at(a).Eq(f.at(b))); return nil }
	},
	blocks.ISZERO: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { setBool(f.at(d), f.at(a).IsZero()); return nil }
	},
	blocks.AND: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).And(f.at(a), f.at(b)); return nil }
	},
	blocks.OR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Or(f.at(a), f.at(b)); return nil }
	},
	blocks.XOR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { f.at(d).Xor(f.at(a), f.at(b)); return nil }
	},
	blocks.NOT: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { f.at(d).Not(f.at(a)); return nil }
	},
	blocks.BYTE: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error {
			n := *f.at(a)
			z := f.at(d)
			copyWord(z, f.at(b))
			z.Byte(&n)
			return nil
		}
	},
	blocks.SHL: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { shl(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SHR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { shr(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SAR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { sar(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.CLZ: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { clz(f.at(d), f.at(a)); return nil }
	},
	blocks.MLOAD: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error {
			o, err := f.touchMemory(f.at(a), 32)
			if err != nil {
				return err
			}
			f.at(d).SetBytes32(f.Mem.store[o : o+32])
			return nil
		}
	},
	blocks.MSTORE: func(x [3]int, _ int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error {
			o, err := f.touchMemory(f.at(a), 32)
			if err != nil {
				return err
			}
			f.Mem.watch.wrote(o, 32)
			f.at(b).PutUint256(f.Mem.store[o:])
			return nil
		}
	},
	blocks.MSTORE8: func(x [3]int, _ int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error {
			o, err := f.touchMemory(f.at(a), 1)
			if err != nil {
				return err
			}
			f.Mem.putByte(o, byte(f.at(b).Uint64()))
			return nil
		}
	},
	blocks.CALLDATALOAD: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { callDataWord(f.at(d), f.at(a), f.Input); return nil }
	},
}
