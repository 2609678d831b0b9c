package main

import (
	"fmt"
	"io"
	goruntime "runtime"
	"runtime/debug"

	"github.com/hyvm/hyvm/blocks"
)

// versionCommand prints hyvmc's version (the module's, from the build),
// the go-ethereum it runs against, Go's and the latest fork it runs.
func versionCommand(stdout io.Writer) int {
	version, geth := "(devel)", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				version += " " + s.Value
			}
		}
		for _, d := range info.Deps {
			if d.Path == "github.com/ethereum/go-ethereum" {
				geth = d.Version
			}
		}
	}
	fmt.Fprintf(stdout, "hyvmc %s\ngo-ethereum %s\n%s %s/%s\nlatest fork %v\n", version, geth, goruntime.Version(), goruntime.GOOS, goruntime.GOARCH, blocks.Latest)
	return exitOK
}
