//go:build linux && amd64

package amd64_test

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/hyvm/hyvm/translate/amd64"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// Assemble a function that triples frame.in into frame.out, map it and run it.
func Example() {
	type frame struct{ in, out uint64 }
	ax := amd64.Reg(x86.REG_AX)
	machine, err := amd64.Assemble(func(b *amd64.Builder) error {
		b.Inst(x86.AMOVQ, amd64.Mem(x86.REG_DI, 0), ax)                     // MOVQ 0(DI), AX
		b.Inst(x86.ALEAQ, amd64.MemIndex(x86.REG_AX, x86.REG_AX, 2, 0), ax) // LEAQ (AX)(AX*2), AX
		b.Inst(x86.AMOVQ, ax, amd64.Mem(x86.REG_DI, 8))                     // MOVQ AX, 8(DI)
		b.Inst(obj.ARET, obj.Addr{}, obj.Addr{})
		return nil
	})
	if err != nil {
		panic(err)
	}
	code, err := amd64.NewCode(machine)
	if err != nil {
		panic(err)
	}
	defer code.Free()

	f := frame{in: 14}
	amd64.Enter(code.Addr(), uintptr(unsafe.Pointer(&f)), 0)
	runtime.KeepAlive(code) // the code must stay mapped while it runs
	fmt.Println(f.out)
	// Output: 42
}
