package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/pprof/profile"

	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/prof"
)

const profileUsage = `Usage: hyvmc profile [flags] [CODE]

Runs CODE as "hyvmc run" does (every run flag applies: a HyVM guest by
default, contract code with --mode evm, a chain's state with --fork-url), or
replays a mined transaction (--tx HASH with --fork-url: the transactions
before it in its block run first, on the state of the block before), with a
profiler attached, and writes a pprof profile (-o, default profile.pb.gz):
sample types gas, instructions and, with --time, time (nanoseconds); a
location per contract and pc (--by block: per basic block) under the EVM
call stack (wallet > HyVM guest > router > pair > token). With --srcmap
(solc's standard-JSON output, selecting evm.deployedBytecode.sourceMap,
.object, .generatedSources, .immutableReferences and the sources' ast; the
sources, which the output names but does not hold, read from --sources, by
default the current directory as solc's base path) the code it compiled is
shown as Solidity functions and lines.

Prints the run's result, the profile's totals and the functions that used
the most gas. Then:

  go tool pprof -top -sample_index=gas profile.pb.gz
  go tool pprof -http=:8080 profile.pb.gz     (flame graph: View > Flame Graph)

Flags:
`

// profileCommand implements "hyvmc profile".
func profileCommand(args []string, stdout, stderr io.Writer) int {
	return runOrProfile("hyvmc profile", profileUsage, args, stdout, stderr, true)
}

// profileFlags are the flags profile adds to run's.
type profileFlags struct {
	out, srcmap, sources, by, tx string
	time                         bool
	timeEvery, top               int
}

func addProfileFlags(fs *flag.FlagSet) *profileFlags {
	pf := new(profileFlags)
	fs.StringVar(&pf.out, "o", "profile.pb.gz", "write the profile to `FILE`")
	fs.StringVar(&pf.srcmap, "srcmap", "", "solc standard-JSON output `FILE` whose contracts are shown as Solidity lines")
	fs.StringVar(&pf.sources, "sources", ".", "directory the --srcmap sources' names are relative to (solc's base path)")
	fs.StringVar(&pf.by, "by", "pc", "locations: pc (one per instruction) or block (one per basic block)")
	fs.BoolVar(&pf.time, "time", false, "add the time sample type (instructions' durations, this profiler's cost included)")
	fs.IntVar(&pf.timeEvery, "time-every", 1, "with --time, time one instruction in `N` on average")
	fs.IntVar(&pf.top, "top", 10, "print the `N` functions that used the most gas (0: none)")
	fs.StringVar(&pf.tx, "tx", "", "replay mined transaction `HASH` from --fork-url instead of running CODE")
	return pf
}

// defaultProfOptions names what every profile names: the HyVM contract,
// whose frames run guests.
func defaultProfOptions() prof.Options {
	return prof.Options{Names: map[common.Address]string{hyvm.Reference.Address: "HyVM guest"}}
}

// options completes base with the profile's flags.
func (pf *profileFlags) options(base prof.Options) (prof.Options, error) {
	switch pf.by {
	case "pc":
	case "block":
		base.ByBlock = true
	default:
		return base, fmt.Errorf("--by: %q is neither pc nor block", pf.by)
	}
	if pf.timeEvery < 1 {
		return base, fmt.Errorf("--time-every: must be at least 1, got %d", pf.timeEvery)
	}
	base.Time, base.TimeEvery = pf.time, pf.timeEvery
	if pf.top < 0 {
		return base, fmt.Errorf("--top: must not be negative, got %d", pf.top)
	}
	if pf.srcmap == "" {
		if pf.sources != "." {
			return base, errors.New("--sources needs --srcmap")
		}
		return base, nil
	}
	data, err := os.ReadFile(pf.srcmap)
	if err != nil {
		return base, fmt.Errorf("--srcmap: %w", err)
	}
	dir := pf.sources
	c, err := prof.ReadCompilation(data, func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	})
	if err != nil {
		return base, fmt.Errorf("--srcmap %s: %w", pf.srcmap, err)
	}
	base.Compilation = c
	return base, nil
}

// printTop prints the profile's totals and its top functions by gas spent
// in them (flat, as pprof -top's first column), where the profile went.
func printTop(w io.Writer, p *profile.Profile, top int, path string) {
	flat := map[string]int64{}
	var gas, instrs int64
	for _, s := range p.Sample {
		gas += s.Value[0]
		instrs += s.Value[1]
		if len(s.Location) > 0 {
			l := s.Location[0].Line[0]
			name := l.Function.Name
			if file := filepath.Base(l.Function.Filename); file != name {
				name += " (" + file + ")"
			}
			flat[name] += s.Value[0]
		}
	}
	fmt.Fprintf(w, "profile: %s (%d samples, %d gas, %d instructions)\n", path, len(p.Sample), gas, instrs)
	names := make([]string, 0, len(flat))
	for n := range flat {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if flat[names[i]] != flat[names[j]] {
			return flat[names[i]] > flat[names[j]]
		}
		return names[i] < names[j]
	})
	for i, n := range names {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%10d gas %5.1f%%  %s\n", flat[n], 100*float64(flat[n])/float64(max(gas, 1)), n)
	}
}
