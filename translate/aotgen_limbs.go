package translate

import (
	"fmt"
	"strings"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Limb-level rendering: Go's inliner gives a function of more than 5,000
// nodes (every generated contract but the smallest) a budget of 20, so in
// generated code neither the cores nor uint256's methods inline, and a call
// per instruction costs what the closures cost. The cheap instructions are
// therefore written out over the four little-endian limbs of their words,
// with math/bits' intrinsics; every operand is read before the result is
// written (the result may be an operand's locals). Constants are literals.

// aotOperand is an instruction's operand: a stack word in locals
// (aotgen_regs.go) or a constant.
type aotOperand struct {
	l [4]string    // the limbs as expressions: the locals, or the constant's literals
	c *uint256.Int // the constant, nil for a slot
	k int32        // the slot, relative to the stack pointer
}

// constOperand returns the operand of constant c.
func constOperand(c *uint256.Int) aotOperand {
	return aotOperand{l: [4]string{fmt.Sprintf("%#x", c[0]), fmt.Sprintf("%#x", c[1]), fmt.Sprintf("%#x", c[2]), fmt.Sprintf("%#x", c[3])}, c: c}
}

// assign returns the assignment of the four expressions v to z, leaving
// out a limb assigned to itself (vet refuses it).
func assign(z [4]string, v [4]string) string {
	var lhs, rhs []string
	for i := range z {
		if z[i] != v[i] {
			lhs, rhs = append(lhs, z[i]), append(rhs, v[i])
		}
	}
	if len(lhs) == 0 {
		return ""
	}
	return strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", ") + "\n"
}

// aotLimbOps are the instructions renderLimbs writes out.
var aotLimbOps = map[blocks.Opcode]bool{
	blocks.ADD: true, blocks.SUB: true, blocks.MUL: true, blocks.AND: true, blocks.OR: true, blocks.XOR: true,
	blocks.NOT: true, blocks.ISZERO: true, blocks.EQ: true, blocks.LT: true, blocks.GT: true, blocks.SLT: true, blocks.SGT: true,
}

// renderLimbs writes op of args to the locals z, if it has a limb
// rendering. z may be an operand's locals: a multiple assignment reads
// its right side first.
func renderLimbs(op blocks.Opcode, z [4]string, args []aotOperand) (string, bool) {
	var b strings.Builder
	b.WriteString("{\n")
	a := func(i int) string { return args[0].l[i] }
	bb := func(i int) string { return args[1].l[i] }
	setBool := func(cond string) {
		fmt.Fprintf(&b, "var r uint64\nif %s {\nr = 1\n}\n%s", cond, assign(z, [4]string{"r", "0", "0", "0"}))
	}
	switch op {
	case blocks.ADD, blocks.SUB:
		fn := "bits.Add64"
		if op == blocks.SUB {
			fn = "bits.Sub64"
		}
		fmt.Fprintf(&b, "z0, k := %s(%s, %s, 0)\n", fn, a(0), bb(0))
		fmt.Fprintf(&b, "z1, k := %s(%s, %s, k)\n", fn, a(1), bb(1))
		fmt.Fprintf(&b, "z2, k := %s(%s, %s, k)\n", fn, a(2), bb(2))
		fmt.Fprintf(&b, "z3, _ := %s(%s, %s, k)\n", fn, a(3), bb(3))
		b.WriteString(assign(z, [4]string{"z0", "z1", "z2", "z3"}))
	case blocks.AND, blocks.OR, blocks.XOR:
		var limbs [4]string
		for i := range limbs {
			limbs[i] = bitwise(op, args, i)
		}
		b.WriteString(assign(z, limbs))
	case blocks.NOT:
		b.WriteString(assign(z, [4]string{"^" + a(0), "^" + a(1), "^" + a(2), "^" + a(3)}))
	case blocks.ISZERO:
		setBool(fmt.Sprintf("%s|%s|%s|%s == 0", a(0), a(1), a(2), a(3)))
	case blocks.EQ:
		setBool(fmt.Sprintf("%s == %s && %s == %s && %s == %s && %s == %s", a(0), bb(0), a(1), bb(1), a(2), bb(2), a(3), bb(3)))
	case blocks.LT, blocks.GT, blocks.SLT, blocks.SGT:
		x, y := a, bb // LT: a < b; GT: b < a
		if op == blocks.GT || op == blocks.SGT {
			x, y = bb, a
		}
		top := func(f func(int) string) string { return f(3) }
		if op == blocks.SLT || op == blocks.SGT {
			// Signed: unsigned with the sign bits flipped.
			top = func(f func(int) string) string { return fmt.Sprintf("(%s ^ 0x8000000000000000)", f(3)) }
		}
		fmt.Fprintf(&b, "_, k := bits.Sub64(%s, %s, 0)\n", x(0), y(0))
		fmt.Fprintf(&b, "_, k = bits.Sub64(%s, %s, k)\n", x(1), y(1))
		fmt.Fprintf(&b, "_, k = bits.Sub64(%s, %s, k)\n", x(2), y(2))
		fmt.Fprintf(&b, "_, k = bits.Sub64(%s, %s, k)\n", top(x), top(y))
		setBool("k != 0")
	case blocks.MUL:
		return renderMul(args, z), true
	default:
		return "", false
	}
	b.WriteString("}\n")
	return b.String(), true
}

