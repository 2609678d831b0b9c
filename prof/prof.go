package prof

import (
	"encoding/binary"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/google/pprof/profile"
)

// Options configure a Profiler.
type Options struct {
	// Names gives contracts function names (a token's symbol, "router");
	// others are named by address.
	Names map[common.Address]string
	// SourceMaps maps contracts' pcs to Solidity files, lines and
	// functions: their locations are then source lines of functions named
	// Contract.function, as pprof shows Go code.
	SourceMaps map[common.Address]*SourceMap
}

// Profiler collects the samples of the runs it traces. It is not safe for
// concurrent use: give each EVM its own and Merge their profiles.
type Profiler struct {
	opts    Options
	frames  []frame
	samples map[string]*sample
	key     []byte // scratch for sample keys
}

// frame is one call being run.
type frame struct {
	code   common.Address // whose code runs (for DELEGATECALL, the callee)
	prefix []byte         // the key of the callers' stack, which is fixed while the frame runs
	pc     uint64         // the instruction running, or the call made from it
	spent  uint64         // gas attributed so far: instructions and callees
	callAt *sample        // the sample of the call instruction (not a creation) that entered the next frame
}

// sample is one call stack's totals.
type sample struct {
	stack       []loc // outermost first
	gas, instrs int64
}

// loc is one pc of one contract's code.
type loc struct {
	code common.Address
	pc   uint64
}

// New returns a Profiler.
func New(opts Options) *Profiler {
	return &Profiler{opts: opts, samples: map[string]*sample{}}
}

// Hooks returns the tracing hooks that feed p.
func (p *Profiler) Hooks() *tracing.Hooks {
	return &tracing.Hooks{OnEnter: p.onEnter, OnExit: p.onExit, OnOpcode: p.onOpcode}
}

func (p *Profiler) onEnter(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
	if n := len(p.frames); n > 0 {
		// The caller's call instruction was charged the gas it forwards,
		// which the callee's samples account for as far as it uses it. A
		// value transfer's stipend is in gas too: the 9,000 the transfer
		// costs pay for it, so the call keeps 6,700 of them.
		if s := p.frames[n-1].callAt; s != nil {
			s.gas -= int64(gas)
			p.frames[n-1].spent -= gas
		}
	}
	var prefix []byte
	if n := len(p.frames); n > 0 {
		parent := &p.frames[n-1]
		prefix = appendLoc(append([]byte(nil), parent.prefix...), parent.code, parent.pc)
	}
	p.frames = append(p.frames, frame{code: to, prefix: prefix})
}

func (p *Profiler) onExit(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	n := len(p.frames)
	if n == 0 {
		return
	}
	f := p.frames[n-1]
	p.frames = p.frames[:n-1]
	if gasUsed > f.spent {
		// Used beyond its instructions: burnt by an exceptional halt,
		// a code deposit, a precompile's price.
		p.at(f.pc, &f).gas += int64(gasUsed - f.spent)
	}
	if n > 1 {
		p.frames[n-2].spent += gasUsed
		p.frames[n-2].callAt = nil
	}
}

func (p *Profiler) onOpcode(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
	n := len(p.frames)
	if n == 0 {
		return // a run not entered through a frame hook
	}
	f := &p.frames[n-1]
	f.pc = pc
	s := p.at(pc, f)
	s.gas += int64(cost)
	s.instrs++
	f.spent += cost
	switch vm.OpCode(op) {
	case vm.CALL, vm.CALLCODE, vm.DELEGATECALL, vm.STATICCALL:
		// A creation's cost does not include the gas it passes on
		// (go-ethereum takes that from the frame when it runs it).
		f.callAt = s
	default:
		f.callAt = nil
	}
}

// at returns the sample of f's stack (its callers', then f at pc). The
// key is built in a scratch buffer: looking up a sample seen before
// allocates nothing.
func (p *Profiler) at(pc uint64, f *frame) *sample {
	p.key = appendLoc(append(p.key[:0], f.prefix...), f.code, pc)
	if s := p.samples[string(p.key)]; s != nil {
		return s
	}
	s := &sample{}
	for k := 0; k < len(p.key); k += locSize {
		var l loc
		copy(l.code[:], p.key[k:])
		l.pc = binary.BigEndian.Uint64(p.key[k+common.AddressLength:])
		s.stack = append(s.stack, l)
	}
	p.samples[string(p.key)] = s
	return s
}

// locSize is the size of a loc in a key.
const locSize = common.AddressLength + 8

// appendLoc appends a loc's key to key.
func appendLoc(key []byte, code common.Address, pc uint64) []byte {
	return binary.BigEndian.AppendUint64(append(key, code[:]...), pc)
}

// Gas returns the gas of every sample, which adds up to the gas of the
// outermost frames traced.
func (p *Profiler) Gas() uint64 {
	var total int64
	for _, s := range p.samples {
		total += s.gas
	}
	return uint64(total)
}

// Profile returns the samples as a pprof profile: sample types gas (gas)
// and instructions (count), a location per contract and pc whose function
// is the contract, stacks leaf first as pprof wants them.
func (p *Profiler) Profile() *profile.Profile {
	prof := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "gas", Unit: "gas"}, {Type: "instructions", Unit: "count"}},
		PeriodType: &profile.ValueType{Type: "gas", Unit: "gas"},
		Period:     1,
	}
	type funcKey struct{ name, file string }
	funcs := map[funcKey]*profile.Function{}
	locs := map[loc]*profile.Location{}
	mappings := map[common.Address]*profile.Mapping{}
	keys := make([]string, 0, len(p.samples))
	for k := range p.samples {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same runs give the same bytes
	for _, k := range keys {
		s := p.samples[k]
		ps := &profile.Sample{Value: []int64{s.gas, s.instrs}}
		for i := len(s.stack) - 1; i >= 0; i-- {
			l := s.stack[i]
			pl := locs[l]
			if pl == nil {
				m := mappings[l.code]
				if m == nil {
					m = &profile.Mapping{ID: uint64(len(mappings) + 1), File: l.code.Hex(), HasFunctions: true, HasLineNumbers: true}
					mappings[l.code] = m
					prof.Mapping = append(prof.Mapping, m)
				}
				// Without a source map the function is the contract and the
				// line number the pc (pprof -lines lists them).
				name, file, line := p.name(l.code), l.code.Hex(), int64(l.pc)
				if sm := p.opts.SourceMaps[l.code]; sm != nil {
					if src, ok := sm.At(l.pc); ok {
						name, file, line = src.Function, src.File, int64(src.Line)
					}
				}
				fk := funcKey{name, file}
				fn := funcs[fk]
				if fn == nil {
					fn = &profile.Function{ID: uint64(len(funcs) + 1), Name: name, SystemName: name, Filename: file}
					funcs[fk] = fn
					prof.Function = append(prof.Function, fn)
				}
				pl = &profile.Location{ID: uint64(len(locs) + 1), Mapping: m, Address: l.pc, Line: []profile.Line{{Function: fn, Line: line}}}
				locs[l] = pl
				prof.Location = append(prof.Location, pl)
			}
			ps.Location = append(ps.Location, pl)
		}
		prof.Sample = append(prof.Sample, ps)
	}
	return prof
}

func (p *Profiler) name(a common.Address) string {
	if n, ok := p.opts.Names[a]; ok {
		return n
	}
	return a.Hex()
}
