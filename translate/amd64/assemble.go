package amd64

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"github.com/twitchyliquid64/golang-asm/objabi"
)

// asmLock guards golang-asm's package-level state: x86.instinit fills shared
// tables on first use and the assembler reads them while it runs.
var asmLock sync.Mutex

// errAbort is what our DiagFlush panics with: golang-asm calls DiagFlush just
// before log.Fatalf on some bad input, and the panic stops it exiting the
// process.
var errAbort = errors.New("aborted")

// Assemble builds a program with a fresh golang-asm context and returns its
// machine code. Afterwards every Prog added has its final offset in p.Pc.
// Diagnostics and panics of golang-asm come back as the error; nothing is
// printed.
func Assemble(build func(b *Builder) error) ([]byte, error) {
	var diags []string
	a, ctxt := newContext(&diags)
	b := &Builder{ctxt: ctxt}
	if err := build(b); err != nil {
		return nil, fmt.Errorf("amd64: assemble: %w", err)
	}
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("amd64: assemble: %w", err)
	}
	s := &obj.LSym{Func: &obj.FuncInfo{Text: b.first}}
	if err := locked(func() { a.Assemble(ctxt, s, ctxt.NewProg) }); err != nil && len(diags) == 0 {
		return nil, fmt.Errorf("amd64: assemble: %w", err)
	}
	switch {
	case len(diags) == 1:
		return nil, fmt.Errorf("amd64: assemble: %s", diags[0])
	case len(diags) > 1:
		return nil, fmt.Errorf("amd64: assemble: %s (and %d more)", diags[0], len(diags)-1)
	}
	if err := b.patchCalls(s); err != nil {
		return nil, fmt.Errorf("amd64: assemble: %w", err)
	}
	return s.P, nil
}

// newContext replicates golangasm.NewBuilder, except that diagnostics are
// collected into diags instead of printed, and that it takes x86.Linkamd64
// directly: arch.Set("amd64") returns the same LinkArch but first builds the
// name tables of the assembler's parser, 15 times the cost of assembling a
// small program.
func newContext(diags *[]string) (*obj.LinkArch, *obj.Link) {
	asmLock.Lock()
	defer asmLock.Unlock()
	a := &x86.Linkamd64
	ctxt := obj.Linknew(a)
	ctxt.Headtype = objabi.Hlinux
	ctxt.DiagFunc = func(format string, args ...any) {
		*diags = append(*diags, clean(fmt.Sprintf(format, args...)))
		if format == "span must be looping" { // span6 calls log.Fatalf next
			panic(errAbort)
		}
	}
	ctxt.DiagFlush = func() { panic(errAbort) }
	a.Init(ctxt)
	return a, ctxt
}

// locked calls f under the lock and turns a panic into an error.
func locked(f func()) (err error) {
	asmLock.Lock()
	defer asmLock.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	f()
	return nil
}

// patchCalls writes the rel32 of each Call. Besides them golang-asm only
// leaves zero-size R_CALLIND markers (CALL through a register or memory);
// any other relocation would be code left unfinished.
func (b *Builder) patchCalls(s *obj.LSym) error {
	var rels []obj.Reloc
	for _, r := range s.R {
		if r.Siz != 0 {
			rels = append(rels, r)
		}
	}
	if len(rels) != len(b.calls) {
		return fmt.Errorf("%d relocations, want %d (one per Call)", len(rels), len(b.calls))
	}
	for i, c := range b.calls {
		at := c.call.Pc + 1
		if c.call.Isize != 5 || s.P[c.call.Pc] != 0xE8 || int64(rels[i].Off) != at {
			return fmt.Errorf("%s: unexpected CALL encoding", clean(c.call.InstructionString()))
		}
		rel := c.target.Pc - (c.call.Pc + 5)
		binary.LittleEndian.PutUint32(s.P[at:], uint32(int32(rel)))
	}
	return nil
}

// clean drops the "(<unknown line number>)" golang-asm prints for Progs
// without a source position, and its tabs.
func clean(msg string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(msg, "(<unknown line number>)", "")), " ")
}
