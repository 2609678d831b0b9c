// Package prof writes pprof profiles of EVM execution: the gas and the
// instructions of contract and HyVM guest code, by program counter, under
// the EVM call stack that ran it (wallet → HyVM guest → router → pair →
// token), so that go tool pprof and every pprof viewer read them: -top by
// contract and pc, -tree and flame graphs along the calls.
//
// A Profiler is a set of go-ethereum tracing hooks: give Hooks() to
// runtime.Config.Tracer, hyvm.Context.Tracer or go-ethereum's own EVM, run,
// then write Profile(). Gas is attributed as the calls spend it: an
// instruction's cost, a call's without the gas it forwards (the callee's
// frames account for what they use; a creation's cost never includes it),
// and what a frame uses beyond its
// instructions (the gas an exceptional halt burns, a creation's code
// deposit, a precompile's price) at the pc it ended on. The samples of a
// run add up to the gas its outermost frame used.
//
// Locations are a contract's pcs, or its basic blocks (Options.ByBlock);
// with solc's source maps (Options.SourceMaps per address, or a whole
// Compilation read from the compiler's standard-JSON output and matched
// against the code that ran) they are Solidity lines in functions named
// Contract.function. Options.Time adds instructions' durations, read from
// the clock only when asked for.
package prof
