package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

// HyVM guests in machine code: the same sweep and lowering as a contract's
// (native.go, lower_native.go) over guest blocks (hyvm_compile.go), with
// HyVM's control flow. A jump is valid when the byte at its destination is
// 0x5b and lands one past it; HyVM prices it by outcome (guestJumpExtra,
// charged here on top of the block's gas); a bad one is revert(0, 0). The
// sweep compiles the 0x5b bytes that are instructions, each a block of its
// own, so a jump to one lands at the next block. A 0x5b inside PUSH data
// is a valid destination too, where the sweep compiled nothing: such a
// jump, rare outside adversarial code, leaves to Go (ExitGuestJump,
// ExitGuestEnter) and the frame goes on in closures, as it would have run
// there.

// guestTakeStatic takes a guest's static jump, after the jump checks.
func (g *nativeGen) guestTakeStatic(h *blockHead) {
	g.charge(guestJumpExtra(h.term == blocks.JumpI, h.destOK))
	switch {
	case !h.destOK:
		g.b.Jump(obj.AJMP, g.halt(ExitGuestAbort))
	case g.guestDests.Has(uint64(h.dest - 1)):
		g.b.Jump(obj.AJMP, g.blockLabel(h.dest))
	default: // into PUSH data
		g.b.Inst(x86.AMOVL, amd64.Imm(int64(h.dest)), frameField(FrameExitOffset+ExitPCOffset))
		g.b.Jump(obj.AJMP, g.halt(ExitGuestEnter))
	}
}

// guestJumpStub returns the stub by which a guest's dynamic JUMP (or
// JUMPI) the jump table does not resolve leaves to Go.
func (g *nativeGen) guestJumpStub(jumpi bool) *obj.Prog {
	k := 0
	if jumpi {
		k = 1
	}
	if g.guestJump[k] == nil {
		l := g.label()
		g.guestJump[k] = l
		g.coldCode = append(g.coldCode, func() {
			g.b.Add(l)
			g.b.Inst(x86.AMOVL, amd64.Imm(int64(k)), frameField(FrameExitOffset+ExitPCOffset))
			g.b.Jump(obj.AJMP, g.halt(ExitGuestJump))
		})
	}
	return g.guestJump[k]
}

// charge takes gas from the frame, halting out of gas if there is less.
func (g *nativeGen) charge(gas uint64) {
	if gas == 0 {
		return
	}
	g.b.Inst(x86.ACMPQ, frameField(FrameGasOffset), amd64.Imm(int64(gas)))
	g.b.Jump(x86.AJCS, g.halt(ExitOutOfGas))
	g.b.Inst(x86.ASUBQ, amd64.Imm(int64(gas)), frameField(FrameGasOffset))
}
