package translate

import (
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Arithmetic, comparison and bitwise instructions: pure stack functions with
// constant gas only (EXP excepted), so they never fail after block entry.

func opAdd(f *Frame) error  { x := f.pop(); y := f.peek(); y.Add(x, y); return nil }
func opMul(f *Frame) error  { x := f.pop(); y := f.peek(); y.Mul(x, y); return nil }
func opSub(f *Frame) error  { x := f.pop(); y := f.peek(); y.Sub(x, y); return nil }
func opDiv(f *Frame) error  { x := f.pop(); y := f.peek(); y.Div(x, y); return nil }
func opSdiv(f *Frame) error { x := f.pop(); y := f.peek(); y.SDiv(x, y); return nil }
func opMod(f *Frame) error  { x := f.pop(); y := f.peek(); y.Mod(x, y); return nil }
func opSmod(f *Frame) error { x := f.pop(); y := f.peek(); y.SMod(x, y); return nil }

func opAddmod(f *Frame) error {
	x, y := f.pop(), f.pop()
	z := f.peek()
	z.AddMod(x, y, z)
	return nil
}

func opMulmod(f *Frame) error {
	x, y := f.pop(), f.pop()
	z := f.peek()
	z.MulMod(x, y, z)
	return nil
}

func opExp(f *Frame) error {
	base, exponent := f.back(0), f.back(1)
	if !f.useGas(expGas(exponent)) {
		return errOutOfGas
	}
	f.sp--
	exponent.Exp(base, exponent)
	return nil
}

func opSignExtend(f *Frame) error {
	back, num := f.pop(), f.peek()
	num.ExtendSign(num, back)
	return nil
}

func opLt(f *Frame) error  { x := f.pop(); y := f.peek(); setBool(y, x.Lt(y)); return nil }
func opGt(f *Frame) error  { x := f.pop(); y := f.peek(); setBool(y, x.Gt(y)); return nil }
func opSlt(f *Frame) error { x := f.pop(); y := f.peek(); setBool(y, x.Slt(y)); return nil }
func opSgt(f *Frame) error { x := f.pop(); y := f.peek(); setBool(y, x.Sgt(y)); return nil }
func opEq(f *Frame) error  { x := f.pop(); y := f.peek(); setBool(y, x.Eq(y)); return nil }

func opIszero(f *Frame) error { x := f.peek(); setBool(x, x.IsZero()); return nil }
func opAnd(f *Frame) error    { x := f.pop(); y := f.peek(); y.And(x, y); return nil }
func opOr(f *Frame) error     { x := f.pop(); y := f.peek(); y.Or(x, y); return nil }
func opXor(f *Frame) error    { x := f.pop(); y := f.peek(); y.Xor(x, y); return nil }
func opNot(f *Frame) error    { x := f.peek(); x.Not(x); return nil }

func opByte(f *Frame) error { th := f.pop(); val := f.peek(); val.Byte(th); return nil }

func opSHL(f *Frame) error { shift, value := f.pop(), f.peek(); shl(value, shift, value); return nil }
func opSHR(f *Frame) error { shift, value := f.pop(), f.peek(); shr(value, shift, value); return nil }
func opSAR(f *Frame) error { shift, value := f.pop(), f.peek(); sar(value, shift, value); return nil }

// The shift semantics, shared by the stack and the symbolic-stack
// translations. z may be the same word as shift or value: both are read
// before z is written.

func shl(z, shift, value *uint256.Int) {
	if shift.LtUint64(256) {
		z.Lsh(value, uint(shift.Uint64()))
	} else {
		z.Clear()
	}
}

func shr(z, shift, value *uint256.Int) {
	if shift.LtUint64(256) {
		z.Rsh(value, uint(shift.Uint64()))
	} else {
		z.Clear()
	}
}

func sar(z, shift, value *uint256.Int) {
	if shift.GtUint64(255) {
		if value.Sign() >= 0 {
			z.Clear()
		} else {
			z.SetAllOne()
		}
		return
	}
	z.SRsh(value, uint(shift.Uint64()))
}

func opCLZ(f *Frame) error { x := f.peek(); clz(x, x); return nil }

// clz sets z to the number of leading zero bits of x (256 for zero).
func clz(z, x *uint256.Int) { z.SetUint64(uint64(256 - x.BitLen())) }

// expGas is EXP's dynamic gas: 50 per byte of the exponent.
func expGas(exponent *uint256.Int) uint64 {
	return blocks.ExpByteGas * uint64((exponent.BitLen()+7)/8)
}

func setBool(z *uint256.Int, b bool) {
	if b {
		z.SetOne()
	} else {
		z.Clear()
	}
}
