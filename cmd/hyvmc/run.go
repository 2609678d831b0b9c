package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/google/pprof/profile"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/prof"
	"github.com/hyvm/hyvm/runtime"
)

const runUsage = `Usage: hyvmc run [flags] CODE

Runs CODE (hex, 0x optional) in a fresh in-memory state and prints the
return data, the status (success, revert or error: message) and the gas
used. Exit status 1 when the run reverted or halted with an error.

--mode hyvm (the default): CODE is a HyVM guest. The sender calls the
receiver, a wallet, with the value; the wallet delegatecalls the HyVM
contract with CODE as calldata and all the gas, and what is printed is that
HyVM frame's outcome: HyVM's gas, its memory layout (guest memory starts at
0x340, MSIZE excludes it) and its empty calldata (no --input). --trace
traces the guest with guest pcs and HyVM's gas per instruction.

--mode evm: CODE is installed at the receiver and called by the sender with
the given input, gas and value, as go-ethereum's "evm run" does.

--prestate FILE starts from a genesis file's state (its alloc) and block
(number, timestamp, coinbase, base fee, difficulty, gas limit), as
go-ethereum's "evm run --prestate" does; --dump prints the state after the
run (go-ethereum's state dump JSON) after the result; --create (evm mode)
runs CODE followed by the input as initcode and prints the deployed code;
--price sets the gas price GASPRICE reads (nothing is charged). CODE and
the input can come from files (--code-file, --input-file; - is standard
input).

--fork-url URL runs on the state of a chain instead, as eth_call does at
--fork-block (default: the endpoint's latest block) and in that block's
context, reading accounts and storage from the endpoint as the run needs
them (kept in --fork-cache DIR for later runs at the same block). In evm
mode CODE may then be left out to call the receiver's deployed code; given,
it replaces that code for the run. The sender's balance is the chain's.

Flags:
`

// runCommand implements "hyvmc run".
func runCommand(args []string, stdout, stderr io.Writer) int {
	return runOrProfile("hyvmc run", runUsage, args, stdout, stderr, false)
}

