package prof

import (
	"encoding/binary"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
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
	// Compilation gives source maps to the contracts SourceMaps leaves
	// out whose code it compiled (and their contract names, unless Names
	// has one).
	Compilation *Compilation
	// ByBlock attributes each instruction to the basic block it ran in (a
	// location per block start: the frame's first instruction, a JUMPDEST,
	// the instruction after a JUMPI), not to its own pc.
	ByBlock bool
	// Time adds a third sample type, time (nanoseconds): instructions'
	// durations from a monotonic clock, including this profiler's own
	// cost per instruction (compare within a profile, not with untraced
	// runs). TimeEvery > 1 times one instruction in TimeEvery on average,
	// at a pseudo-random stride so loops are not sampled in step, each
	// timed one standing for the instructions of its stride; 0 or 1 times
	// every instruction. Without Time the clock is never read.
	Time      bool
	TimeEvery int
}

// Profiler collects the samples of the runs it traces. It is not safe for
// concurrent use: give each EVM its own and Merge their profiles.
type Profiler struct {
	opts    Options
	frames  []frame
	samples map[sampleKey]*sample
	// prefixes numbers the callers' stacks met (their keys: the locs,
	// outermost first), so that a sample is found by a fixed-size key
	// whatever the depth; prefixKeys holds them by number.
	prefixes   map[string]int32
	prefixKeys []string
	codes      map[common.Address][]byte // each code address's code, as first run
	clock      clock
}

// frame is one call being run.
type frame struct {
	code   common.Address // whose code runs (for DELEGATECALL, the callee)
	prefix int32          // the number of the callers' stack, which is fixed while the frame runs
	pc     uint64         // the instruction running, or the call made from it
	spent  uint64         // gas attributed so far: instructions and callees
	callAt *sample        // the sample of the call instruction (not a creation) that entered the next frame
	block  uint64         // the start of the basic block running (ByBlock)
	ran    bool           // an instruction has run
	jumped bool           // the last instruction was a JUMPI or JUMP: the next starts a block
}

// sampleKey finds a sample: the callers' stack's number, the code and pc.
type sampleKey struct {
	prefix int32
	code   common.Address
	pc     uint64
}

// sample is one call stack's totals.
type sample struct {
	key               string // the stack's locs, for a stable order
	stack             []loc  // outermost first
	gas, instrs, nsec int64
}

// loc is one pc of one contract's code.
type loc struct {
	code common.Address
	pc   uint64
}

// New returns a Profiler.
func New(opts Options) *Profiler {
	p := &Profiler{opts: opts, samples: map[sampleKey]*sample{}, codes: map[common.Address][]byte{},
		prefixes: map[string]int32{"": 0}, prefixKeys: []string{""}}
	p.clock.every = max(opts.TimeEvery, 1)
	p.clock.seed = 0x9e3779b97f4a7c15
	return p
}

// Hooks returns the tracing hooks that feed p.
func (p *Profiler) Hooks() *tracing.Hooks {
	return &tracing.Hooks{OnEnter: p.onEnter, OnExit: p.onExit, OnOpcode: p.onOpcode}
}

func (p *Profiler) onEnter(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
	if p.opts.Time {
		p.clock.stop() // the call instruction's time ends as the callee starts
	}
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
	var prefix int32
	if n := len(p.frames); n > 0 {
		parent := &p.frames[n-1]
		at := parent.pc
		if p.opts.ByBlock {
			at = parent.block
		}
		key := appendLoc([]byte(p.prefixKeys[parent.prefix]), parent.code, at)
		var ok bool
		if prefix, ok = p.prefixes[string(key)]; !ok {
			prefix = int32(len(p.prefixKeys))
			p.prefixes[string(key)] = prefix
			p.prefixKeys = append(p.prefixKeys, string(key))
		}
	}
	p.frames = append(p.frames, frame{code: to, prefix: prefix})
}