// renderMul renders z = a*b mod 2^256 over limbs (uint256's Mul: the
// partial products below 2^256, carried with bits.Mul64 and bits.Add64).
func renderMul(args []aotOperand, z [4]string) string {
	var b strings.Builder
	b.WriteString("{\n")
	// Read every limb first: z may be an operand's locals.
	for i := range 4 {
		fmt.Fprintf(&b, "x%d, y%d := uint64(%s), uint64(%s)\n", i, i, args[0].l[i], args[1].l[i])
	}
	// uint256's Mul step by step: umulHop(z, x, y) is z + x*y as hi:lo,
	// umulStep adds a carry too (neither overflows 128 bits).
	b.WriteString(`c0, l0 := bits.Mul64(x0, y0)
h, l := bits.Mul64(x1, y0)
l1, k := bits.Add64(l, c0, 0)
c0 = h + k
h, l = bits.Mul64(x2, y0)
r2, k := bits.Add64(l, c0, 0)
c0 = h + k
h, l = bits.Mul64(x0, y1)
l1, k = bits.Add64(l, l1, 0)
c1 := h + k
h, l = bits.Mul64(x1, y1)
l, k = bits.Add64(l, c1, 0)
h += k
r2, k = bits.Add64(l, r2, 0)
c1 = h + k
h, l = bits.Mul64(x0, y2)
l2, k := bits.Add64(l, r2, 0)
c2 := h + k
l3 := x3*y0 + x2*y1 + x0*y3 + x1*y2 + c0 + c1 + c2
`)
	fmt.Fprintf(&b, "%s}\n", assign(z, [4]string{"l0", "l1", "l2", "l3"}))
	return b.String()
}

// renderShift renders z = a << k (left) or a >> k for a constant k < 256.
func renderShift(z, a [4]string, k uint, left bool) string {
	w, r := int(k/64), k%64
	var limbs [4]string
	for i := range limbs {
		j, next := i-w, i-w-1 // left: limb j moves to i, limb j-1 brings its top bits
		if !left {
			j, next = i+w, i+w+1
		}
		switch {
		case j < 0 || j > 3:
			limbs[i] = "0"
		case r == 0:
			limbs[i] = a[j]
		case left && next >= 0:
			limbs[i] = fmt.Sprintf("%s<<%d | %s>>%d", a[j], r, a[next], 64-r)
		case left:
			limbs[i] = fmt.Sprintf("%s<<%d", a[j], r)
		case next <= 3:
			limbs[i] = fmt.Sprintf("%s>>%d | %s<<%d", a[j], r, a[next], 64-r)
		default:
			limbs[i] = fmt.Sprintf("%s>>%d", a[j], r)
		}
	}
	return assign(z, limbs)
}

// bitwise is limb i of AND, OR or XOR of two operands, a constant limb of
// all zeros or all ones folded (x&0 is 0, x|0 and x^0 are x, ...).
func bitwise(op blocks.Opcode, args []aotOperand, i int) string {
	x, y := args[0], args[1]
	xs, ys := x.l[i], y.l[i]
	if x.c != nil { // the constant on the right
		x, y, xs, ys = y, x, ys, xs
	}
	if y.c != nil {
		switch c := y.c[i]; {
		case c == 0 && op == blocks.AND:
			return "0"
		case c == 0:
			return xs
		case c == ^uint64(0) && op == blocks.AND:
			return xs
		case c == ^uint64(0) && op == blocks.OR:
			return ys
		case c == ^uint64(0):
			return "^" + xs
		}
	}
	sym := map[blocks.Opcode]string{blocks.AND: "&", blocks.OR: "|", blocks.XOR: "^"}[op]
	return xs + sym + ys
}
