package translate

import "github.com/holiman/uint256"

// mulmodMemo keeps the reciprocal of the last large MULMOD modulus: code
// doing modular arithmetic uses one modulus throughout, and computing the
// reciprocal dominates uint256's MulMod.
type mulmodMemo struct {
	m  uint256.Int
	mu [5]uint64
}

// mulMod sets z to x*y mod m, as uint256's MulMod does.
func (f *Frame) mulMod(z, x, y, m *uint256.Int) {
	if m[3] == 0 { // uint256 uses the reciprocal only for moduli >= 2^192
		z.MulMod(x, y, m)
		return
	}
	memo := &f.mulmod
	if memo.m != *m {
		memo.m, memo.mu = *m, uint256.Reciprocal(m)
	}
	z.MulModWithReciprocal(x, y, m, &memo.mu)
}
