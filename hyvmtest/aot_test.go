package hyvmtest

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hyvm/hyvm/hyvmtest/aotguests"
	"github.com/hyvm/hyvm/runtime"
)

// TestVectorsAOT runs the vectors whose guests package aotguests compiled
// ahead of time (AOTGuests) with those guests registered: the generated Go
// must give every field the real HyVM gave, as the other tiers do.
// (runtime's TestAOTGuest shows a registered guest is what runs.)
func TestVectorsAOT(t *testing.T) {
	path := sharedVectors(t)
	guests, fork, err := AOTGuests(path)
	if err != nil {
		t.Fatal(err)
	}
	code := map[string][]byte{}
	for _, g := range guests {
		code[g.Name] = g.Code
	}
	reg := runtime.NewAOTRegistry()
	if err := aotguests.Register(reg, func(name string) ([]byte, error) {
		if c, ok := code[name]; ok {
			return c, nil
		}
		return nil, fmt.Errorf("no guest %s in %s", name, path)
	}); err != nil {
		t.Fatalf("%v (run go generate ./hyvmtest/aotguests)", err)
	}
	compiled := func(c *Case) bool {
		_, ok := reg.GuestName(crypto.Keccak256Hash(c.Code), fork)
		return ok
	}
	passed := runTier(t, path, tier{aot: reg, only: compiled})
	if passed < len(guests) {
		t.Errorf("%d cases ran, fewer than the %d guests compiled", passed, len(guests))
	}
	t.Logf("%d cases of %d guests compiled ahead of time", passed, len(guests))
}
