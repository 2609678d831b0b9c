package difftest

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Asm assembles bytecode with forward and backward labels.
type Asm struct {
	code   []byte
	labels []int // code offset of each label's JUMPDEST; -1 until marked
	fixups []fixup
}

// fixup patches a PUSH2 immediate at offset at with a label's offset + add.
type fixup struct {
	at, label int
	add       uint64
}

// Op appends opcodes.
func (a *Asm) Op(ops ...blocks.Opcode) *Asm {
	for _, op := range ops {
		a.code = append(a.code, byte(op))
	}
	return a
}

// Raw appends bytes as they are.
func (a *Asm) Raw(b ...byte) *Asm { a.code = append(a.code, b...); return a }

// Push appends the shortest PUSH of v (PUSH0 for zero).
func (a *Asm) Push(v *uint256.Int) *Asm {
	if v.IsZero() {
		return a.Op(blocks.PUSH0)
	}
	b := v.Bytes()
	return a.PushBytes(b)
}

// PushU appends the shortest PUSH of x.
func (a *Asm) PushU(x uint64) *Asm { return a.Push(uint256.NewInt(x)) }

// PushBytes appends PUSHn b with n = len(b) (1..32).
func (a *Asm) PushBytes(b []byte) *Asm {
	a.code = append(a.code, byte(blocks.PUSH1)+byte(len(b)-1))
	a.code = append(a.code, b...)
	return a
}

// Label returns a new, not yet placed label.
func (a *Asm) Label() int {
	a.labels = append(a.labels, -1)
	return len(a.labels) - 1
}

// Mark places label l here, as a JUMPDEST.
func (a *Asm) Mark(l int) *Asm {
	a.labels[l] = len(a.code)
	return a.Op(blocks.JUMPDEST)
}

// PushLabel appends PUSH2 of label l's offset plus add.
func (a *Asm) PushLabel(l int, add uint64) *Asm {
	a.fixups = append(a.fixups, fixup{at: len(a.code) + 1, label: l, add: add})
	return a.Raw(byte(blocks.PUSH1)+1, 0, 0)
}

// Len returns the current code size.
func (a *Asm) Len() int { return len(a.code) }

// Bytes resolves the labels and returns the code. Unplaced labels resolve
// to offset 0xffff (an invalid destination).
func (a *Asm) Bytes() []byte {
	for _, f := range a.fixups {
		pc := uint64(0xffff)
		if a.labels[f.label] >= 0 {
			pc = uint64(a.labels[f.label])
		}
		v := pc + f.add
		a.code[f.at], a.code[f.at+1] = byte(v>>8), byte(v)
	}
	return a.code
}

// Disassemble renders code one instruction per line, for failure reports.
func Disassemble(code []byte) string {
	var s strings.Builder
	for pc := 0; pc < len(code); pc++ {
		op := blocks.Opcode(code[pc])
		name := op.Info().Name
		if name == "" {
			name = fmt.Sprintf("0x%02x", byte(op))
		}
		fmt.Fprintf(&s, "%5d %s", pc, name)
		if n := op.Info().Immediate; n > 0 {
			end := min(pc+1+n, len(code))
			fmt.Fprintf(&s, " 0x%x", code[pc+1:end])
			if end-pc-1 < n {
				s.WriteString(" (truncated)")
			}
			pc += n
		}
		s.WriteByte('\n')
	}
	return s.String()
}

// opcodesByName maps mnemonics to opcodes, for Assemble.
var opcodesByName = func() map[string]blocks.Opcode {
	m := make(map[string]blocks.Opcode)
	for i := range 256 {
		op := blocks.Opcode(i)
		if name := op.Info().Name; name != "" {
			m[name] = op
		}
	}
	return m
}()

// Assemble translates whitespace-separated mnemonics into bytecode, for
// hand-written programs:
//
//	PUSH1 0x2a   PUSHn takes the next token (hex or decimal), n bytes wide
//	PUSH 300     the shortest PUSH of the value (PUSH0 for zero)
//	loop:        a JUMPDEST labelled loop
//	@loop        PUSH2 of the label's offset
//	0xfe         raw bytes
//	; comment    up to the end of the line
func Assemble(src string) ([]byte, error) {
	var a Asm
	labels := make(map[string]int)
	label := func(name string) int {
		l, ok := labels[name]
		if !ok {
			l = a.Label()
			labels[name] = l
		}
		return l
	}
	var tokens []string
	for _, line := range strings.Split(src, "\n") {
		if i := strings.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		tokens = append(tokens, strings.Fields(line)...)
	}
	for i := 0; i < len(tokens); i++ {
		tok := tokens[i]
		switch {
		case strings.HasSuffix(tok, ":"):
			name := strings.TrimSuffix(tok, ":")
			if a.labels[label(name)] >= 0 {
				return nil, fmt.Errorf("label %q defined twice", name)
			}
			a.Mark(label(name))
		case strings.HasPrefix(tok, "@"):
			a.PushLabel(label(tok[1:]), 0)
		case strings.HasPrefix(tok, "0x"):
			b, err := hex.DecodeString(tok[2:])
			if err != nil {
				return nil, fmt.Errorf("raw bytes %q: %v", tok, err)
			}
			a.Raw(b...)
		case tok == "PUSH" || (strings.HasPrefix(tok, "PUSH") && tok != "PUSH0"):
			if i+1 == len(tokens) {
				return nil, fmt.Errorf("%s without a value", tok)
			}
			i++
			b, ok := new(big.Int).SetString(tokens[i], 0)
			if !ok || b.Sign() < 0 {
				return nil, fmt.Errorf("%s %q: not a number", tok, tokens[i])
			}
			v, overflow := uint256.FromBig(b)
			if overflow {
				return nil, fmt.Errorf("%s %q: over 256 bits", tok, tokens[i])
			}
			if tok == "PUSH" {
				a.Push(v)
				continue
			}
			op, ok := opcodesByName[tok]
			if !ok {
				return nil, fmt.Errorf("unknown opcode %q", tok)
			}
			n := op.Info().Immediate
			if v.BitLen() > 8*n {
				return nil, fmt.Errorf("%s %s: value too wide", tok, tokens[i])
			}
			w := v.Bytes32()
			a.PushBytes(w[32-n:])
		default:
			op, ok := opcodesByName[tok]
			if !ok {
				return nil, fmt.Errorf("unknown opcode %q", tok)
			}
			a.Op(op)
		}
	}
	for name, l := range labels {
		if a.labels[l] < 0 {
			return nil, fmt.Errorf("label %q used but not defined", name)
		}
	}
	return a.Bytes(), nil
}
