// Package amd64 turns instructions into machine code that runs in this
// process. It owns only the machine-level mechanics; package translate owns
// what the instructions are.
//
// A program goes through these stages:
//
//  1. build: the caller appends golang-asm Progs through a Builder (Inst,
//     Jump, Call, Label, or Prog and Add for anything else);
//  2. assemble: Assemble checks the list for mistakes golang-asm would
//     encode silently, then runs golang-asm under a package lock (it keeps
//     package-level tables) with its diagnostics and panics turned into the
//     error; afterwards p.Pc is each Prog's offset in the code;
//  3. map: NewCode maps fresh pages read-write, copies the code in and makes
//     them read-execute, so no page is ever writable and executable at once;
//  4. enter: Enter, a small assembly trampoline, calls the code with the
//     caller's frame and a resume address in registers;
//  5. free: Code.Free unmaps it, or a runtime cleanup does once the Code is
//     unreachable, so a program dropped from a cache releases its pages.
//
// # Register and stack contract
//
// Enter calls the code with DI = frame (the address of the caller's frame
// object) and SI = resume (an address in the code, usually Code.Addr plus a
// Prog's Pc); the code returns with RET. It may clobber AX, BX, CX, DX, SI,
// DI, R8-R13, R15, X0-X14 and the flags. It must preserve SP and BP, leave the
// direction flag clear, and never touch R14 (the goroutine) or X15 (zero in
// Go's ABI). It never calls Go.
//
// The code runs on the goroutine stack with no stack check: Enter's 128-byte
// frame is handed to it, and below its return address it may use StackBudget
// (120) bytes for CALLs and PUSHes, a few call levels. It cannot be preempted
// or scanned by the garbage collector while it runs, so it must return to Go
// after a bounded amount of work.
package amd64
