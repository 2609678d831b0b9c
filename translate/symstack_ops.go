package translate

import "github.com/hyvm/hyvm/blocks"

// The slot form of the instructions that only read their operands and
// write at most one result: x[i] is the sp-relative slot of the i-th operand
// (0: the top), d that of the result. Each binds its core (core.go) to the
// slots; d may be an operand slot, which every core allows.
var symOps = [256]func(x [3]int, d int) opFn{
	blocks.ADD: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { coreAdd(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.MUL: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { coreMul(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SUB: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { coreSub(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.DIV: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreDiv(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SDIV: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreSdiv(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.MOD: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreMod(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SMOD: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreSmod(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.ADDMOD: func(x [3]int, d int) opFn {
		a, b, m := x[0], x[1], x[2]
		return func(f *Frame) error { CoreAddmod(f.at(d), f.at(a), f.at(b), f.at(m)); return nil }
	},
	blocks.MULMOD: func(x [3]int, d int) opFn {
		a, b, m := x[0], x[1], x[2]
		return func(f *Frame) error { coreMulmod(f, f.at(d), f.at(a), f.at(b), f.at(m)); return nil }
	},
	blocks.EXP: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { return coreExp(f, f.at(d), f.at(a), f.at(b)) }
	},
	blocks.SIGNEXTEND: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreSignextend(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.LT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { SetBool(f.at(d), coreLt(f.at(a), f.at(b))); return nil }
	},
	blocks.GT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { SetBool(f.at(d), coreGt(f.at(a), f.at(b))); return nil }
	},
	blocks.SLT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { SetBool(f.at(d), CoreSlt(f.at(a), f.at(b))); return nil }
	},
	blocks.SGT: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { SetBool(f.at(d), CoreSgt(f.at(a), f.at(b))); return nil }
	},
	blocks.EQ: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { SetBool(f.at(d), coreEq(f.at(a), f.at(b))); return nil }
	},
	blocks.ISZERO: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { SetBool(f.at(d), coreIszero(f.at(a))); return nil }
	},
	blocks.AND: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { coreAnd(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.OR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { coreOr(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.XOR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { coreXor(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.NOT: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { coreNot(f.at(d), f.at(a)); return nil }
	},
	blocks.BYTE: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreByte(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SHL: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreShl(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SHR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreShr(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.SAR: func(x [3]int, d int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { CoreSar(f.at(d), f.at(a), f.at(b)); return nil }
	},
	blocks.CLZ: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { CoreClz(f.at(d), f.at(a)); return nil }
	},
	blocks.MLOAD: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { return coreMload(f, f.at(d), f.at(a)) }
	},
	blocks.MSTORE: func(x [3]int, _ int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { return coreMstore(f, f.at(a), f.at(b)) }
	},
	blocks.MSTORE8: func(x [3]int, _ int) opFn {
		a, b := x[0], x[1]
		return func(f *Frame) error { return coreMstore8(f, f.at(a), f.at(b)) }
	},
	blocks.CALLDATALOAD: func(x [3]int, d int) opFn {
		a := x[0]
		return func(f *Frame) error { callDataWord(f.at(d), f.at(a), f.Input); return nil }
	},
}
