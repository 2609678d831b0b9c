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
// written (the result may be an operand's slot). Constants are literals.

// aotOperand is an instruction's operand: a stack word or a constant.
type aotOperand struct {
	slot string       // a *uint256.Int expression, or "" for a constant
	c    *uint256.Int // the constant
}

// limb returns operand o's limb i as an expression.
func (o aotOperand) limb(v string, i int) string {
	if o.slot == "" {
		return fmt.Sprintf("%#x", o.c[i])
	}
	return fmt.Sprintf("%s[%d]", v, i)
}

// renderLimbs writes op over dst and args, if it has a limb rendering.
func renderLimbs(op blocks.Opcode, dst string, args []aotOperand) (string, bool) {
	var b strings.Builder
	names := []string{"a", "b", "c"}
	b.WriteString("{\n")
	for i, o := range args {
		if o.slot != "" {
			// Read even if every limb folded away (x&0).
			fmt.Fprintf(&b, "%s := %s\n_ = %s\n", names[i], o.slot, names[i])
		}
	}
	fmt.Fprintf(&b, "z := %s\n", dst)
	a := func(i int) string { return args[0].limb("a", i) }
	bb := func(i int) string { return args[1].limb("b", i) }
	setBool := func(cond string) {
		fmt.Fprintf(&b, "var r uint64\nif %s {\nr = 1\n}\nz[0], z[1], z[2], z[3] = r, 0, 0, 0\n", cond)
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
		b.WriteString("z[0], z[1], z[2], z[3] = z0, z1, z2, z3\n")
	case blocks.AND, blocks.OR, blocks.XOR:
		var limbs [4]string
		for i := range limbs {
			limbs[i] = bitwise(op, args, i)
		}
		fmt.Fprintf(&b, "z[0], z[1], z[2], z[3] = %s, %s, %s, %s\n", limbs[0], limbs[1], limbs[2], limbs[3])
	case blocks.NOT:
		fmt.Fprintf(&b, "z[0], z[1], z[2], z[3] = ^%s, ^%s, ^%s, ^%s\n", a(0), a(1), a(2), a(3))
	case blocks.ISZERO:
		setBool(fmt.Sprintf("%s|%s|%s|%s == 0", a(0), a(1), a(2), a(3)))
	case blocks.EQ:
		setBool(fmt.Sprintf("%s == %s && %s == %s && %s == %s && %s == %s", a(0), bb(0), a(1), bb(1), a(2), bb(2), a(3), bb(3)))
	case blocks.LT, blocks.GT:
		x, y := a, bb // LT: a < b; GT: b < a
		if op == blocks.GT {
			x, y = bb, a
		}
		fmt.Fprintf(&b, "_, k := bits.Sub64(%s, %s, 0)\n", x(0), y(0))
		fmt.Fprintf(&b, "_, k = bits.Sub64(%s, %s, k)\n", x(1), y(1))
		fmt.Fprintf(&b, "_, k = bits.Sub64(%s, %s, k)\n", x(2), y(2))
		fmt.Fprintf(&b, "_, k = bits.Sub64(%s, %s, k)\n", x(3), y(3))
		setBool("k != 0")
	case blocks.MUL:
		return renderMul(args, dst), true
	default:
		return "", false
	}
	b.WriteString("}\n")
	return b.String(), true
}

// renderMul renders z = a*b mod 2^256 over limbs (uint256's Mul: the
// partial products below 2^256, carried with bits.Mul64 and bits.Add64).
func renderMul(args []aotOperand, dst string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for i, o := range args {
		if o.slot != "" {
			fmt.Fprintf(&b, "%s := %s\n", []string{"a", "b"}[i], o.slot)
		}
	}
	// Read every limb first: z may be an operand's word.
	for i := range 4 {
		fmt.Fprintf(&b, "x%d, y%d := uint64(%s), uint64(%s)\n", i, i, args[0].limb("a", i), args[1].limb("b", i))
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
	fmt.Fprintf(&b, "z := %s\nz[0], z[1], z[2], z[3] = l0, l1, l2, l3\n}\n", dst)
	return b.String()
}

// renderShift renders z = a << k (left) or a >> k for a constant k < 256.
func renderShift(dst, src string, k uint, left bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\na, z := %s, %s\n", src, dst)
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
			limbs[i] = fmt.Sprintf("a[%d]", j)
		case left && next >= 0:
			limbs[i] = fmt.Sprintf("a[%d]<<%d | a[%d]>>%d", j, r, next, 64-r)
		case left:
			limbs[i] = fmt.Sprintf("a[%d]<<%d", j, r)
		case next <= 3:
			limbs[i] = fmt.Sprintf("a[%d]>>%d | a[%d]<<%d", j, r, next, 64-r)
		default:
			limbs[i] = fmt.Sprintf("a[%d]>>%d", j, r)
		}
	}
	fmt.Fprintf(&b, "_ = a\nz[0], z[1], z[2], z[3] = %s, %s, %s, %s\n}\n", limbs[0], limbs[1], limbs[2], limbs[3])
	return b.String()
}

// bitwise is limb i of AND, OR or XOR of two operands, a constant limb of
// all zeros or all ones folded (x&0 is 0, x|0 and x^0 are x, ...).
func bitwise(op blocks.Opcode, args []aotOperand, i int) string {
	x, y := args[0], args[1]
	xs, ys := x.limb("a", i), y.limb("b", i)
	if x.slot == "" { // the constant on the right
		x, y, xs, ys = y, x, ys, xs
	}
	if y.slot == "" {
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

// renderSwap exchanges words x and y limb by limb.
func renderSwap(x, y string) string {
	return fmt.Sprintf("{\nx, y := %s, %s\nx[0], x[1], x[2], x[3], y[0], y[1], y[2], y[3] = y[0], y[1], y[2], y[3], x[0], x[1], x[2], x[3]\n}\n", x, y)
}

// renderCopy copies word src to dst limb by limb (a struct assignment
// between pointers that may alias is a call to memmove).
func renderCopy(dst, src string) string {
	return fmt.Sprintf("{\nd, s := %s, %s\nd[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]\n}\n", dst, src)
}
