package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

const genUsage = `Usage: hyvmc gen [flags] [NAME=]FILE...

Compiles contracts ahead of time: translates each FILE (runtime bytecode in
hex, 0x optional; - for standard input) into Go source of one package, a
function per contract whose blocks are Go code, and writes it to -o (default
standard output). NAME (a Go identifier) defaults to the file's base name
up to its first dot. The package's Register(r *runtime.AOTRegistry) adds
them to a registry that runtime.Config.AOT (or hyvm.Context.AOT) takes;
the runtime runs a contract's generated code when it meets the code with
that hash. The same input gives the same bytes (go generate, drift tests).

A --guest FILE is a HyVM guest template (a payload sent through HyVM again
and again): compiled for HyVM mode, it runs whenever HyVM is handed exactly
these bytes as its guest.

With --external-code the bytecode is left out of the source and Register
takes a function returning each contract's code by name.

Flags:
`

// genCommand implements "hyvmc gen".
func genCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc gen"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var (
		pkg      = fs.String("pkg", "aot", "the generated package's `NAME`")
		out      = fs.String("o", "", "write the source to `FILE` (default: standard output)")
		forkName = fs.String("fork", blocks.Latest.String(), "fork whose rules the code is generated for (Cancun, Prague, Osaka)")
		external = fs.Bool("external-code", false, "leave the bytecode out: Register takes it by name")
		stats    = fs.Bool("stats", false, "report generation throughput and source size per KB of bytecode on stderr")
	)
	var guests []string
	fs.Func("guest", "compile `[NAME=]FILE` as a HyVM guest template (repeatable)", func(v string) error {
		guests = append(guests, v)
		return nil
	})
	files, err := parseFlags(fs, args, genUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	if len(files)+len(guests) == 0 {
		return usageError(stderr, cmd, errors.New("missing FILE argument (see 'hyvmc gen -h')"))
	}
	fork, err := blocks.ParseFork(*forkName)
	if err != nil {
		return usageError(stderr, cmd, fmt.Errorf("--fork: %w", err))
	}
	var contracts []translate.AOTContract
	bytecode := 0
	for i, arg := range append(files, guests...) {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			file = arg
			name, _, _ = strings.Cut(filepath.Base(file), ".")
		}
		data, err := readFileOrStdin(file)
		if err != nil {
			return usageError(stderr, cmd, err)
		}
		code, err := parseHex(string(data))
		if err != nil {
			return usageError(stderr, cmd, fmt.Errorf("%s: %w", file, err))
		}
		if len(code) == 0 {
			return usageError(stderr, cmd, fmt.Errorf("%s: no code", file))
		}
		contracts = append(contracts, translate.AOTContract{Name: name, Code: code, Guest: i >= len(files)})
		bytecode += len(code)
	}
	start := time.Now()
	src, err := translate.GenerateGo(translate.GenOptions{Package: *pkg, Fork: fork, ExternalCode: *external}, contracts)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	took := time.Since(start)
	if *out == "" {
		_, err = stdout.Write(src)
	} else {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	}
	if *stats {
		fmt.Fprintf(stderr, "%d contracts, %d bytes of bytecode in %v: %.2f MB/s; %d bytes of Go, %.1f KB per KB of bytecode\n",
			len(contracts), bytecode, took.Round(time.Microsecond), float64(bytecode)/took.Seconds()/1e6, len(src), float64(len(src))/float64(bytecode))
	}
	return exitOK
}
