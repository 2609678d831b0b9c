package runtime

import (
	"bytes"
	"context"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/blocks"
)

// returnWord is code returning the 32-byte word v: PUSH32 v PUSH0 MSTORE
// PUSH1 32 PUSH0 RETURN.
func returnWord(v byte) []byte {
	code := []byte{0x7f}
	code = append(code, bytes.Repeat([]byte{v}, 32)...)
	return append(code, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3)
}

// TestDroppedEVMFramesAreRecycled checks that the frames of an EVM nobody
// holds go back to idleFrames once it is collected (so frames keep no
// pointer to their EVM), and that the output of its last call, which
// aliased a frame's buffer, is not overwritten when other EVMs reuse them.
func TestDroppedEVMFramesAreRecycled(t *testing.T) {
	for idleFrames.get() != nil { // start from an empty store
	}
	st := NewMemoryState()
	addr := common.HexToAddress("0xc0de")
	st.SetCode(addr, returnWord(0xaa), tracing.CodeChangeUnspecified)
	call := func(code []byte) []byte {
		st.SetCode(addr, code, tracing.CodeChangeUnspecified)
		e := NewEVM(vm.BlockContext{}, st, blocks.Latest, Config{})
		ret, _, err := e.Call(context.Background(), common.Address{}, addr, nil, 100_000, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ret
	}
	kept := call(returnWord(0xaa))
	want := bytes.Clone(kept)

	deadline := time.Now().Add(10 * time.Second)
	for {
		goruntime.GC() // the dropped EVM's cleanup runs after a collection
		time.Sleep(time.Millisecond)
		if f := idleFrames.get(); f != nil {
			idleFrames.put(f)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the frames of a dropped EVM were never recycled: something in them keeps the EVM alive")
		}
	}
	for i := range 100 { // EVMs taking the recycled frames
		if got := call(returnWord(byte(i))); !bytes.Equal(got, bytes.Repeat([]byte{byte(i)}, 32)) {
			t.Fatalf("call %d returned %x", i, got)
		}
	}
	if !bytes.Equal(kept, want) {
		t.Fatalf("the output of a dropped EVM's call changed to %x when its frames were reused", kept)
	}
}