func (p *Profiler) onExit(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	n := len(p.frames)
	if n == 0 {
		return
	}
	if p.opts.Time {
		p.clock.stop() // the last instruction's time ends with its frame
	}
	f := p.frames[n-1]
	p.frames = p.frames[:n-1]
	if gasUsed > f.spent {
		// Used beyond its instructions: burnt by an exceptional halt,
		// a code deposit, a precompile's price.
		at := f.pc
		if p.opts.ByBlock {
			at = f.block
		}
		p.at(at, &f).gas += int64(gasUsed - f.spent)
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
	if !f.ran {
		f.ran = true
		if _, ok := p.codes[f.code]; !ok {
			p.codes[f.code] = scope.ContractCode()
		}
		f.block = pc
	}
	f.pc = pc
	at := pc
	if p.opts.ByBlock {
		if f.jumped || vm.OpCode(op) == vm.JUMPDEST {
			f.block = pc
		}
		f.jumped = vm.OpCode(op) == vm.JUMP || vm.OpCode(op) == vm.JUMPI
		at = f.block
	}
	s := p.at(at, f)
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
	if p.opts.Time {
		p.clock.tick(s)
	}
}

// at returns the sample of f's stack (its callers', then f at pc), found
// by a fixed-size key: a sample seen before costs one lookup, whatever the
// depth, and allocates nothing.
func (p *Profiler) at(pc uint64, f *frame) *sample {
	k := sampleKey{f.prefix, f.code, pc}
	if s := p.samples[k]; s != nil {
		return s
	}
	key := appendLoc([]byte(p.prefixKeys[f.prefix]), f.code, pc)
	s := &sample{key: string(key)}
	for i := 0; i < len(key); i += locSize {
		var l loc
		copy(l.code[:], key[i:])
		l.pc = binary.BigEndian.Uint64(key[i+common.AddressLength:])
		s.stack = append(s.stack, l)
	}
	p.samples[k] = s
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

// Profile returns the samples as a pprof profile: sample types gas (gas),
// instructions (count) and, with Options.Time, time (nanoseconds); a
// mapping per code (its build ID the code hash); a location per contract
// and pc (or block) whose function is the contract, or the Solidity
// function and line where a source map covers the pc; stacks leaf first
// as pprof wants them.
func (p *Profiler) Profile() *profile.Profile {
	prof := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "gas", Unit: "gas"}, {Type: "instructions", Unit: "count"}},
		PeriodType: &profile.ValueType{Type: "gas", Unit: "gas"},
		Period:     1,
	}
	if p.opts.Time {
		prof.SampleType = append(prof.SampleType, &profile.ValueType{Type: "time", Unit: "nanoseconds"})
	}
	type funcKey struct{ name, file string }
	funcs := map[funcKey]*profile.Function{}
	locs := map[loc]*profile.Location{}
	mappings := map[common.Hash]*profile.Mapping{}
	contracts := map[common.Address]*contract{}
	ordered := make([]*sample, 0, len(p.samples))
	for _, s := range p.samples {
		ordered = append(ordered, s)
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].key < ordered[j].key }) // the same runs give the same bytes
	for _, s := range ordered {
		ps := &profile.Sample{Value: []int64{s.gas, s.instrs}}
		if p.opts.Time {
			ps.Value = append(ps.Value, s.nsec)
		}
		for i := len(s.stack) - 1; i >= 0; i-- {
			l := s.stack[i]
			pl := locs[l]
			if pl == nil {
				c := contracts[l.code]
				if c == nil {
					c = p.contract(l.code)
					contracts[l.code] = c
				}
				m := mappings[c.hash]
				if m == nil {
					m = &profile.Mapping{ID: uint64(len(mappings) + 1), File: c.name, BuildID: c.hash.Hex(), Limit: uint64(c.size), HasFunctions: true, HasLineNumbers: true}
					mappings[c.hash] = m
					prof.Mapping = append(prof.Mapping, m)
				}
				// Without a source map the function is the contract and the
				// line number the pc (pprof -lines lists them).
				name, file, line := c.name, l.code.Hex(), int64(l.pc)
				if c.srcmap != nil {
					if src, ok := c.srcmap.At(l.pc); ok {
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

// contract is what a profile says of a code address.
type contract struct {
	name   string
	hash   common.Hash // of its code
	size   int
	srcmap *SourceMap
}

// contract names the code at a (Options.Names, else the contract the
// compilation matched, else the address) and finds its source map.
func (p *Profiler) contract(a common.Address) *contract {
	code := p.codes[a]
	c := &contract{name: a.Hex(), hash: crypto.Keccak256Hash(code), size: len(code), srcmap: p.opts.SourceMaps[a]}
	if p.opts.Compilation != nil && c.srcmap == nil {
		if m, name, ok := p.opts.Compilation.SourceMap(code); ok {
			c.srcmap, c.name = m, name
		}
	}
	if n, ok := p.opts.Names[a]; ok {
		c.name = n
	}
	return c
}
