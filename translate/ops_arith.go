package translate

// The stack form of the arithmetic, comparison and bitwise instructions:
// each pops its operands and calls its core (core.go) with the result in
// the word left on top. Constant gas only (EXP excepted), so they never
// fail after block entry.

func opAdd(f *Frame) error  { x := f.pop(); y := f.peek(); coreAdd(y, x, y); return nil }
func opMul(f *Frame) error  { x := f.pop(); y := f.peek(); coreMul(y, x, y); return nil }
func opSub(f *Frame) error  { x := f.pop(); y := f.peek(); coreSub(y, x, y); return nil }
func opDiv(f *Frame) error  { x := f.pop(); y := f.peek(); CoreDiv(y, x, y); return nil }
func opSdiv(f *Frame) error { x := f.pop(); y := f.peek(); CoreSdiv(y, x, y); return nil }
func opMod(f *Frame) error  { x := f.pop(); y := f.peek(); CoreMod(y, x, y); return nil }
func opSmod(f *Frame) error { x := f.pop(); y := f.peek(); CoreSmod(y, x, y); return nil }

func opAddmod(f *Frame) error {
	x, y := f.pop(), f.pop()
	z := f.peek()
	CoreAddmod(z, x, y, z)
	return nil
}
func opMulmod(f *Frame) error {
	x, y := f.pop(), f.pop()
	z := f.peek()
	coreMulmod(f, z, x, y, z)
	return nil
}

// opExp pops only once the gas is charged: a failing EXP leaves the stack
// as it was, for the trace.
func opExp(f *Frame) error {
	base, exponent := f.back(0), f.back(1)
	if err := coreExp(f, exponent, base, exponent); err != nil {
		return err
	}
	f.sp--
	return nil
}

func opSignExtend(f *Frame) error { b := f.pop(); x := f.peek(); CoreSignextend(x, b, x); return nil }

func opLt(f *Frame) error  { x := f.pop(); y := f.peek(); SetBool(y, coreLt(x, y)); return nil }
func opGt(f *Frame) error  { x := f.pop(); y := f.peek(); SetBool(y, coreGt(x, y)); return nil }
func opSlt(f *Frame) error { x := f.pop(); y := f.peek(); SetBool(y, CoreSlt(x, y)); return nil }
func opSgt(f *Frame) error { x := f.pop(); y := f.peek(); SetBool(y, CoreSgt(x, y)); return nil }
func opEq(f *Frame) error  { x := f.pop(); y := f.peek(); SetBool(y, coreEq(x, y)); return nil }

func opIszero(f *Frame) error { x := f.peek(); SetBool(x, coreIszero(x)); return nil }
func opAnd(f *Frame) error    { x := f.pop(); y := f.peek(); coreAnd(y, x, y); return nil }
func opOr(f *Frame) error     { x := f.pop(); y := f.peek(); coreOr(y, x, y); return nil }
func opXor(f *Frame) error    { x := f.pop(); y := f.peek(); coreXor(y, x, y); return nil }
func opNot(f *Frame) error    { x := f.peek(); coreNot(x, x); return nil }

func opByte(f *Frame) error { n := f.pop(); v := f.peek(); CoreByte(v, n, v); return nil }

func opSHL(f *Frame) error { s := f.pop(); v := f.peek(); CoreShl(v, s, v); return nil }
func opSHR(f *Frame) error { s := f.pop(); v := f.peek(); CoreShr(v, s, v); return nil }
func opSAR(f *Frame) error { s := f.pop(); v := f.peek(); CoreSar(v, s, v); return nil }

func opCLZ(f *Frame) error { x := f.peek(); CoreClz(x, x); return nil }
