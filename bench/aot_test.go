package bench

import (
	"testing"

	"github.com/hyvm/hyvm/runtime"
)

// TestAOTCoversSuites checks that the hyvm-aot engine runs generated code
// where it should: every main-suite program and every contract the
// contracts suite deploys is registered under the hash of the code its
// runner calls, so TestEnginesAgree and BenchmarkEVM test and time the
// generated code there, not a translation.
func TestAOTCoversSuites(t *testing.T) {
	reg, err := AOTRegistry()
	if err != nil {
		t.Fatal(err)
	}
	cache := runtime.NewCache(0)
	for _, c := range loadSuite(t) {
		if c.Suite == "micro" {
			continue
		}
		r := newRunner(t, &c, EngineHyvmAOT, cache)
		hash := r.state.GetCodeHash(r.call.To)
		if name, ok := reg.Name(hash, Fork); !ok {
			t.Errorf("%s: the code it calls (%v) is not compiled ahead of time", c.Name(), hash)
		} else {
			t.Logf("%s: %s", c.Name(), name)
		}
	}
	if n := reg.Len(); n != 8+len(ContractNames) {
		t.Errorf("%d programs registered, want the 8 main programs and %d contracts", n, len(ContractNames))
	}
}
