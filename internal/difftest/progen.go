package difftest

import (
	"fmt"
	"math/rand/v2"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// The generator builds programs from fragments: small, mostly stack-neutral
// snippets that each exercise one family of instructions and store their
// results where the comparison sees them (memory that is returned, storage,
// transient storage, logs). Structured fragments (conditionals, loops,
// jumps) nest other fragments. The stack height is tracked statically, so
// stack errors happen only where a fragment means them to.

// Memory layout shared by generated programs.
const (
	outputArea  = 256   // [0, outputArea) is returned by the usual RETURN
	createdSlot = 0x300 // memory word holding the last created address
	stageArea   = 0x400 // initcode and precompile input are staged here
)

// Opcodes the blocks package does not name.
const (
	opPUSH2 = blocks.PUSH1 + 1
	opLOG1  = blocks.LOG0 + 1
)

type profile int

const (
	profMain   profile = iota // the contract under test
	profCallee                // a callee: shorter, cheaper calls
	profInit                  // initcode of a nested creation
)

// gen generates one program.
type gen struct {
	r     *rand.Rand
	a     Asm
	fork  blocks.Fork
	prof  profile
	level int // creation nesting: initcode of initcode has level 2
	depth int // stack height at this point of the code
	// wild scales how often operands are extreme enough to halt the
	// frame (huge memory offsets, oversized initcode): 0 for many
	// programs, so that most run to their end.
	wild int
	nest int // conditional and loop nesting
	done bool
}

// Generate returns the random case for seed. The fork rotates with the seed.
func Generate(seed uint64) *Case {
	r := rand.New(rand.NewPCG(seed, 0x6469666674657374))
	forks := blocks.Forks()
	c := &Case{Name: fmt.Sprintf("seed-%d", seed), Fork: forks[seed%uint64(len(forks))]}
	for i := range c.Callees {
		if r.IntN(8) != 0 {
			c.Callees[i] = newGen(r, c.Fork, profCallee, 0).program(1 + r.IntN(6))
		}
	}
	c.Create = r.IntN(12) == 0
	prof := profMain
	if c.Create {
		prof = profInit
	}
	c.Code = newGen(r, c.Fork, prof, 0).program(3 + r.IntN(30))
	c.Input = randBytes(r, []int{0, 0, 4, 32, 36, 68, 100}[r.IntN(7)])
	c.Gas = gasLimit(r)
	if r.IntN(5) == 0 {
		c.Value = []uint64{1, 1000, 1e18}[r.IntN(3)]
	}
	c.Traced = r.IntN(8) == 0
	if !c.Create && r.IntN(20) == 0 { // a top-level call to another kind of account
		to := append(append([]common.Address(nil), pool...), precompileAddrs...)[r.IntN(len(pool)+len(precompileAddrs))]
		c.To = &to
		if r.IntN(2) == 0 {
			c.Input = randBytes(r, r.IntN(300))
		}
	}
	c.ValueOverBalance = r.IntN(200) == 0
	if r.IntN(10) == 0 {
		c.AccessList = types.AccessList{
			{Address: Target, StorageKeys: []common.Hash{uint256.NewInt(uint64(r.IntN(6))).Bytes32()}},
			{Address: Callees[r.IntN(len(Callees))]},
		}
	}
	return c
}

// GenerateFromBytes returns a case whose code is data itself, for fuzzing
// raw bytecode; the seed picks fork, gas and callees.
func GenerateFromBytes(seed uint64, data []byte) *Case {
	c := Generate(seed)
	c.Name = fmt.Sprintf("raw-%d", seed)
	c.Code = data
	c.Create = false
	return c
}

func gasLimit(r *rand.Rand) uint64 {
	switch n := r.IntN(100); {
	case n < 20: // tight: runs out at different points
		return uint64(r.IntN(30_000))
	case n < 50:
		return 30_000 + uint64(r.IntN(270_000))
	case n < 92:
		return 300_000 + uint64(r.IntN(1_700_000))
	default:
		return 2_000_000 + uint64(r.IntN(8_000_000))
	}
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func newGen(r *rand.Rand, fork blocks.Fork, prof profile, level int) *gen {
	return &gen{r: r, fork: fork, prof: prof, level: level, wild: []int{0, 0, 1, 1, 2}[r.IntN(5)]}
}

// extreme reports whether an operand should be extreme this time.
func (g *gen) extreme() bool { return g.wild > 0 && g.pick(30) < g.wild }

// program emits n fragments and a terminator and returns the code.
func (g *gen) program(n int) []byte {
	for i := 0; i < n && !g.done; i++ {
		g.fragment()
	}
	if !g.done {
		g.terminator()
	}
	return g.a.Bytes()
}

// emit appends op and tracks its stack effect.
func (g *gen) emit(ops ...blocks.Opcode) {
	for _, op := range ops {
		g.a.Op(op)
		info := op.Info()
		g.depth += info.Pushes - info.Pops
	}
}

func (g *gen) push(v *uint256.Int) { g.a.Push(v); g.depth++ }
func (g *gen) pushU(x uint64)      { g.push(uint256.NewInt(x)) }
func (g *gen) pushAddr(a common.Address) {
	g.a.PushBytes(a[:])
	g.depth++
}
func (g *gen) pushLabel(l int, add uint64) { g.a.PushLabel(l, add); g.depth++ }

func (g *gen) pick(n int) int    { return g.r.IntN(n) }
func (g *gen) chance(n int) bool { return g.r.IntN(n) == 0 }

// value returns an interesting word.
func (g *gen) value() *uint256.Int {
	v := new(uint256.Int)
	switch g.pick(14) {
	case 0:
	case 1:
		v.SetOne()
	case 2, 3:
		v.SetUint64(uint64(g.pick(256)))
	case 4:
		v.SetAllOne()
	case 5:
		v.Lsh(uint256.NewInt(1), 255)
	case 6:
		v.Lsh(uint256.NewInt(1), 255)
		v.SubUint64(v, 1)
	case 7:
		v.SetBytes(randBytes(g.r, 32))
	case 8:
		v.SetUint64(g.r.Uint64())
	case 9:
		v.Lsh(uint256.NewInt(1), uint(g.pick(256)))
	case 10:
		v.SetAllOne()
		v.SubUint64(v, uint64(g.pick(40)))
	case 11:
		v.SetUint64([]uint64{31, 32, 33, 64, 255, 256, 257}[g.pick(7)])
	case 12:
		a := g.address()
		v.SetBytes(a[:])
	default:
		v.SetBytes(randBytes(g.r, 1+g.pick(8)))
	}
	return v
}

// pool lists the accounts programs interact with.
var pool = []common.Address{
	Target, CalleeA, CalleeB, CalleeC, Reverter, Empty, Delegated, DelegatedToPrecompile,
	DelegatedTwice, Missing, Poor, Sender, Coinbase,
}

// precompileAddrs spans every fork's precompiles (and some just above).
var precompileAddrs = func() []common.Address {
	var as []common.Address
	for i := 1; i <= 0x12; i++ {
		as = append(as, common.BytesToAddress([]byte{byte(i)}))
	}
	return append(as, common.BytesToAddress([]byte{1, 0}), common.BytesToAddress([]byte{1, 1}))
}()

func (g *gen) address() common.Address {
	switch n := g.pick(20); {
	case n < 4:
		return Callees[g.pick(len(Callees))]
	case n < 14:
		return pool[g.pick(len(pool))]
	case n < 18:
		return precompileAddrs[g.pick(len(precompileAddrs))]
	default:
		return common.BytesToAddress(randBytes(g.r, 20))
	}
}

// pushAddress pushes a call or account target: an address of the pool,
// the last created one, or an address word with garbage above bit 160.
func (g *gen) pushAddress() {
	switch g.pick(12) {
	case 0:
		g.pushU(createdSlot)
		g.emit(blocks.MLOAD)
	case 1:
		a := g.address()
		v := new(uint256.Int).SetBytes(randBytes(g.r, 32))
		v.Lsh(v, 160)
		v.Or(v, new(uint256.Int).SetBytes(a[:]))
		g.push(v)
	case 2:
		g.emit(blocks.ADDRESS)
	default:
		g.pushAddr(g.address())
	}
}

// offset returns a memory offset: usually small, sometimes expensive,
// sometimes beyond what any gas can pay or address.
func (g *gen) offset() *uint256.Int {
	if g.extreme() {
		switch g.pick(4) {
		case 0:
			return uint256.NewInt(1<<20 + uint64(g.pick(1<<24)))
		case 1:
			return uint256.NewInt(0x1FFFFFFFE0 - uint64(g.pick(64)))
		default:
			return []*uint256.Int{uint256.NewInt(1 << 32), uint256.NewInt(1<<64 - 1), new(uint256.Int).Lsh(uint256.NewInt(1), 64), new(uint256.Int).SetAllOne()}[g.pick(4)]
		}
	}
	if g.chance(8) {
		return uint256.NewInt(1100 + uint64(g.pick(70_000)))
	}
	return uint256.NewInt(uint64(g.pick(1100)))
}

// size returns a memory region size, often zero (free even at huge offsets).
func (g *gen) size() *uint256.Int {
	switch n := g.pick(100); {
	case n < 15:
		return new(uint256.Int)
	case n < 75:
		return uint256.NewInt(uint64(1 + g.pick(96)))
	case n < 90:
		return uint256.NewInt(uint64(g.pick(2000)))
	case n < 95:
		return uint256.NewInt(uint64(g.pick(70_000)))
	default:
		return g.offset()
	}
}

// region pushes size then offset, so the offset is on top. Mostly small.
func (g *gen) region() {
	if g.chance(4) {
		g.push(g.size())
		g.push(g.offset())
		return
	}
	g.pushU(uint64(g.pick(97)))
	g.pushU(uint64(g.pick(300)))
}

// sink consumes the top of the stack where its value stays observable.
func (g *gen) sink() {
	switch n := g.pick(20); {
	case n < 12:
		g.pushU(uint64(32 * g.pick(outputArea/32)))
		g.emit(blocks.MSTORE)
	case n < 14:
		g.emit(blocks.POP)
	case n < 16:
		g.pushU(uint64(8 + g.pick(4)))
		g.emit(blocks.SSTORE)
	case n < 18:
		g.pushU(uint64(g.pick(4)))
		g.emit(blocks.TSTORE)
	default:
		g.pushU(uint64(g.pick(64)))
		g.pushU(uint64(g.pick(outputArea)))
		g.emit(opLOG1)
	}
}

// fragment emits one fragment chosen by the profile's weights.
func (g *gen) fragment() {
	type frag struct {
		w  [3]int // weight for main, callee, init
		fn func()
	}
	frags := []frag{
		{[3]int{14, 10, 10}, g.arith},
		{[3]int{6, 6, 5}, g.memory},
		{[3]int{4, 2, 3}, g.copies},
		{[3]int{8, 8, 6}, g.env},
		{[3]int{8, 8, 6}, g.storage},
		{[3]int{4, 4, 3}, g.transient},
		{[3]int{12, 4, 4}, g.call},
		{[3]int{2, 1, 1}, g.precompileCall},
		{[3]int{5, 1, 2}, g.create},
		{[3]int{4, 4, 3}, g.log},
		{[3]int{3, 2, 2}, g.returnData},
		{[3]int{4, 2, 2}, g.jumpOver},
		{[3]int{3, 2, 2}, g.dynamicJump},
		{[3]int{6, 3, 3}, g.conditional},
		{[3]int{4, 2, 2}, g.loop},
		{[3]int{3, 2, 2}, g.stackShuffle},
		{[3]int{1, 0, 0}, g.deepStack},
		{[3]int{2, 2, 2}, g.keccak},
		{[3]int{1, 1, 1}, g.halting},
	}
	total := 0
	for _, f := range frags {
		total += f.w[g.prof]
	}
	n := g.pick(total)
	for _, f := range frags {
		if n < f.w[g.prof] {
			f.fn()
			return
		}
		n -= f.w[g.prof]
	}
}

var arithOps = []blocks.Opcode{
	blocks.ADD, blocks.MUL, blocks.SUB, blocks.DIV, blocks.SDIV, blocks.MOD, blocks.SMOD,
	blocks.ADDMOD, blocks.MULMOD, blocks.EXP, blocks.SIGNEXTEND, blocks.LT, blocks.GT,
	blocks.SLT, blocks.SGT, blocks.EQ, blocks.ISZERO, blocks.AND, blocks.OR, blocks.XOR,
	blocks.NOT, blocks.BYTE, blocks.SHL, blocks.SHR, blocks.SAR, blocks.CLZ,
}

// arith applies a chain of arithmetic instructions to interesting values.
func (g *gen) arith() {
	for i := 0; ; i++ {
		op := arithOps[g.pick(len(arithOps))]
		if op == blocks.CLZ && g.fork < blocks.Osaka && !g.chance(8) {
			op = blocks.NOT // CLZ is undefined before Osaka: a rare halt
		}
		need := op.Info().Pops
		if i > 0 {
			need-- // the previous result is an operand
		}
		for range need {
			g.push(g.value())
		}
		if i > 0 && need > 0 && g.chance(2) {
			g.emit(blocks.SWAP1 + blocks.Opcode(g.pick(need)))
		}
		g.emit(op)
		if g.chance(2) {
			break
		}
	}
	g.sink()
}

func (g *gen) keccak() {
	g.region()
	g.emit(blocks.KECCAK256)
	g.sink()
}

func (g *gen) memory() {
	switch g.pick(6) {
	case 0, 1:
		g.push(g.value())
		g.push(g.offset())
		g.emit(blocks.MSTORE)
	case 2:
		g.push(g.value())
		g.push(g.offset())
		g.emit(blocks.MSTORE8)
	case 3:
		g.push(g.offset())
		g.emit(blocks.MLOAD)
		g.sink()
	case 4: // MCOPY: dst, src, size with dst on top
		g.push(g.size())
		g.push(g.offset())
		g.push(g.offset())
		g.emit(blocks.MCOPY)
	default:
		g.emit(blocks.MSIZE)
		g.sink()
	}
}

// srcOffset is an offset into copied data: in range, past it, or huge.
func (g *gen) srcOffset() *uint256.Int {
	if g.chance(8) {
		return g.offset()
	}
	return uint256.NewInt(uint64(g.pick(120)))
}

func (g *gen) copies() {
	switch g.pick(3) {
	case 0:
		g.push(g.size())
		g.push(g.srcOffset())
		g.push(g.offset())
		g.emit(blocks.CALLDATACOPY)
	case 1:
		g.push(g.size())
		g.push(g.srcOffset())
		g.push(g.offset())
		g.emit(blocks.CODECOPY)
	default:
		g.push(g.size())
		g.push(g.srcOffset())
		g.push(g.offset())
		g.pushAddress()
		g.emit(blocks.EXTCODECOPY)
	}
}

var envOps = []blocks.Opcode{
	blocks.ADDRESS, blocks.ORIGIN, blocks.CALLER, blocks.CALLVALUE, blocks.CALLDATASIZE,
	blocks.CODESIZE, blocks.GASPRICE, blocks.RETURNDATASIZE, blocks.COINBASE,
	blocks.TIMESTAMP, blocks.NUMBER, blocks.PREVRANDAO, blocks.GASLIMIT, blocks.CHAINID,
	blocks.SELFBALANCE, blocks.BASEFEE, blocks.BLOBBASEFEE, blocks.PC, blocks.MSIZE,
	blocks.GAS, blocks.GAS, blocks.GAS,
}

func (g *gen) env() {
	switch g.pick(4) {
	case 0, 1:
		g.emit(envOps[g.pick(len(envOps))])
	case 2:
		g.pushAddress()
		g.emit([]blocks.Opcode{blocks.BALANCE, blocks.EXTCODESIZE, blocks.EXTCODEHASH}[g.pick(3)])
	default:
		switch g.pick(3) {
		case 0:
			g.push(g.srcOffset())
			g.emit(blocks.CALLDATALOAD)
		case 1:
			n := []uint64{0, 1, 43, 44, 45, 299, 300, 301, 1 << 40}[g.pick(9)]
			if g.chance(2) {
				n = uint64(300 - g.pick(260))
			}
			g.pushU(n)
			g.emit(blocks.BLOCKHASH)
		default:
			g.pushU([]uint64{0, 1, 2, 3, 1 << 63}[g.pick(5)])
			g.emit(blocks.BLOBHASH)
		}
	}
	g.sink()
}

// storageValue returns a value that, written to slot, meets one of the
// EIP-2200 cases: zero, the committed value, or something else.
func (g *gen) storageValue(slot uint64) *uint256.Int {
	switch g.pick(5) {
	case 0, 1:
		return new(uint256.Int)
	case 2:
		h := CommittedSlot(slot)
		return new(uint256.Int).SetBytes(h[:])
	case 3:
		return uint256.NewInt(uint64(1 + g.pick(3)))
	default:
		return g.value()
	}
}

// storage writes a slot one to three times in a row and may read it back,
// so that every refund case of EIP-2200/3529 occurs.
func (g *gen) storage() {
	slot := uint64(g.pick(6))
	for range 1 + g.pick(3) {
		g.push(g.storageValue(slot))
		g.pushU(slot)
		g.emit(blocks.SSTORE)
	}
	if g.chance(2) {
		g.pushU(uint64(g.pick(8)))
		g.emit(blocks.SLOAD)
		g.sink()
	}
}

func (g *gen) transient() {
	key := uint64(g.pick(4))
	if g.chance(2) {
		g.push(g.value())
		g.pushU(key)
		g.emit(blocks.TSTORE)
	}
	g.pushU(key)
	g.emit(blocks.TLOAD)
	g.sink()
}

// callGas pushes a CALL gas argument.
func (g *gen) callGas() {
	n := g.pick(20)
	if n < 7 && g.prof != profMain {
		n += 7 // callees pass bounded gas, so call trees stay small
	}
	switch {
	case n < 3: // all but a 64th: a callee that halts takes it all
		g.emit(blocks.GAS)
	case n < 4:
		g.push(new(uint256.Int).SetAllOne())
	case n < 9:
		g.pushU(uint64(g.pick(200_000)))
	default:
		g.pushU([]uint64{0, 1, 100, 2300, 2301, 5000, 21000, 30000, 50000}[g.pick(9)])
	}
}

func (g *gen) callValue() *uint256.Int {
	switch g.pick(10) {
	case 0, 1:
		return uint256.NewInt(1)
	case 2:
		return uint256.NewInt(uint64(g.pick(1e6)))
	case 3:
		return new(uint256.Int).Set(ContractBalance)
	case 4:
		return new(uint256.Int).AddUint64(ContractBalance, 1)
	default:
		return new(uint256.Int)
	}
}

var callKinds = []blocks.Opcode{
	blocks.CALL, blocks.CALL, blocks.CALL, blocks.CALLCODE, blocks.DELEGATECALL,
	blocks.DELEGATECALL, blocks.STATICCALL, blocks.STATICCALL,
}

// call makes a call of any kind and observes its result and return data.
func (g *gen) call() {
	kind := callKinds[g.pick(len(callKinds))]
	g.callWith(kind, g.region, g.region, g.pushAddress)
}

// callWith pushes the arguments of a kind call and emits it; ret and arg
// push size then offset; addr pushes the target.
func (g *gen) callWith(kind blocks.Opcode, ret, arg, addr func()) {
	ret()
	arg()
	if kind == blocks.CALL || kind == blocks.CALLCODE {
		g.push(g.callValue())
	}
	addr()
	g.callGas()
	g.emit(kind)
	g.sink()
	if g.chance(3) {
		g.emit(blocks.RETURNDATASIZE)
		g.sink()
	}
}

// precompileInput returns a plausible input for the precompile at addr.
func (g *gen) precompileInput(addr common.Address) []byte {
	word := func(x uint64) []byte { return common.BigToHash(new(uint256.Int).SetUint64(x).ToBig()).Bytes() }
	switch addr[19] {
	case 1: // ecrecover: hash, v, r, s
		in := randBytes(g.r, 128)
		copy(in[32:64], word(uint64(27+g.pick(2))))
		return in
	case 5: // modexp: three lengths, then base, exponent, modulus
		bl, el, ml := uint64(g.pick(40)), uint64(g.pick(40)), uint64(g.pick(40))
		if g.chance(8) {
			el = uint64(g.pick(2000))
		}
		in := append(append(word(bl), word(el)...), word(ml)...)
		return append(in, randBytes(g.r, int(bl+el+ml))...)
	case 6, 7: // bn256 add/mul on the generator (1, 2), or garbage
		if g.chance(2) {
			in := append(append(word(1), word(2)...), word(1)...)
			return append(in, word(2)...)
		}
		return randBytes(g.r, 64+g.pick(64))
	case 8: // bn256 pairing: empty input pairs to true
		if g.chance(2) {
			return nil
		}
		return randBytes(g.r, 192)
	case 9: // blake2f: rounds, h, m, t, f
		in := randBytes(g.r, 213)
		in[0], in[1], in[2], in[3] = 0, 0, 0, byte(g.pick(20))
		in[212] = byte(g.pick(2))
		return in
	}
	return randBytes(g.r, []int{0, 1, 32, 64, 128, 160, 192, 256}[g.pick(8)])
}

// stage writes data into memory at off, a word at a time.
func (g *gen) stage(data []byte, off uint64) {
	for i := 0; i < len(data); i += 32 {
		var w [32]byte
		copy(w[:], data[i:])
		g.push(new(uint256.Int).SetBytes32(w[:]))
		g.pushU(off + uint64(i))
		g.emit(blocks.MSTORE)
	}
}

// precompileCall calls a precompile with a well-formed-looking input.
func (g *gen) precompileCall() {
	addr := precompileAddrs[g.pick(len(precompileAddrs))]
	in := g.precompileInput(addr)
	g.stage(in, stageArea)
	kind := callKinds[g.pick(len(callKinds))]
	g.callWith(kind,
		func() { g.pushU(uint64(g.pick(129))); g.pushU(uint64(g.pick(outputArea))) },
		func() { g.pushU(uint64(len(in))); g.pushU(stageArea) },
		func() { g.pushAddr(addr) })
}

// initcode returns the code of a nested creation.
func (g *gen) initcode() []byte {
	sub := newGen(g.r, g.fork, profInit, g.level+1)
	// Failing initcode takes all but a 64th of the creator's gas, so the
	// failing kinds are rarer.
	switch g.pick(24) {
	case 0:
		return nil
	case 1, 5, 6: // revert with data
		sub.stage(randBytes(g.r, 40), 0)
		sub.pushU(uint64(g.pick(64)))
		sub.pushU(0)
		sub.emit(blocks.REVERT)
	case 2: // deploy code starting with 0xEF (EIP-3541)
		sub.stage([]byte{0xef, 0x00, 0x01}, 0)
		sub.pushU(uint64(1 + g.pick(3)))
		sub.pushU(0)
		sub.emit(blocks.RETURN)
	case 3: // deploy too much code, or exactly the maximum
		sub.pushU([]uint64{24576, 24577, 30000}[g.pick(3)])
		sub.pushU(0)
		sub.emit(blocks.RETURN)
	case 4: // halt
		sub.a.Raw(0xfe)
	default: // run a few fragments, then deploy a small program
		for range g.pick(3) {
			if !sub.done {
				sub.fragment()
			}
		}
		if sub.done {
			break
		}
		runtime := newGen(g.r, g.fork, profCallee, g.level+1).program(1 + g.pick(3))
		sub.stage(runtime, 0)
		sub.pushU(uint64(len(runtime)))
		sub.pushU(0)
		sub.emit(blocks.RETURN)
	}
	return sub.a.Bytes()
}

// create runs CREATE or CREATE2 with a generated initcode and remembers the
// new address, which later calls may target.
func (g *gen) create() {
	if g.level >= 2 {
		g.arith()
		return
	}
	code := g.initcode()
	g.stage(code, stageArea)
	kind := blocks.CREATE
	if g.chance(2) {
		kind = blocks.CREATE2
		// A constant salt collides when the fragment runs again in a
		// loop, which burns the creator's gas; the gas left never repeats.
		if g.chance(3) {
			g.push([]*uint256.Int{new(uint256.Int), uint256.NewInt(1), g.value()}[g.pick(3)])
		} else {
			g.emit(blocks.GAS)
		}
	}
	switch {
	case g.extreme(): // initcode too large (EIP-3860), or the maximum
		g.pushU([]uint64{49152, 49153}[g.pick(2)])
	case g.chance(12):
		g.push(g.size())
	default:
		g.pushU(uint64(len(code)))
	}
	if g.chance(10) {
		g.push(g.offset())
	} else {
		g.pushU(stageArea)
	}
	v := new(uint256.Int)
	if g.chance(4) {
		v = g.callValue()
	}
	g.push(v)
	g.emit(kind)
	if g.chance(3) {
		g.emit(blocks.DUP1)
		g.sink()
	}
	g.pushU(createdSlot)
	g.emit(blocks.MSTORE)
}

func (g *gen) log() {
	n := g.pick(5)
	for range n {
		g.push(g.value())
	}
	g.region()
	g.emit(blocks.LOG0 + blocks.Opcode(n))
}

// returnData observes the last call's return data, in and out of bounds.
func (g *gen) returnData() {
	switch g.pick(10) {
	case 0, 1, 2: // all of it
		g.emit(blocks.RETURNDATASIZE)
		g.pushU(0)
		g.pushU(uint64(g.pick(outputArea)))
		g.emit(blocks.RETURNDATACOPY)
	case 3: // a suffix, or one byte past the end
		g.pushU(uint64(g.pick(2)))
		g.pushU(uint64(g.pick(4)))
		g.emit(blocks.RETURNDATASIZE, blocks.SUB, blocks.ADD)
		g.pushU(uint64(g.pick(4)))
		g.pushU(uint64(g.pick(outputArea)))
		g.emit(blocks.RETURNDATACOPY)
	case 4: // anything
		g.push(g.size())
		g.push(g.srcOffset())
		g.push(g.offset())
		g.emit(blocks.RETURNDATACOPY)
	default:
		g.emit(blocks.RETURNDATASIZE)
		g.sink()
	}
}

// junk emits unreachable bytes: whole instructions, including JUMPDEST
// bytes inside PUSH data and undefined opcodes.
func (g *gen) junk() {
	for range g.pick(6) {
		op := byte(g.r.Uint32())
		g.a.Raw(op)
		if n := blocks.Opcode(op).Info().Immediate; n > 0 {
			imm := randBytes(g.r, n)
			if g.chance(2) {
				imm[g.pick(n)] = byte(blocks.JUMPDEST)
			}
			g.a.Raw(imm...)
		}
	}
}

// jumpOver jumps forward over junk with a static JUMP or JUMPI.
func (g *gen) jumpOver() {
	l := g.a.Label()
	if g.chance(2) {
		g.pushLabel(l, 0)
		g.emit(blocks.JUMP)
	} else {
		g.pushU(1 + uint64(g.pick(3)))
		g.pushLabel(l, 0)
		g.emit(blocks.JUMPI)
	}
	saved := g.depth
	g.junk()
	g.depth = saved
	g.a.Mark(l)
}

// dynamicJump jumps forward to a destination computed on the stack or
// loaded from memory, so no PUSH precedes the jump.
func (g *gen) dynamicJump() {
	l := g.a.Label()
	cond := g.chance(2)
	if cond {
		g.push(g.value()) // may be zero: falls through into the junk
	}
	switch g.pick(3) {
	case 0:
		k := uint64(1 + g.pick(200))
		g.pushLabel(l, k)
		g.pushU(k)
		g.emit(blocks.SWAP1, blocks.SUB)
	case 1:
		g.pushLabel(l, 0)
		g.pushU(0x200)
		g.emit(blocks.MSTORE)
		g.pushU(0x200)
		g.emit(blocks.MLOAD)
	default:
		g.pushLabel(l, 0)
		g.emit(blocks.DUP1, blocks.POP)
	}
	if cond {
		g.emit(blocks.JUMPI)
	} else {
		g.emit(blocks.JUMP)
	}
	saved := g.depth
	if cond {
		g.neutralJunk()
	} else {
		g.junk()
	}
	g.depth = saved
	g.a.Mark(l)
}

// neutralJunk is code that may run: a fragment, so the stack stays as
// the generator believes.
func (g *gen) neutralJunk() {
	if g.chance(2) {
		g.arith()
	}
}

// cond pushes a condition word: constant, or from calldata, gas, value,
// storage or return data.
func (g *gen) cond() {
	switch g.pick(11) {
	case 8, 9: // a comparison
		g.push(g.value())
		g.push(g.value())
		g.emit([]blocks.Opcode{blocks.LT, blocks.GT, blocks.SLT, blocks.SGT, blocks.EQ, blocks.AND, blocks.SUB}[g.pick(7)])
	case 10: // decided by constants, through ISZEROs
		g.pushU(uint64(g.pick(2)))
		for range g.pick(3) {
			g.emit(blocks.ISZERO)
		}
	case 0:
		g.pushU(uint64(g.pick(2)))
	case 1:
		g.push(g.value())
	case 2:
		g.pushU(uint64(g.pick(64)))
		g.emit(blocks.CALLDATALOAD)
	case 3: // gas left above a threshold
		g.pushU(uint64(g.pick(200_000)))
		g.emit(blocks.GAS, blocks.GT)
	case 4:
		g.emit(blocks.CALLVALUE)
	case 5:
		g.pushU(uint64(g.pick(6)))
		g.emit(blocks.SLOAD)
	case 6:
		g.emit(blocks.RETURNDATASIZE)
	default:
		g.pushU(uint64(g.pick(4)))
		g.emit(blocks.TLOAD)
	}
}

// conditional runs a fragment, possibly a halting one, if a condition holds.
func (g *gen) conditional() {
	if g.nest >= 3 {
		g.arith()
		return
	}
	g.nest++
	defer func() { g.nest-- }()
	l := g.a.Label()
	g.cond()
	for range 1 + 2*g.pick(2) { // an odd number of ISZEROs: skip if false
		g.emit(blocks.ISZERO)
	}
	g.pushLabel(l, 0)
	g.emit(blocks.JUMPI)
	saved := g.depth
	if g.chance(3) {
		g.haltingFragment()
	} else {
		for range 1 + g.pick(2) {
			if !g.done {
				g.fragment()
			}
		}
	}
	g.done = false
	g.depth = saved
	g.a.Mark(l)
}

// loop runs a few fragments 1 to 8 times with a counter on the stack,
// closing the loop with a static or a dynamic JUMPI.
func (g *gen) loop() {
	if g.nest >= 2 {
		g.arith()
		return
	}
	g.nest++
	defer func() { g.nest-- }()
	l := g.a.Label()
	g.pushU(uint64(1 + g.pick(8)))
	g.a.Mark(l)
	for range 1 + g.pick(3) {
		if !g.done {
			g.fragment()
		}
	}
	if g.done { // the body always halts: no back edge, and nothing after
		return
	}
	g.pushU(1)
	g.emit(blocks.SWAP1, blocks.SUB, blocks.DUP1)
	if g.chance(3) {
		g.pushLabel(l, 3)
		g.pushU(3)
		g.emit(blocks.SWAP1, blocks.SUB)
	} else {
		g.pushLabel(l, 0)
	}
	g.emit(blocks.JUMPI, blocks.POP)
}

// stackShuffle pushes a few values, works on them with DUP, SWAP, POP and
// arithmetic, splitting the block at times, and stores what is left. It
// never reaches below its own values. Constants and values computed at run
// time are mixed, as are instructions that work on the stack in place and
// ones that need it materialised (the translator tracks the stack
// symbolically within a block).
func (g *gen) stackShuffle() {
	k := 0
	item := func() {
		switch g.pick(6) {
		case 0:
			g.pushU(uint64(g.pick(64)))
			g.emit(blocks.CALLDATALOAD)
		case 1:
			g.emit([]blocks.Opcode{blocks.GAS, blocks.MSIZE, blocks.CALLER, blocks.RETURNDATASIZE}[g.pick(4)])
		default:
			g.push(g.value())
		}
		k++
	}
	for range 2 + g.pick(10) {
		item()
	}
	for range g.pick(16) {
		switch n := g.pick(20); {
		case n < 4 && k < 16:
			g.emit(blocks.DUP1 + blocks.Opcode(g.pick(k)))
			k++
		case n < 8 && k >= 2:
			g.emit(blocks.SWAP1 + blocks.Opcode(g.pick(min(k-1, 16))))
		case n < 12 && k >= 3:
			op := arithOps[g.pick(len(arithOps))]
			if op == blocks.CLZ && g.fork < blocks.Osaka {
				op = blocks.NOT
			}
			g.emit(op)
			k += op.Info().Pushes - op.Info().Pops
		case n < 13 && k >= 2:
			g.emit(blocks.POP)
			k--
		case n < 14:
			g.a.Op(blocks.JUMPDEST) // a new block: the values enter it on the stack
		case n < 15 && k >= 1:
			// an instruction the translator does not bind to slots
			g.emit(blocks.DUP1, blocks.BALANCE)
			g.sink()
		case n < 16 && k >= 2:
			g.sink()
			k--
		case n < 17:
			l := g.a.Label() // a JUMPI not taken also ends a block
			g.pushU(0)
			g.pushLabel(l, 0)
			g.emit(blocks.JUMPI)
			g.a.Mark(l)
		default:
			if k < 16 {
				item()
			}
		}
	}
	for range k {
		g.sink()
	}
}

// deepStack fills the stack to exactly the limit with DUPs and pops it
// back: the block's stack bound is checked at its edge.
func (g *gen) deepStack() {
	g.push(g.value())
	k := 1024 - g.depth
	for range k {
		g.emit(blocks.DUP1)
	}
	for range k + 1 {
		g.emit(blocks.POP)
	}
}

// halting emits a fragment that always halts; rare outside conditionals.
func (g *gen) halting() {
	if g.chance(3) {
		g.haltingFragment()
	} else {
		g.arith()
	}
}

// haltingFragment ends the frame: normally, by reverting, or by an
// exceptional halt of some kind.
func (g *gen) haltingFragment() {
	switch g.pick(12) {
	case 0:
		g.region()
		g.emit(blocks.RETURN)
	case 1:
		g.region()
		g.emit(blocks.REVERT)
	case 2:
		g.emit(blocks.STOP)
	case 3:
		g.pushAddress()
		g.emit(blocks.SELFDESTRUCT)
	case 4:
		g.a.Raw(0xfe)
	case 5: // an undefined opcode (CLZ before Osaka)
		undefined := []byte{0x0c, 0x0f, 0x1e, 0x21, 0x2f, 0x4b, 0x4f, 0xa5, 0xb0, 0xe0, 0xef, 0xf6, 0xfb, 0xfc}
		op := undefined[g.pick(len(undefined))]
		if op == 0x1e && g.fork >= blocks.Osaka {
			op = 0x0c
		}
		g.a.Raw(op)
	case 6: // stack underflow
		switch g.pick(3) {
		case 0:
			for range g.depth + 1 {
				g.a.Op(blocks.POP)
			}
		case 1:
			if g.depth < 16 {
				g.a.Op(blocks.SWAP1 + blocks.Opcode(g.depth))
			} else {
				g.a.Op(blocks.ADD)
				for range g.depth {
					g.a.Op(blocks.POP)
				}
			}
		default:
			if g.depth < 16 {
				g.a.Op(blocks.DUP1 + blocks.Opcode(g.depth))
			} else {
				g.a.Op(blocks.CALL)
				for range g.depth {
					g.a.Op(blocks.POP)
				}
			}
		}
	case 7: // stack overflow by one
		g.push(g.value())
		for range 1025 - g.depth {
			g.a.Op([]blocks.Opcode{blocks.DUP1, blocks.PC, blocks.GAS, blocks.MSIZE}[g.pick(4)])
		}
	case 8: // jump to a non-JUMPDEST: into PUSH data, past the code, far away
		l := g.a.Label()
		switch g.pick(3) {
		case 0:
			g.pushLabel(l, 2) // the 0x5b below is PUSH data
		case 1:
			g.push(g.value())
		default:
			g.pushU(1 << 16)
		}
		if g.chance(2) {
			g.emit(blocks.JUMP)
		} else {
			g.emit(blocks.DUP1, blocks.JUMPI)
		}
		g.a.Mark(l)
		g.a.Raw(byte(blocks.PUSH1), byte(blocks.JUMPDEST))
		g.depth++
		g.emit(blocks.POP)
	case 9: // memory beyond any gas
		g.pushU(1)
		g.push(g.offset())
		g.emit(blocks.MSTORE)
	case 10: // call with an absurd memory region
		g.callWith(blocks.CALL, func() { g.pushU(32); g.push(g.offset()) }, g.region, g.pushAddress)
	default:
		g.emit(blocks.INVALID)
	}
	g.done = true
}

// terminator ends a program.
func (g *gen) terminator() {
	switch n := g.pick(100); {
	case n < 50 && g.prof != profInit:
		g.pushU(outputArea)
		g.pushU(0)
		g.emit(blocks.RETURN)
	case n < 50: // initcode returns a slice of memory as the code
		g.pushU(uint64(g.pick(80)))
		g.pushU(uint64(g.pick(64)))
		g.emit(blocks.RETURN)
	case n < 62:
		g.region()
		g.emit(blocks.REVERT)
	case n < 70:
		g.emit(blocks.STOP)
	case n < 76: // fall off the end of the code
	case n < 82: // PUSH cut short by the end of the code
		width := 1 + g.pick(32)
		g.a.Raw(byte(blocks.PUSH1) + byte(width-1))
		g.a.Raw(randBytes(g.r, g.pick(width))...)
	default:
		g.haltingFragment()
	}
	g.done = true
}
