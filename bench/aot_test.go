package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/hyvmstate"
)

// TestAOTCoversSuites checks that the hyvm-aot engine runs generated code
// where it should: every main-suite program and every contract the
// contracts suite deploys is registered under the hash of the code its
// runner calls (and the HyVM payloads as guests: checkPayload), so TestEnginesAgree and BenchmarkEVM test and time the
// generated code there, not a translation.
func TestAOTCoversSuites(t *testing.T) {
	reg := testAOT(t)
	code := testCode(t)
	for _, c := range loadSuite(t) {
		if c.Suite == "micro" {
			continue
		}
		r := newRunner(t, &c, EngineHyvmAOT, code)
		hash := r.state.GetCodeHash(r.call.To)
		if name, ok := reg.Name(hash, Fork); !ok {
			t.Errorf("%s: the code it calls (%v) is not compiled ahead of time", c.Name(), hash)
		} else {
			t.Logf("%s: %s", c.Name(), name)
		}
	}
	payloads, err := HyVMPayloads()
	if err != nil {
		t.Fatal(err)
	}
	if n := reg.Len(); n != 8+len(ContractNames)+len(payloads) {
		t.Errorf("%d programs registered, want the 8 main programs, %d contracts and %d HyVM payloads", n, len(ContractNames), len(payloads))
	}
}

// TestAOTEffects runs every main and contracts case once on the generated
// code and once on closures and compares what a benchmark run does not
// look at: the logs and every change to the state (balances, nonces,
// code, storage), besides status, output and gas.
func TestAOTEffects(t *testing.T) {
	code := testCode(t)
	effects := func(c *Case, engine string) string {
		r := newRunner(t, c, engine, code)
		ov := r.state.(*hyvmstate.Overlay)
		mark := ov.Snapshot()
		value := r.call.Value
		if value == nil {
			value = new(uint256.Int)
		}
		out, left, err := r.machine.Call(context.Background(), Sender, r.call.To, r.call.Input, c.Gas, value)
		var logs strings.Builder
		for _, l := range ov.Logs() {
			fmt.Fprintf(&logs, "%v %v %x; ", l.Address, l.Topics, l.Data)
		}
		diff, _ := json.Marshal(ov.DiffSince(mark))
		return fmt.Sprintf("out %x gas %d err %v logs [%s] diff %s", out, c.Gas-left, err, logs.String(), diff)
	}
	for _, c := range loadSuite(t) {
		if c.Suite == "micro" {
			continue
		}
		aot, closures := effects(&c, EngineHyvmAOT), effects(&c, EngineHyvmClosure)
		if c.Benchmark == "router_swap" {
			t.Logf("%s: %d logs, diff of %d bytes", c.Name(), strings.Count(aot, "; "), len(aot)-strings.Index(aot, " diff "))
		}
		if aot != closures {
			t.Errorf("%s:\nAOT      %.600s\nclosures %.600s", c.Name(), aot, closures)
		}
	}
}
