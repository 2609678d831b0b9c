package translate

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/hyvm/hyvm/blocks"
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
	ax := reg(x86.REG_AX)
	switch in.op {
	case blocks.ADDRESS, blocks.CALLER:
		// 20 big-endian bytes: limb 0 is bytes 12-19, limb 1 bytes 4-11,
		// limb 2 bytes 0-3.
		at := int64(FrameAddressOffset)
		if in.op == blocks.CALLER {
			at = FrameCallerOffset
		}
		for l, off := range []int64{12, 4} {
			g.emit(x86.AMOVQ, frameField(at+off), ax)
			g.emit(x86.ABSWAPQ, obj.Addr{}, ax)
			g.emit(x86.AMOVQ, ax, limb(0, l))
		}
		g.emit(x86.AMOVL, frameField(at), ax)
		g.emit(x86.ABSWAPL, obj.Addr{}, ax)
		g.emit(x86.AMOVQ, ax, limb(0, 2))
		g.emit(x86.AMOVQ, imm(0), limb(0, 3))
	case blocks.CALLVALUE:
		g.copyWord(frameField(FrameValueOffset), frameField(FrameValueOffset+16))
	case blocks.CALLDATASIZE:
		g.pushUint64(frameField(FrameInputLenOffset))
	case blocks.PC:
		g.emit(x86.AMOVQ, imm(int64(in.pc)), ax)
		g.pushUint64(ax)
	case blocks.GAS:
		// What GAS observes is the gas left with the rest of the block's
		// constant gas, charged at entry, given back (withExactGas).
		g.emit(x86.AMOVQ, frameField(FrameGasOffset), ax)
		g.emit(x86.AADDQ, imm(int64(in.rest)), ax)
		g.pushUint64(ax)
	default:
		g.emit(x86.AMOVQ, frameField(FrameEnvOffset), reg(x86.REG_BX))
		off := envWords[in.op]
		g.copyWord(mem(x86.REG_BX, off), mem(x86.REG_BX, off+16))
	}
	g.moveSP(1)
}

// copyWord copies the word whose halves are lo and hi to the slot at the
// stack pointer.
func (g *nativeGen) copyWord(lo, hi obj.Addr) {
	g.emit(x86.AMOVOU, lo, reg(x86.REG_X0))
	g.emit(x86.AMOVOU, hi, reg(x86.REG_X1))
	g.emit(x86.AMOVOU, reg(x86.REG_X0), limb(0, 0))
	g.emit(x86.AMOVOU, reg(x86.REG_X1), limb(0, 2))
}

// pushUint64 stores the 64-bit v as the word at the stack pointer.
func (g *nativeGen) pushUint64(v obj.Addr) {
	if v.Type != obj.TYPE_REG {
		g.emit(x86.AMOVQ, v, reg(x86.REG_AX))
		v = reg(x86.REG_AX)
	}
	g.emit(x86.AMOVQ, v, limb(0, 0))
	for l := 1; l < 4; l++ {
		g.emit(x86.AMOVQ, imm(0), limb(0, l))
	}
}
