//go:build linux

#include "textflag.h"

// func Enter(entry, frame, resume uintptr)
//
// The 128-byte frame is the generated code's stack: NOSPLIT gives no stack
// check, so the linker must count what the code uses. ADJSP hands the frame
// over by moving SP up to the saved BP before the CALL (and records the move,
// so the unwinder's SP tables stay exact); the CALL's return address takes 8
// bytes, leaving StackBudget (120) below it. The prologue saves BP and the
// epilogue restores it.
TEXT ·Enter(SB), NOSPLIT, $128-24
	MOVQ entry+0(FP), AX
	MOVQ frame+8(FP), DI
	MOVQ resume+16(FP), SI
	ADJSP $-128
	CALL AX
	ADJSP $128
	RET
