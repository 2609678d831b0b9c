package prof

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hyvm/hyvm/blocks"
)

// SourceFile is one Solidity source of a compilation: its id in source
// maps, its name and text, and its functions' byte ranges.
type SourceFile struct {
	ID        int
	Name      string
	Content   []byte
	Functions []Function
}

// Function is a function or modifier of a source: Contract.name and the
// bytes it spans.
type Function struct {
	Name          string
	Start, Length int
}

// SourceMap maps a contract's runtime code to its Solidity sources, from
// solc's source map of that code (evm.deployedBytecode.sourceMap).
type SourceMap struct {
	instr   []int // pc → instruction index (-1 inside push data)
	entries []srcEntry
	files   map[int]*sourceIndex
}

type srcEntry struct{ start, length, file int }

type sourceIndex struct {
	*SourceFile
	lineStarts []int
}

// Source is where a pc's instruction comes from.
type Source struct {
	File     string // a .sol file, or the compiler's own (#utility.yul)
	Line     int    // 1-based
	Function string // Contract.function, or the file's contract-level code
}

// NewSourceMap parses srcmap (solc's s:l:f:j:m entries, one per
// instruction of code) over the given sources.
func NewSourceMap(code []byte, srcmap string, files []SourceFile) (*SourceMap, error) {
	m := &SourceMap{files: map[int]*sourceIndex{}}
	for i := range files {
		f := &files[i]
		idx := &sourceIndex{SourceFile: f, lineStarts: []int{0}}
		for j, b := range f.Content {
			if b == '\n' {
				idx.lineStarts = append(idx.lineStarts, j+1)
			}
		}
		m.files[f.ID] = idx
	}
	var prev srcEntry
	for i, item := range strings.Split(strings.TrimSpace(srcmap), ";") {
		fields := strings.Split(item, ":")
		e := prev
		for k, dst := range []*int{&e.start, &e.length, &e.file} {
			if k < len(fields) && fields[k] != "" {
				v, err := strconv.Atoi(fields[k])
				if err != nil {
					return nil, fmt.Errorf("prof: source map entry %d: %w", i, err)
				}
				*dst = v
			}
		}
		m.entries = append(m.entries, e)
		prev = e
	}
	m.instr = make([]int, len(code))
	n := 0
	for pc := 0; pc < len(code); pc++ {
		m.instr[pc] = n
		if op := blocks.Opcode(code[pc]); op.IsPush() {
			n := op.Info().Immediate
			for k := 1; k <= n && pc+k < len(code); k++ {
				m.instr[pc+k] = -1
			}
			pc += n
		}
		n++
	}
	return m, nil
}

// At returns the source of the instruction at pc, if the source map gives
// one.
func (m *SourceMap) At(pc uint64) (Source, bool) {
	if pc >= uint64(len(m.instr)) || m.instr[pc] < 0 || m.instr[pc] >= len(m.entries) {
		return Source{}, false
	}
	e := m.entries[m.instr[pc]]
	f := m.files[e.file]
	if f == nil || e.start < 0 || e.start > len(f.Content) {
		return Source{}, false // solc maps it to no source (-1): the dispatcher, the metadata
	}
	line := sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > e.start })
	src := Source{File: f.Name, Line: line, Function: f.Name}
	best := -1
	for i, fn := range f.Functions {
		if fn.Start <= e.start && e.start < fn.Start+fn.Length && (best < 0 || fn.Length < f.Functions[best].Length) {
			best = i
		}
	}
	if best >= 0 {
		src.Function = f.Functions[best].Name
	}
	return src, true
}
