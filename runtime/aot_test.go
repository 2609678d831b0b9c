package runtime_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/runtime"
	"github.com/hyvm/hyvm/translate"
)

// aotMarker is a stand-in for generated code: it returns a word saying it
// ran, so a test sees which program ran.
func aotMarker(f *translate.Frame, x *translate.AOT) ([]byte, error) {
	return common.LeftPadBytes([]byte("aot"), 32), nil
}

// TestAOTRegistry checks what the runtime runs from a registry: the
// registered program for the code with its hash, a translation for other
// code and while tracing; a digest of another translator is refused; and
// 8 goroutines, each with its own EVM, run from one registry while it is
// added to (race-clean).
func TestAOTRegistry(t *testing.T) {
	code := common.FromHex("60206000f3") // RETURN(0, 32): a zero word
	other := common.FromHex("60206000f300")
	digest, err := translate.AOTDigest(code, blocks.Latest, false)
	if err != nil {
		t.Fatal(err)
	}
	reg := runtime.NewAOTRegistry()
	if err := reg.Add("marker", code, blocks.Latest, aotMarker, "0123"); err == nil {
		t.Fatal("a digest of another translator was registered")
	}
	if err := reg.Add("marker", code, blocks.Latest, aotMarker, digest); err != nil {
		t.Fatal(err)
	}
	if err := reg.Add("again", code, blocks.Latest, aotMarker, digest); err == nil {
		t.Error("the same code registered under a second name")
	}
	if err := reg.AddHash("hashed", other, crypto.Keccak256Hash(code).Hex(), blocks.Latest, aotMarker, digest); err == nil {
		t.Error("code registered under another code's hash")
	}
	run := func(c []byte, tracer *tracing.Hooks) string {
		st := runtime.NewMemoryState()
		to := common.HexToAddress("0xc0de")
		st.SetCode(to, c, tracing.CodeChangeUnspecified)
		evm := runtime.NewEVM(vm.BlockContext{BlockNumber: common.Big1, Difficulty: common.Big0, BaseFee: common.Big0,
			BlobBaseFee: common.Big0, Random: &common.Hash{}, GasLimit: 1e7}, st, blocks.Latest,
			runtime.Config{AOT: reg, Tracer: tracer})
		out, _, err := evm.Call(context.Background(), common.Address{1}, to, nil, 100_000, new(uint256.Int))
		if err != nil {
			t.Fatal(err)
		}
		return string(common.TrimLeftZeroes(out))
	}
	if got := run(code, nil); got != "aot" {
		t.Errorf("registered code ran %q, not the registered program", got)
	}
	if got := run(other, nil); got != "" {
		t.Errorf("other code ran %q", got)
	}
	if got := run(code, &tracing.Hooks{OnOpcode: func(uint64, byte, uint64, uint64, tracing.OpContext, []byte, int, error) {}}); got != "" {
		t.Errorf("traced, registered code ran %q, not its translation", got)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				if got := run(code, nil); got != "aot" {
					t.Errorf("goroutine %d: %q", i, got)
					return
				}
			}
		})
	}
	for i := range 20 {
		c := append(common.FromHex("60206000f3"), make([]byte, i+2)...)
		d, err := translate.AOTDigest(c, blocks.Latest, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := reg.Add(fmt.Sprint("c", i), c, blocks.Latest, aotMarker, d); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	if reg.Len() != 21 {
		t.Errorf("%d programs, want 21", reg.Len())
	}
}

// TestAOTGuest checks guest templates in a registry: a guest registered
// runs its program when HyVM is handed its bytes; other guests, the same
// bytes as a contract, and a traced run are translated; a contract's
// digest is refused for a guest.
func TestAOTGuest(t *testing.T) {
	guest := common.FromHex("60206000f3")
	other := common.FromHex("60206000f300")
	digest, err := translate.AOTDigest(guest, blocks.Latest, true)
	if err != nil {
		t.Fatal(err)
	}
	contractDigest, err := translate.AOTDigest(guest, blocks.Latest, false)
	if err != nil {
		t.Fatal(err)
	}
	if digest == contractDigest {
		t.Fatal("a guest's rendering has a contract's digest")
	}
	reg := runtime.NewAOTRegistry()
	if err := reg.AddGuest("marker", guest, blocks.Latest, aotMarker, contractDigest); err == nil {
		t.Fatal("a guest registered with a contract's digest")
	}
	if err := reg.AddGuest("marker", guest, blocks.Latest, aotMarker, digest); err != nil {
		t.Fatal(err)
	}
	if _, ok := reg.GuestName(crypto.Keccak256Hash(guest), blocks.Latest); !ok {
		t.Error("GuestName does not know the guest")
	}
	if _, ok := reg.Name(crypto.Keccak256Hash(guest), blocks.Latest); ok {
		t.Error("the guest is known as a contract")
	}
	hv := runtime.HyVMContract{Address: common.HexToAddress("0x47f"), CodeHash: crypto.Keccak256Hash([]byte("hyvm"))}
	host := common.HexToAddress("0x4057")
	run := func(g []byte, tracer *tracing.Hooks, asContract bool) string {
		st := runtime.NewMemoryState()
		st.SetCode(hv.Address, []byte("hyvm"), tracing.CodeChangeUnspecified)
		evm := runtime.NewEVM(vm.BlockContext{BlockNumber: common.Big1, Difficulty: common.Big0, BaseFee: common.Big0,
			BlobBaseFee: common.Big0, Random: &common.Hash{}, GasLimit: 1e7}, st, blocks.Latest,
			runtime.Config{AOT: reg, Tracer: tracer, HyVM: []runtime.HyVMContract{hv}})
		var out []byte
		var err error
		if asContract {
			st.SetCode(host, g, tracing.CodeChangeUnspecified)
			out, _, err = evm.Call(context.Background(), common.Address{1}, host, nil, 100_000, new(uint256.Int))
		} else {
			out, _, err = evm.RunGuest(context.Background(), runtime.GuestCall{HyVM: hv.Address, Host: host, Caller: common.Address{1}, Gas: 100_000}, g)
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(common.TrimLeftZeroes(out))
	}
	if got := run(guest, nil, false); got != "aot" {
		t.Errorf("the registered guest ran %q, not its program", got)
	}
	if got := run(other, nil, false); got != "" {
		t.Errorf("another guest ran %q", got)
	}
	if got := run(guest, nil, true); got != "" {
		t.Errorf("the guest's bytes as a contract ran %q", got)
	}
	if got := run(guest, &tracing.Hooks{OnOpcode: func(uint64, byte, uint64, uint64, tracing.OpContext, []byte, int, error) {}}, false); got != "" {
		t.Errorf("traced, the registered guest ran %q, not its translation", got)
	}
}
