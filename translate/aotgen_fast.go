package translate

import (
	"fmt"
	"strings"

	"github.com/hyvm/hyvm/blocks"
)

// Fast paths of the cores, written out where they hold, the core (as
// slowCore renders it) where they do not: a call is not inlined into a
// function as large as a contract's, and for the common words the cores
// spend most of their time around the arithmetic.
//
// DIV, SDIV, MOD and SMOD of words that fit one limb (for the signed
// ones, whose upper limbs are limb 0's sign) are one machine division
// (snailtracer's fixed-point SDIVs, signs taken off and put back around
// uint256's Div, were 18% of its run).

// aotDivOps are the instructions renderDiv writes a fast path for.
var aotDivOps = map[blocks.Opcode]bool{blocks.DIV: true, blocks.SDIV: true, blocks.MOD: true, blocks.SMOD: true}

// renderDiv renders op (a divided by b, ops in pop order) to the locals
// z: one limb's division where it covers the words, else core, a format
// of slowCore's.
func (r *aotRenderer) renderDiv(g *aotRegs, op blocks.Opcode, dst int32, z [4]string, ops []aotOperand, core string) string {
	var b strings.Builder
	a, d := ops[0].l, ops[1].l
	// Locals even for a constant, whose literal Go would not convert to
	// int64 when it has the sign bit set.
	fmt.Fprintf(&b, "{\na0, a1, a2, a3 := uint64(%s), uint64(%s), uint64(%s), uint64(%s)\n", a[0], a[1], a[2], a[3])
	fmt.Fprintf(&b, "b0, b1, b2, b3 := uint64(%s), uint64(%s), uint64(%s), uint64(%s)\n", d[0], d[1], d[2], d[3])
	var fast [4]string
	switch op {
	case blocks.DIV, blocks.MOD:
		fmt.Fprintf(&b, "if a1|a2|a3|b1|b2|b3 == 0 && b0 != 0 {\n")
		sym := map[blocks.Opcode]string{blocks.DIV: "/", blocks.MOD: "%"}[op]
		fast = [4]string{"a0 " + sym + " b0", "0", "0", "0"}
	default:
		// Both one limb sign-extended, b not zero, and a not -2^63,
		// whose quotient by -1 (2^63) int64 does not hold; Go's / and %
		// truncate towards zero as SDIV and SMOD do.
		fmt.Fprintf(&b, "sa, sb := uint64(int64(a0)>>63), uint64(int64(b0)>>63)\n")
		fmt.Fprintf(&b, "if a1 == sa && a2 == sa && a3 == sa && b1 == sb && b2 == sb && b3 == sb && b0 != 0 && a0 != 1<<63 {\n")
		sym := map[blocks.Opcode]string{blocks.SDIV: "/", blocks.SMOD: "%"}[op]
		fmt.Fprintf(&b, "q := uint64(int64(a0) %s int64(b0))\ns := uint64(int64(q) >> 63)\n", sym)
		fast = [4]string{"q", "s", "s", "s"}
	}
	fmt.Fprintf(&b, "%s} else %s}\n", assign(z, fast), r.slowCore(g, core, dst, z, ops))
	return b.String()
}

// renderAddmod renders ADDMOD (a + b) mod m to the locals z: by a power
// of two, the sum's low bits (blake2b adds 64-bit words modulo 2^64 from
// the stack); with a and b below m, the sum less m if it is at least m
// (weierstrudel's field additions); else core, a format of slowCore's.
func (r *aotRenderer) renderAddmod(g *aotRegs, dst int32, z [4]string, ops []aotOperand, core string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for i, v := range []string{"a", "b", "m"} {
		l := ops[i].l
		fmt.Fprintf(&b, "%s0, %s1, %s2, %s3 := uint64(%s), uint64(%s), uint64(%s), uint64(%s)\n", v, v, v, v, l[0], l[1], l[2], l[3])
	}
	// The sum's 257 bits: s and the carry c.
	b.WriteString("s0, c := bits.Add64(a0, b0, 0)\ns1, c := bits.Add64(a1, b1, c)\ns2, c := bits.Add64(a2, b2, c)\ns3, c := bits.Add64(a3, b3, c)\n")
	for _, v := range []string{"a", "b"} { // l_: 1 if the operand is below m
		fmt.Fprintf(&b, "_, l%s := bits.Sub64(%s0, m0, 0)\n_, l%s = bits.Sub64(%s1, m1, l%s)\n_, l%s = bits.Sub64(%s2, m2, l%s)\n_, l%s = bits.Sub64(%s3, m3, l%s)\n", v, v, v, v, v, v, v, v, v, v, v)
	}
	b.WriteString("if bits.OnesCount64(m0)+bits.OnesCount64(m1)+bits.OnesCount64(m2)+bits.OnesCount64(m3) == 1 {\n")
	b.WriteString("k0, k := bits.Sub64(m0, 1, 0)\nk1, k := bits.Sub64(m1, 0, k)\nk2, k := bits.Sub64(m2, 0, k)\nk3, _ := bits.Sub64(m3, 0, k)\n")
	b.WriteString(assign(z, [4]string{"s0 & k0", "s1 & k1", "s2 & k2", "s3 & k3"}))
	b.WriteString("} else if la&lb != 0 {\n")
	b.WriteString("t0, k := bits.Sub64(s0, m0, 0)\nt1, k := bits.Sub64(s1, m1, k)\nt2, k := bits.Sub64(s2, m2, k)\nt3, k := bits.Sub64(s3, m3, k)\n")
	b.WriteString("if c != 0 || k == 0 {\ns0, s1, s2, s3 = t0, t1, t2, t3\n}\n")
	b.WriteString(assign(z, [4]string{"s0", "s1", "s2", "s3"}))
	fmt.Fprintf(&b, "} else %s}\n", r.slowCore(g, core, dst, z, ops))
	return b.String()
}
