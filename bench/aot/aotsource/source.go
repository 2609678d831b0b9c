// Package aotsource generates the ahead-of-time code of package aot:
// bench.AOTContracts as Go, one function per program. gen.go writes it; the
// drift test compares it with what is committed.
package aotsource

import (
	"github.com/hyvm/hyvm/bench"
	"github.com/hyvm/hyvm/translate"
)

// Suite returns package aot's source, generated for the benchmarks' fork,
// the programs' bytecode left out.
func Suite() ([]byte, error) {
	contracts, err := bench.AOTContracts()
	if err != nil {
		return nil, err
	}
	return translate.GenerateGo(translate.GenOptions{Package: "aot", Fork: bench.Fork, ExternalCode: true, BuildTag: "!aotgen"}, contracts)
}
