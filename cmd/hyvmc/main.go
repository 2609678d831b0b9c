// Command hyvmc runs EVM bytecode and state tests on hyvm.
//
//	hyvmc run [flags] CODE        run code in a fresh in-memory state
//	hyvmc statetest [flags] PATH  run state-test fixtures
//	hyvmc hyvmtest FILE...        run HyVM reference vectors
//	hyvmc sim [flags] FILE.json   run an eth_simulateV1 request
//	hyvmc profile [flags] [CODE]  write a pprof profile of a run or a mined transaction
//	hyvmc gen [flags] FILE...     compile contracts ahead of time to Go
//	hyvmc bench [flags]           time hyvm against go-ethereum
//
// Exit status: 0 on success, 1 when the run halted with a revert or error or
// a state test failed, 2 on bad input (flags, hex, files, fixtures).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // the program reverted or halted, or a test failed
	exitUsage  = 2 // bad input: never a panic, always a one-line message
)

const mainUsage = `Usage: hyvmc COMMAND [flags] [args]

Commands:
  run        run bytecode as a HyVM guest (default) or as EVM code (--mode evm)
  statetest  run state-test fixtures (files or directories)
  hyvmtest   run HyVM reference vectors (hyvm-vectors/1 files)
  sim        run an eth_simulateV1 request file, on a fork with --fork-url
  profile    write a pprof profile of a run, or of a mined transaction (--tx)
  gen        compile contracts ahead of time to Go source (runtime.AOTRegistry)
  serve      serve Ethereum JSON-RPC (eth_call, eth_simulateV1, ...) on a fork
  load       load-test a JSON-RPC endpoint (requests per second, p50/p99 latency)
  bench      time the benchmark suites on hyvm and go-ethereum
  version    print hyvmc's, go-ethereum's and Go's versions

Run 'hyvmc COMMAND -h' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command: it parses args, writes results to stdout and
// diagnostics to stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "hyvmc", errors.New("missing command (see 'hyvmc -h')"))
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runCommand(rest, stdout, stderr)
	case "statetest":
		return stateTestCommand(rest, stdout, stderr)
	case "hyvmtest":
		return hyvmTestCommand(rest, stdout, stderr)
	case "sim":
		return simCommand(rest, stdout, stderr)
	case "profile":
		return profileCommand(rest, stdout, stderr)
	case "gen":
		return genCommand(rest, stdout, stderr)
	case "serve":
		return serveCommand(rest, stdout, stderr)
	case "load":
		return loadCommand(rest, stdout, stderr)
	case "bench":
		return benchCommand(rest, stdout, stderr)
	case "version", "-version", "--version":
		return versionCommand(stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	default:
		return usageError(stderr, "hyvmc", fmt.Errorf("unknown command %q (see 'hyvmc -h')", cmd))
	}
}

// usageError reports bad input on one line and returns exitUsage.
func usageError(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "%s: %s\n", cmd, oneLine(err.Error()))
	return exitUsage
}

// oneLine keeps a message on a single line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// parseFlags parses flags that may appear before, between or after the
// positional arguments (the flag package alone stops at the first
// positional one). It returns the positional arguments. A help request
// prints the usage to stdout and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, usage string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard) // errors are reported by the caller on one line
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, usage)
				fs.SetOutput(stdout)
				fs.PrintDefaults()
			}
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil // all positional after "--"
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// flagError turns a flag parsing error into the command's exit status.
func flagError(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return usageError(stderr, cmd, fmt.Errorf("%w (see '%s -h')", err, cmd))
}
