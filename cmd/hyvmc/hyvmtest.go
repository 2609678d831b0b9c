package main

import (
	"errors"
	"flag"
	"io"

	"github.com/hyvm/hyvm/hyvmtest"
	"github.com/hyvm/hyvm/runtime"
)

const hyvmTestUsage = `Usage: hyvmc hyvmtest FILE...

Runs HyVM reference vectors (format hyvm-vectors/1) on hyvm's HyVM mode and
compares every field of every case: success, returnData, gasUsed, logs and
stateDiff. Prints a line per failing case naming the fields that differ and
a closing "N passed, M failed" line. Exit status 1 if any case failed, 2 if
a file could not be read.

Flags:
`

// hyvmTestCommand implements "hyvmc hyvmtest".
func hyvmTestCommand(args []string, stdout, stderr io.Writer) int {
	const cmd = "hyvmc hyvmtest"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	backendName := fs.String("backend", runtime.BackendAuto.String(), "how code runs: auto, interp, closure or amd64 (contracts in machine code; guests as closures)")
	paths, err := parseFlags(fs, args, hyvmTestUsage, stdout)
	if err != nil {
		return flagError(stderr, cmd, err)
	}
	backend, err := parseBackend(*backendName, stderr)
	if err != nil {
		return usageError(stderr, cmd, err)
	}
	if len(paths) == 0 {
		return usageError(stderr, cmd, errors.New("missing FILE (see 'hyvmc hyvmtest -h')"))
	}
	_, failed, err := hyvmtest.RunBackend(paths, stdout, backend)
	switch {
	case err != nil:
		return usageError(stderr, cmd, err)
	case failed > 0:
		return exitFailed
	}
	return exitOK
}
