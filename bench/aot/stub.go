//go:build aotgen

package aot

import (
	"errors"

	"github.com/hyvm/hyvm/runtime"
)

// Register stands in for suite_gen.go's while gen.go runs (built with the
// aotgen tag): the generator builds package bench, which imports this one,
// and must not need the source it is about to replace.
func Register(r *runtime.AOTRegistry, code func(name string) ([]byte, error)) error {
	return errors.New("aot: built with the aotgen tag, without the generated code")
}
