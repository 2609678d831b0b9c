package translate

import (
	"math/bits"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The semantic core: every value-computing opcode's semantics, and its
// dynamic gas, written once here, in the manner of evmone's instr::core.
// A core function assumes the stack requirements have been checked and the
// constant gas charged; it takes its operands in pop order (a: the top)
// and writes its result to z (the comparisons return a truth value, which
// their adapters store with SetBool). z may be the same word as any
// operand: every core reads all it needs before writing z, so each
// translation binds the operands and the result wherever they live:
//
//   - the stack form (ops_arith.go, ops_memory.go): z is the stack top left
//     after the pops, e.g. opAdd is coreAdd(y, x, y);
//   - the slot form (symstack_ops.go): operands and result are slots of the
//     symbolic stack;
//   - constant folding (foldPure): operands are constants, through pureCores;
//   - constant-operand forms (constForm): one operand is a bound constant;
//     a few are named strength reductions (mulPow2 and the like) or fast
//     paths (mstoreCovered), checked against the core by
//     TestCoreEquivalence and TestMemoryForms;
//   - Go generated ahead of time (aotgen.go): operands and result are words
//     of the frame's stack or the generated package's constants. The cores
//     that need no frame are exported for it (coreAdd, ..., SetBool).
//
// A newcomer looking for an opcode's meaning reads coreX/CoreX here and nothing
// else; the adapters only say where the words are.

func coreAdd(z, a, b *uint256.Int)  { z.Add(a, b) }
func coreMul(z, a, b *uint256.Int)  { z.Mul(a, b) }
func coreSub(z, a, b *uint256.Int)  { z.Sub(a, b) }
func CoreDiv(z, a, b *uint256.Int)  { z.Div(a, b) }
func CoreSdiv(z, a, b *uint256.Int) { z.SDiv(a, b) }
func CoreSmod(z, a, b *uint256.Int) { z.SMod(a, b) }

// CoreMod: by a power of two 2^k, a's low k bits (uint256 divides
// anything that is not a uint64: hashing and bit-packing code reduces by
// 2^64 or 2^160 with values far larger).
func CoreMod(z, a, b *uint256.Int) {
	if mask, ok := lowBitsMask(b); ok {
		z.And(a, &mask)
		return
	}
	z.Mod(a, b)
}

// CoreAddmod: by a power of two 2^k < 2^256, the sum's low k bits (the
// 257th bit of a+b is above them); else AddMod, which reads a and b before
// writing z and copies an aliased m.
func CoreAddmod(z, a, b, m *uint256.Int) {
	if mask, ok := lowBitsMask(m); ok {
		z.Add(a, b)
		z.And(z, &mask)
		return
	}
	z.AddMod(a, b, m)
}

// lowBitsMask returns 2^k-1 if m is a power of two 2^k.
func lowBitsMask(m *uint256.Int) (uint256.Int, bool) {
	var mask uint256.Int
	var borrow uint64
	mask[0], borrow = bits.Sub64(m[0], 1, 0)
	mask[1], borrow = bits.Sub64(m[1], 0, borrow)
	mask[2], borrow = bits.Sub64(m[2], 0, borrow)
	mask[3], borrow = bits.Sub64(m[3], 0, borrow)
	pow := borrow == 0 && m[0]&mask[0]|m[1]&mask[1]|m[2]&mask[2]|m[3]&mask[3] == 0
	return mask, pow
}

// coreMulmod sets z to a*b mod m. One algorithm on every path: uint256's
// reduction by the reciprocal of m, the reciprocal kept in the frame's
// memo (code doing modular arithmetic uses one modulus throughout, and
// computing the reciprocal dominates MulMod). uint256 uses the reciprocal
// only for moduli >= 2^192; below, MulMod is the same algorithm. m may be
// z: it is read before z is written, as go-ethereum's z.MulMod(x, y, z).
func coreMulmod(f *Frame, z, a, b, m *uint256.Int) {
	if m[3] == 0 {
		z.MulMod(a, b, m)
		return
	}
	memo := &f.mulmod
	if memo.m != *m {
		memo.m, memo.mu = *m, uint256.Reciprocal(m)
	}
	z.MulModWithReciprocal(a, b, m, &memo.mu)
}

// mulmodMemo keeps the reciprocal of the last large MULMOD modulus.
type mulmodMemo struct {
	m  uint256.Int
	mu [5]uint64
}

// coreExp charges EXP's dynamic gas and sets z to base**exponent.
// Exp reads base whole and exponent word by word before writing z.
func coreExp(f *Frame, z, base, exponent *uint256.Int) error {
	if !f.useGas(expGas(exponent)) {
		return errOutOfGas
	}
	z.Exp(base, exponent)
	return nil
}

// expGas is EXP's dynamic gas: 50 per byte of the exponent.
func expGas(exponent *uint256.Int) uint64 {
	return blocks.ExpByteGas * uint64((exponent.BitLen()+7)/8)
}

// CoreSignextend extends the sign of byte back (from the right) of num.
// ExtendSign reads byteNum before writing z, and num only through z.Set.
func CoreSignextend(z, back, num *uint256.Int) { z.ExtendSign(num, back) }

// The comparisons' cores are predicates; their adapters store the truth
// value with SetBool, the one encoding of a boolean result.

func coreLt(a, b *uint256.Int) bool  { return a.Lt(b) }
func coreGt(a, b *uint256.Int) bool  { return a.Gt(b) }
func CoreSlt(a, b *uint256.Int) bool { return a.Slt(b) }
func CoreSgt(a, b *uint256.Int) bool { return a.Sgt(b) }
func coreEq(a, b *uint256.Int) bool  { return a.Eq(b) }
func coreIszero(a *uint256.Int) bool { return a.IsZero() }

func coreAnd(z, a, b *uint256.Int) { z.And(a, b) }
func coreOr(z, a, b *uint256.Int)  { z.Or(a, b) }
func coreXor(z, a, b *uint256.Int) { z.Xor(a, b) }
func coreNot(z, a *uint256.Int)    { z.Not(a) }

// CoreByte sets z to byte n (0: the most significant) of v.
func CoreByte(z, n, v *uint256.Int) {
	var b uint64
	if i := n[0]; i < 32 && n[1]|n[2]|n[3] == 0 {
		b = v[(31-i)/8] >> (56 - i%8*8) & 0xff
	}
	z[0], z[1], z[2], z[3] = b, 0, 0, 0
}

func CoreShl(z, shift, value *uint256.Int) {
	if shift.LtUint64(256) {
		z.Lsh(value, uint(shift.Uint64()))
	} else {
		z.Clear()
	}
}

func CoreShr(z, shift, value *uint256.Int) {
	if shift.LtUint64(256) {
		z.Rsh(value, uint(shift.Uint64()))
	} else {
		z.Clear()
	}
}

func CoreSar(z, shift, value *uint256.Int) {
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

// CoreClz sets z to the number of leading zero bits of a (256 for zero).
func CoreClz(z, a *uint256.Int) { z[0], z[1], z[2], z[3] = uint64(256-a.BitLen()), 0, 0, 0 }

// SetBool sets z to 1 or 0. A branch, not a data dependency: the result
// usually feeds a JUMPI, and the branch lets the CPU run ahead.
func SetBool(z *uint256.Int, b bool) {
	if b {
		z.SetOne()
	} else {
		z.Clear()
	}
}

// Memory words: the offset check (memOffsetOK, memAccessError) and the
// growth (coverMemory) written once, for the stack form, the slot form and
// the constant-offset forms, which bind the offset to the same cores.

// memOffsetOK reports whether off is a valid offset for an access of a
// word or a byte.
func memOffsetOK(off *uint256.Int) bool { return off.IsUint64() && off.Uint64() <= maxMemorySize }

// coverMemory charges and grows memory to cover [o, o+n). Memory that
// already covers it costs nothing, so the charge is skipped, except on the
// traced path, whose line for the instruction waits for the charge.
func (f *Frame) coverMemory(o, n uint64) error {
	if o+n > uint64(len(f.Mem.store)) || f.trace.pending {
		return f.chargeMemory(o+n, 0)
	}
	return nil
}

// coreMload sets z to the word at off.
func coreMload(f *Frame, z, off *uint256.Int) error {
	if !memOffsetOK(off) {
		return memAccessError(off, 32)
	}
	o := off.Uint64()
	if err := f.coverMemory(o, 32); err != nil {
		return err
	}
	z.SetBytes32(f.Mem.store[o : o+32])
	return nil
}

// coreMstore writes v at off.
func coreMstore(f *Frame, off, v *uint256.Int) error {
	if !memOffsetOK(off) {
		return memAccessError(off, 32)
	}
	o := off.Uint64()
	if err := f.coverMemory(o, 32); err != nil {
		return err
	}
	f.Mem.watch.wrote(o, 32) // inline: MSTORE is hot
	v.PutUint256(f.Mem.store[o:])
	return nil
}

// coreMstore8 writes the low byte of v at off.
func coreMstore8(f *Frame, off, v *uint256.Int) error {
	if !memOffsetOK(off) {
		return memAccessError(off, 1)
	}
	o := off.Uint64()
	if err := f.coverMemory(o, 1); err != nil {
		return err
	}
	f.Mem.putByte(o, byte(v.Uint64()))
	return nil
}

// pureFn is a pure core over up to three operands, for the translator's
// constant folding and the equivalence test; f is used by MULMOD's memo
// only and may be a scratch frame.
type pureFn func(f *Frame, z, a, b, c *uint256.Int)

func unary(fn func(z, a *uint256.Int)) pureFn {
	return func(_ *Frame, z, a, _, _ *uint256.Int) { fn(z, a) }
}

func binary(fn func(z, a, b *uint256.Int)) pureFn {
	return func(_ *Frame, z, a, b, _ *uint256.Int) { fn(z, a, b) }
}

func predicate(fn func(a, b *uint256.Int) bool) pureFn {
	return func(_ *Frame, z, a, b, _ *uint256.Int) { SetBool(z, fn(a, b)) }
}

// pureCores holds the core of every opcode whose result depends on its
// operands only (EXP's depends on the gas left as well).
var pureCores = [256]pureFn{
	blocks.ADD: binary(coreAdd), blocks.MUL: binary(coreMul), blocks.SUB: binary(coreSub),
	blocks.DIV: binary(CoreDiv), blocks.SDIV: binary(CoreSdiv),
	blocks.MOD: binary(CoreMod), blocks.SMOD: binary(CoreSmod),
	blocks.ADDMOD:     func(_ *Frame, z, a, b, m *uint256.Int) { CoreAddmod(z, a, b, m) },
	blocks.MULMOD:     func(f *Frame, z, a, b, m *uint256.Int) { coreMulmod(f, z, a, b, m) },
	blocks.SIGNEXTEND: binary(CoreSignextend),
	blocks.LT:         predicate(coreLt), blocks.GT: predicate(coreGt),
	blocks.SLT: predicate(CoreSlt), blocks.SGT: predicate(CoreSgt), blocks.EQ: predicate(coreEq),
	blocks.ISZERO: func(_ *Frame, z, a, _, _ *uint256.Int) { SetBool(z, coreIszero(a)) },
	blocks.AND:    binary(coreAnd), blocks.OR: binary(coreOr), blocks.XOR: binary(coreXor),
	blocks.NOT:  unary(coreNot),
	blocks.BYTE: binary(CoreByte),
	blocks.SHL:  binary(CoreShl), blocks.SHR: binary(CoreShr), blocks.SAR: binary(CoreSar),
	blocks.CLZ: unary(CoreClz),
}
