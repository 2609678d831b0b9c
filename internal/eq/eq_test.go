package eq

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestAgainstEquality compares every function with Go's == on values that
// differ in each single byte, so a word left out of a comparison fails.
func TestAgainstEquality(t *testing.T) {
	var h common.Hash
	var a common.Address
	for i := range common.HashLength {
		for _, v := range []byte{1, 0x80} {
			g := h
			g[i] = v
			if Hash(&h, &g) != (h == g) || Hash(&g, &g) != true {
				t.Fatalf("Hash wrong for a difference in byte %d", i)
			}
			if ZeroHash(&g) != (g == common.Hash{}) {
				t.Fatalf("ZeroHash wrong for byte %d set", i)
			}
			if i < common.AddressLength {
				b := a
				b[i] = v
				if Address(&a, &b) != (a == b) || !Address(&b, &b) {
					t.Fatalf("Address wrong for a difference in byte %d", i)
				}
			}
		}
	}
	if !ZeroHash(&h) {
		t.Fatal("ZeroHash of zero")
	}
}
