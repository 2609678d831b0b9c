package runtime

import (
	"bytes"
	"context"
	goruntime "runtime"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// returnWord is code returning the 32-byte word v: PUSH32 v PUSH0 MSTORE
// PUSH1 32 PUSH0 RETURN.
func returnWord(v byte) []byte {
	code := []byte{0x7f}
	code = append(code, bytes.Repeat([]byte{v}, 32)...)
	return append(code, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3)
}

// TestDroppedEVMFramesAreRecycled checks that the frame of an EVM nobody
// holds goes back to idleFrames once it is collected (so frames keep no
// pointer to their EVM), that the next EVM takes that very frame, and that
// the output of the dropped EVM's last call, which aliased the frame's
// buffer, is not overwritten when it does.
func TestDroppedEVMFramesAreRecycled(t *testing.T) {
	for idleFrames.get() != nil { // start from an empty store
	}
	// Room for this test's EVM among those that recycle their frames:
	// other tests' dropped EVMs give theirs back after a collection.
	for deadline := time.Now().Add(10 * time.Second); recycling.Load() >= maxRecycling; {
		if time.Now().After(deadline) {
			t.Fatalf("%d EVMs still wait to recycle their frames", recycling.Load())
		}
		goruntime.GC()
		time.Sleep(time.Millisecond)
	}
	st := NewMemoryState()
	addr := common.HexToAddress("0xc0de")
	call := func(code []byte) ([]byte, *translate.Frame) {
		st.SetCode(addr, code, tracing.CodeChangeUnspecified)
		e := NewEVM(vm.BlockContext{}, st, blocks.Latest, Config{})
		ret, _, err := e.Call(context.Background(), common.Address{}, addr, nil, 100_000, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ret, e.fs.frames[0]
	}
	kept, frame := call(returnWord(0xaa))
	want := bytes.Clone(kept)

	idle := func() bool {
		idleFrames.mu.Lock()
		defer idleFrames.mu.Unlock()
		return slices.Contains(idleFrames.idle, frame)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !idle() {
		if time.Now().After(deadline) {
			t.Fatal("the frame of a dropped EVM was never recycled: something in it keeps the EVM alive")
		}
		goruntime.GC() // the dropped EVM's cleanup runs after a collection
		time.Sleep(time.Millisecond)
	}
	for idleFrames.get() != frame { // others' frames, from EVMs collected meanwhile
	}
	idleFrames.put(frame)
	got, reused := call(returnWord(0x11))
	if reused != frame {
		t.Fatal("the next EVM did not take the recycled frame")
	}
	if !bytes.Equal(got, bytes.Repeat([]byte{0x11}, 32)) {
		t.Fatalf("the EVM on the recycled frame returned %x", got)
	}
	if !bytes.Equal(kept, want) {
		t.Fatalf("the output of a dropped EVM's call changed to %x when its frame was reused", kept)
	}
}

// TestOneShotEVMsKeepHeapBounded makes a new EVM for every call, as
// go-ethereum's users make one per transaction, and checks what a
// collection then finds live: the frames of dropped EVMs waiting for
// their cleanup count as live until it runs, so without a bound on the
// EVMs that recycle theirs the heap grew with every collection (one-shot
// calls in a loop settled at 300-400 MB).
func TestOneShotEVMsKeepHeapBounded(t *testing.T) {
	st := NewMemoryState()
	addr := common.HexToAddress("0xc0de")
	st.SetCode(addr, returnWord(0x42), tracing.CodeChangeUnspecified)
	cache := NewCache(0)
	for range 20_000 {
		e := NewEVM(vm.BlockContext{}, st, blocks.Latest, Config{Cache: cache})
		if _, _, err := e.Call(context.Background(), common.Address{}, addr, nil, 100_000, nil); err != nil {
			t.Fatal(err)
		}
	}
	goruntime.GC() // one collection: what is waiting for a cleanup is still live
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	t.Logf("%.1f MB live after 20000 one-shot EVMs; %d waiting to recycle their frames", float64(m.HeapAlloc)/(1<<20), recycling.Load())
	if n := recycling.Load(); n > maxRecycling {
		t.Errorf("%d EVMs wait to recycle their frames, over the bound %d", n, maxRecycling)
	}
	if m.HeapAlloc > 32<<20 {
		t.Errorf("%.1f MB live after 20000 one-shot EVMs", float64(m.HeapAlloc)/(1<<20))
	}
}
