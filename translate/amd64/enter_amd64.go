//go:build linux

package amd64

// Supported reports whether this build can run generated code.
const Supported = true

// Enter calls the generated code at entry with frame in DI and resume in SI,
// and returns when that code executes RET. It is the assembly function itself
// (enter_amd64.s), so a frame written as uintptr(unsafe.Pointer(f)) in the
// call keeps f alive and in place until Enter returns; the *Code holding
// entry must be kept alive by the caller (runtime.KeepAlive).
//
// The generated code may clobber AX, BX, CX, DX, SI, DI, R8-R13, R15, X0-X14
// and the flags; it preserves SP and BP, leaves the direction flag clear,
// never touches R14 (g) or X15 and never calls Go. It runs on the goroutine
// stack with StackBudget bytes below its return address for CALLs and PUSHes.
func Enter(entry, frame, resume uintptr)
