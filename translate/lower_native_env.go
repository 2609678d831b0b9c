package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate/amd64"
)

// Instructions that push a value of the frame or of the block in machine
// code: the frame's address, caller, value and input size, the block's
// words (Env), PC and GAS, each read at its ABI offset (abi.go) into the
// slot at the stack pointer, which then moves up.

// envWords are the instructions pushing one of Env's words, by offset.
var envWords = map[blocks.Opcode]int64{
	blocks.NUMBER: EnvNumberOffset, blocks.TIMESTAMP: EnvTimestampOffset,
	blocks.GASLIMIT: EnvGasLimitOffset, blocks.BASEFEE: EnvBaseFeeOffset,
	blocks.CHAINID: EnvChainIDOffset,
}

// pushes reports whether in is a push this file lowers.
func pushes(in *irInstr) bool {
	if in.form != irStack {
		return false
	}
	switch in.op {
	case blocks.GAS:
		return in.pre == preExactGas
	case blocks.ADDRESS, blocks.CALLER, blocks.CALLVALUE, blocks.CALLDATASIZE, blocks.PC:
		return in.pre == 0
	}
	_, ok := envWords[in.op]
	return ok && in.pre == 0
}

// push lowers one of the instructions pushes accepts.
func (g *nativeGen) push(in *irInstr) {
	ax := amd64.Reg(x86.REG_AX)
	switch in.op {
	case blocks.ADDRESS, blocks.CALLER:
		// 20 big-endian bytes: limb 0 is bytes 12-19, limb 1 bytes 4-11,
		// limb 2 bytes 0-3.
		at := int64(FrameAddressOffset)
		if in.op == blocks.CALLER {
			at = FrameCallerOffset
		}
		for l, off := range []int64{12, 4} {
			g.b.Inst(x86.AMOVQ, frameField(at+off), ax)
			g.b.Inst(x86.ABSWAPQ, obj.Addr{}, ax)
			g.b.Inst(x86.AMOVQ, ax, limb(0, l))
		}
		g.b.Inst(x86.AMOVL, frameField(at), ax)
		g.b.Inst(x86.ABSWAPL, obj.Addr{}, ax)
		g.b.Inst(x86.AMOVQ, ax, limb(0, 2))
		g.b.Inst(x86.AMOVQ, amd64.Imm(0), limb(0, 3))
	case blocks.CALLVALUE:
		g.copyWord(frameField(FrameValueOffset), frameField(FrameValueOffset+16))
	case blocks.CALLDATASIZE:
		g.pushUint64(frameField(FrameInputLenOffset))
	case blocks.PC:
		g.b.Inst(x86.AMOVQ, amd64.Imm(int64(in.pc)), ax)
		g.pushUint64(ax)
	case blocks.GAS:
		// What GAS observes is the gas left with the rest of the block's
		// constant gas, charged at entry, given back (withExactGas).
		g.b.Inst(x86.AMOVQ, frameField(FrameGasOffset), ax)
		g.b.Inst(x86.AADDQ, amd64.Imm(int64(in.rest)), ax)
		g.pushUint64(ax)
	default:
		g.b.Inst(x86.AMOVQ, frameField(FrameEnvOffset), amd64.Reg(x86.REG_BX))
		off := envWords[in.op]
		g.copyWord(amd64.Mem(x86.REG_BX, off), amd64.Mem(x86.REG_BX, off+16))
	}
	g.moveSP(1)
}

// copyWord copies the word whose halves are lo and hi to the slot at the
// stack pointer.
func (g *nativeGen) copyWord(lo, hi obj.Addr) {
	g.b.Inst(x86.AMOVOU, lo, amd64.Reg(x86.REG_X0))
	g.b.Inst(x86.AMOVOU, hi, amd64.Reg(x86.REG_X1))
	g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X0), limb(0, 0))
	g.b.Inst(x86.AMOVOU, amd64.Reg(x86.REG_X1), limb(0, 2))
}

// pushUint64 stores the 64-bit v as the word at the stack pointer.
func (g *nativeGen) pushUint64(v obj.Addr) {
	if v.Type != obj.TYPE_REG {
		g.b.Inst(x86.AMOVQ, v, amd64.Reg(x86.REG_AX))
		v = amd64.Reg(x86.REG_AX)
	}
	g.b.Inst(x86.AMOVQ, v, limb(0, 0))
	for l := 1; l < 4; l++ {
		g.b.Inst(x86.AMOVQ, amd64.Imm(0), limb(0, l))
	}
}