// runOrProfile implements "hyvmc run" and, profiling, "hyvmc profile":
// the same run with the profile's flags.
func runOrProfile(cmd, usage string, args []string, stdout, stderr io.Writer, profiling bool) int {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var pf *profileFlags
	if profiling {
		pf = addProfileFlags(fs)
	}
	var (
		mode      = fs.String("mode", modeHyVM, "what CODE is: hyvm (a HyVM guest) or evm (contract code)")
		codeFile  = fs.String("code-file", "", "read the code (hex) from `FILE` instead of the argument")
		inputHex  = fs.String("input", "", "call data (`HEX`)")
		inputFile = fs.String("input-file", "", "read the call data (hex) from `FILE` (- for standard input)")
		prestate  = fs.String("prestate", "", "start from the state and block of genesis `FILE` (as evm run --prestate)")
		dump      = fs.Bool("dump", false, "print the state after the run (go-ethereum's dump JSON)")
		create    = fs.Bool("create", false, "evm mode: run CODE and the input as initcode; print the deployed code")
		price     = fs.String("price", "0", "gas price GASPRICE reads, in wei (nothing is charged)")
		profOut   = new(string)
		gas       = fs.Uint64("gas", defaultGas, "gas limit of the call (also the block gas limit)")
		value     = fs.String("value", "0", "wei sent with the call (decimal or 0x hex)")
		sender    = fs.String("sender", defaultSender.Hex(), "caller and transaction origin (`ADDRESS`)")
		receiver  = fs.String("receiver", defaultReceiver.Hex(), "address the code is installed at and called (`ADDRESS`)")
		forkName  = fs.String("fork", blocks.Latest.String(), "fork whose rules apply (Cancun, Prague, Osaka)")
		jsonOut   = fs.Bool("json", false, "print the result as one JSON object")
		trace     = fs.Bool("trace", false, "write an EIP-3155 JSON trace to stderr (as geth's evm run --trace)")
		noMemory  = fs.Bool("trace.nomemory", true, "leave memory out of the trace")
		noStack   = fs.Bool("trace.nostack", false, "leave the stack out of the trace")
		noRetData = fs.Bool("trace.noreturndata", true, "leave return data out of the trace")
		timeout   = fs.Duration("timeout", 0, "abort the run after `DURATION` (0: none; Ctrl-C aborts too)")
		backend   = fs.String("backend", runtime.BackendAuto.String(), "how code runs: auto (interpreted, closures once hot), interp, closure or amd64 (machine code)")
		forkURL   = fs.String("fork-url", "", "run on the state of the chain at JSON-RPC endpoint `URL`")
		forkBlock = fs.Uint64("fork-block", 0, "with --fork-url, the block whose state is read (0: the latest)")
		forkCache = fs.String("fork-cache", "", "with --fork-url, keep what is read in `DIR` for later runs")
	)
	if !profiling {
		fs.StringVar(profOut, "profile", "", "write a pprof profile of the run's gas and instructions by contract, pc and call stack to `FILE` (hyvmc profile has more)")
	}
	positional, err := parseFlags(fs, args, usage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	if profiling {
		*profOut = pf.out
		if pf.tx != "" {
			// A replay is the transaction's own: the run's other flags
			// would be silently ignored.
			var ignored []string
			fs.Visit(func(fl *flag.Flag) {
				if !replayFlags[fl.Name] {
					ignored = append(ignored, "--"+fl.Name)
				}
			})
			if len(ignored) > 0 {
				return usageError(stderr, cmd, fmt.Errorf("--tx replays a mined transaction: %s do not apply", strings.Join(ignored, ", ")))
			}
			return replayCommand(cmd, pf, positional, *forkURL, *forkCache, *forkName, *backend, *timeout, stdout, stderr)
		}
	}
	if (*forkURL != "" || *prestate != "") && *mode == modeEVM && len(positional) == 0 && *codeFile == "" {
		positional = []string{""} // the receiver's code in the state
	}
	if *inputFile != "" {
		if *inputHex != "" {
			return usageError(stderr, cmd, errors.New("give the input either with --input or with --input-file, not both"))
		}
		data, err := readFileOrStdin(*inputFile)
		if err != nil {
			return usageError(stderr, cmd, fmt.Errorf("--input-file: %w", err))
		}
		*inputHex = strings.TrimSpace(string(data))
	}
	opts, err := runOptionsFrom(positional, *codeFile, *inputHex, *value, *sender, *receiver, *forkName)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	if opts.price, err = parseWord(*price); err != nil {
		return usageError(stderr, cmd, fmt.Errorf("--price: %w", err))
	}
	opts.create, opts.dump = *create, *dump
	switch {
	case *create && *mode != modeEVM:
		return usageError(stderr, cmd, errors.New("--create needs --mode evm"))
	case *profOut != "" && *trace:
		return usageError(stderr, cmd, errors.New("--profile and --trace: one tracer at a time"))
	case (*dump || *prestate != "") && *forkURL != "":
		return usageError(stderr, cmd, errors.New("--dump and --prestate need an in-memory state, not --fork-url"))
	}
	if *profOut != "" {
		popts := defaultProfOptions()
		if pf != nil {
			if popts, err = pf.options(popts); err != nil {
				return usageError(stderr, cmd, err)
			}
		}
		opts.profiler = prof.New(popts)
	}
	if *prestate != "" {
		if opts.prestate, err = readGenesis(*prestate); err != nil {
			return usageError(stderr, cmd, fmt.Errorf("--prestate: %w", err))
		}
	}
	if *forkURL != "" {
		opts.forked = &forkOptions{url: *forkURL, options: fork.Options{Block: *forkBlock, CacheDir: *forkCache}}
	} else if *forkBlock != 0 || *forkCache != "" {
		return usageError(stderr, cmd, errors.New("--fork-block and --fork-cache need --fork-url"))
	}
	if opts.backend, err = parseBackend(*backend, stderr); err != nil {
		return usageError(stderr, cmd, err)
	}
	if err := checkMode(*mode, *inputHex); err != nil {
		return usageError(stderr, cmd, err)
	}
	opts.gas = *gas
	if *trace {
		opts.trace = &logger.Config{
			EnableMemory:     !*noMemory,
			DisableStack:     *noStack,
			EnableReturnData: !*noRetData,
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	opts.ctx = ctx
	var res *runResult
	if *mode == modeHyVM {
		res = executeGuest(opts, stderr)
	} else {
		res = execute(opts, newHyvm(opts.backend), stderr)
	}
	if *jsonOut {
		if err := writeJSONResult(stdout, res); err != nil {
			fmt.Fprintf(stderr, "%s: writing result: %v\n", cmd, err)
			return exitFailed
		}
	} else {
		fmt.Fprintf(stdout, "output: %s\nstatus: %s\ngas used: %d\n", hexutil.Encode(res.output), statusText(res.err), res.gasUsed)
	}
	if res.dump != nil {
		fmt.Fprintf(stdout, "%s\n", res.dump)
	}
	if opts.profiler != nil {
		pp := opts.profiler.Profile()
		if err := writeProfile(*profOut, pp); err != nil {
			fmt.Fprintf(stderr, "%s: writing the profile: %v\n", cmd, err)
			return exitFailed
		}
		if pf != nil && !*jsonOut {
			printTop(stdout, pp, pf.top, *profOut)
		}
	}
	if res.err != nil {
		return exitFailed
	}
	return exitOK
}

// runOptionsFrom validates the run command's arguments.
func runOptionsFrom(positional []string, codeFile, inputHex, value, sender, receiver, forkName string) (*runOptions, error) {
	var codeHex string
	switch {
	case codeFile != "" && len(positional) > 0:
		return nil, errors.New("give the code either as an argument or with --code-file, not both")
	case codeFile != "":
		data, err := readFileOrStdin(codeFile)
		if err != nil {
			return nil, fmt.Errorf("reading code: %w", err)
		}
		codeHex = string(data)
	case len(positional) == 0:
		return nil, errors.New("missing CODE argument (see 'hyvmc run -h')")
	case len(positional) > 1:
		return nil, fmt.Errorf("unexpected arguments after CODE: %q", positional[1:])
	default:
		codeHex = positional[0]
	}
	opts := new(runOptions)
	var err error
	if opts.code, err = parseHex(codeHex); err != nil {
		return nil, fmt.Errorf("code: %w", err)
	}
	if opts.input, err = parseHex(inputHex); err != nil {
		return nil, fmt.Errorf("--input: %w", err)
	}
	if opts.value, err = parseWord(value); err != nil {
		return nil, fmt.Errorf("--value: %w", err)
	}
	if opts.sender, err = parseAddress(sender); err != nil {
		return nil, fmt.Errorf("--sender: %w", err)
	}
	if opts.receiver, err = parseAddress(receiver); err != nil {
		return nil, fmt.Errorf("--receiver: %w", err)
	}
	if opts.fork, err = blocks.ParseFork(forkName); err != nil {
		return nil, fmt.Errorf("--fork: %w", err)
	}
	return opts, nil
}

// Statuses of a run.
const (
	statusSuccess = "success"
	statusRevert  = "revert"
	statusError   = "error"
)

func status(err error) string {
	switch {
	case err == nil:
		return statusSuccess
	case errors.Is(err, vm.ErrExecutionReverted):
		return statusRevert
	default:
		return statusError
	}
}

// statusText is the status line: success, revert or "error: message".
func statusText(err error) string {
	if s := status(err); s != statusError {
		return s
	}
	return statusError + ": " + oneLine(err.Error())
}

// jsonResult is the --json output. Error is set only with status "error";
// a revert's reason is in Output.
type jsonResult struct {
	Output  hexutil.Bytes `json:"output"`
	Status  string        `json:"status"`
	GasUsed uint64        `json:"gasUsed"`
	Error   string        `json:"error,omitempty"`
}

func writeJSONResult(w io.Writer, res *runResult) error {
	out := jsonResult{Output: res.output, Status: status(res.err), GasUsed: res.gasUsed}
	if out.Output == nil {
		out.Output = hexutil.Bytes{} // "0x", never null
	}
	if out.Status == statusError {
		out.Error = res.err.Error()
	}
	return json.NewEncoder(w).Encode(out)
}

// readFileOrStdin reads the file at path, or standard input for "-".
func readFileOrStdin(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(path)
}

// readGenesis reads a genesis file (go-ethereum's JSON).
func readGenesis(path string) (*core.Genesis, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	g := new(core.Genesis)
	if err := json.Unmarshal(data, g); err != nil {
		return nil, fmt.Errorf("%s: not a genesis file: %w", path, err)
	}
	return g, nil
}

// writeProfile writes p (gzipped protobuf, as pprof reads it).
func writeProfile(path string, p *profile.Profile) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
