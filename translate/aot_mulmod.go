package translate

import "github.com/holiman/uint256"

// Mulmod is MULMOD's core for generated code: by the modulus whose
// reciprocal the frame keeps (weierstrudel's field prime, every time) it
// goes to uint256 without coreMulmod's call.
func (x *AOT) Mulmod(f *Frame, z, a, b, m *uint256.Int) {
	if memo := &f.mulmod; m[3] != 0 && memo.m == *m {
		z.MulModWithReciprocal(a, b, m, &memo.mu)
		return
	}
	coreMulmod(f, z, a, b, m)
}
