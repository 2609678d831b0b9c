package runtime

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
)

var (
	memoHyVM  = common.HexToAddress("0xa8f29a314c03dfa414c06a257daf50494d1a28f6")
	memoHost  = common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	memoOwner = common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")
)

// loopingCaller returns a guest that copies inner (appended to its own
// code) to memory 0 and DELEGATECALLs HyVM with it times times; with
// mutate, it writes a byte inside the inner guest's bytes after each call.
func loopingCaller(inner []byte, times uint16, mutate bool) []byte {
	n := len(inner)
	u24 := func(v int) []byte { return []byte{byte(v >> 16), byte(v >> 8), byte(v)} }
	var g []byte
	g = append(g, 0x62)
	g = append(g, u24(n)...)
	g = append(g, 0x62)
	start := len(g)
	g = append(g, 0, 0, 0, 0x5f, 0x39) // CODECOPY(0, start of inner, n), start patched below
	g = append(g, 0x61, byte(times>>8), byte(times))
	loop := len(g)
	g = append(g, 0x5b, 0x5f, 0x5f, 0x62)
	g = append(g, u24(n)...)
	g = append(g, 0x5f, 0x73)
	g = append(g, memoHyVM[:]...)
	g = append(g, 0x5a, 0xf4, 0x50) // GAS DELEGATECALL POP
	if mutate {
		g = append(g, 0x80, 0x60, 0x05, 0x53) // mstore8(5, counter): inside the inner guest
	}
	g = append(g, 0x60, 0x01, 0x90, 0x03, 0x80, 0x61, byte(loop>>8), byte(loop), 0x57, 0x00)
	copy(g[start:], u24(len(g)))
	return append(g, inner...)
}

// runMemoGuest runs guest through HyVM on a fresh state with 30M gas and
// returns the EVM and the gas used.
func runMemoGuest(t testing.TB, guest []byte) (*EVM, uint64) {
	t.Helper()
	st := NewMemoryState()
	st.SetNonce(memoHyVM, 1, tracing.NonceChangeUnspecified)
	block := vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000, Difficulty: new(big.Int), BaseFee: new(big.Int)}
	evm := NewEVM(block, st, blocks.Prague, Config{HyVM: []HyVMContract{{Address: memoHyVM, CodeHash: common.Hash{1}}}})
	_, left, err := evm.RunGuest(context.Background(), GuestCall{HyVM: memoHyVM, Host: memoHost, Caller: memoOwner, Gas: 30_000_000, Depth: 1}, guest)
	if err != nil {
		t.Fatalf("outer guest: %v", err)
	}
	return evm, 30_000_000 - left
}

// A guest that runs the same nested guest again and again from unchanged
// memory hashes and looks it up once; one that writes into the nested
// guest's bytes between runs gets a fresh translation every time.
func TestNestedGuestMemo(t *testing.T) {
	inner := make([]byte, 1<<20) // STOP, then a megabyte of zeros
	evm, _ := runMemoGuest(t, loopingCaller(inner, 50, false))
	if evm.guests.misses != 1 || evm.guests.hits != 49 {
		t.Errorf("unchanged memory: %d memo hits, %d misses; want 49 and 1", evm.guests.hits, evm.guests.misses)
	}
	evm, _ = runMemoGuest(t, loopingCaller(inner, 50, true))
	if evm.guests.misses != 50 || evm.guests.hits != 0 {
		t.Errorf("memory written between calls: %d memo hits, %d misses; want 0 and 50", evm.guests.hits, evm.guests.misses)
	}
}

// BenchmarkNestedGuest runs a guest that calls a nested guest 10,000 times
// (16M to 18M gas), the nested guest 32 bytes or 1 MB long: ns/gas must not
// grow with the nested guest's size beyond the one-time costs of a large
// payload (hashing and copying it once, 2.3M gas of memory for it).
func BenchmarkNestedGuest(b *testing.B) {
	for _, size := range []int{32, 1 << 20} {
		guest := loopingCaller(make([]byte, size), 10_000, false)
		b.Run(map[int]string{32: "32B", 1 << 20: "1MB"}[size], func(b *testing.B) {
			var gas uint64
			for b.Loop() {
				_, gas = runMemoGuest(b, guest)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(gas), "ns/gas")
		})
	}
}
