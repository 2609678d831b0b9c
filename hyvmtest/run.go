package hyvmtest

import (
	"fmt"
	"io"
	"strings"

	"github.com/hyvm/hyvm/runtime"
)

// Run runs every case of the vector files at paths, writes a line per
// failing case naming the fields that differ and a closing
// "N passed, M failed" line to w. err reports a file that cannot be read or
// set up, or an engine error; failing cases are counted, not errors.
func Run(paths []string, w io.Writer) (passed, failed int, err error) {
	cache := runtime.NewCache(0)
	for _, path := range paths {
		p, f, err := runFile(path, cache, w)
		passed, failed = passed+p, failed+f
		if err != nil {
			fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
			return passed, failed, err
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	return passed, failed, nil
}

func runFile(path string, cache *runtime.Cache, w io.Writer) (passed, failed int, err error) {
	file, err := Load(path)
	if err != nil {
		return 0, 0, err
	}
	world, err := newWorld(&file.Environment, cache)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	for i := range file.Cases {
		c := &file.Cases[i]
		res, err := world.run(c)
		if err != nil {
			fmt.Fprintf(w, "FAIL %s: engine error: %v\n", c.Name, err)
			failed++
			continue
		}
		if diffs := Compare(c, res); len(diffs) > 0 {
			fmt.Fprintf(w, "FAIL %s: %s\n", c.Name, strings.Join(diffs, "; "))
			failed++
			continue
		}
		passed++
	}
	return passed, failed, nil
}
