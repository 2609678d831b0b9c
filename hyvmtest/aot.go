package hyvmtest

import (
	"bytes"
	"fmt"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// The guests the ahead-of-time conformance run compiles to Go (package
// aotguests): all of HyVM's own opcode tests, the hand-written cases on its
// divergences and limits (jumps into PUSH data, bad jumps, memory and stack
// limits, policies) up to aotGuestMax bytes, and the first of the seeded
// random programs, working and broken. Compiling all 2,466 would make tens
// of megabytes of Go.
const (
	aotGuestMax    = 1024
	aotRandom      = 100
	aotRandomBroke = 40
)

// AOTGuests returns the guests of the vector file at path that the
// ahead-of-time run takes, each once (by bytes), named g<case index>, and
// the fork the file's environment runs.
func AOTGuests(path string) ([]translate.AOTContract, blocks.Fork, error) {
	file, err := Load(path)
	if err != nil {
		return nil, 0, err
	}
	fork, err := blocks.ParseFork(file.Environment.Fork)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	var out []translate.AOTContract
	taken := map[string]int{}
	for i, c := range file.Cases {
		if !aotTakes(&c, taken) || len(c.Code) == 0 {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || bytes.Equal(o.Code, c.Code)
		}
		if !dup {
			out = append(out, translate.AOTContract{Name: fmt.Sprintf("g%04d", i), Code: c.Code, Guest: true})
		}
	}
	return out, fork, nil
}

// aotTakes reports whether the ahead-of-time run takes case c, counting
// the random ones taken so far.
func aotTakes(c *Case, taken map[string]int) bool {
	switch c.Group {
	case "opcodes-test", "handwritten":
		return len(c.Code) <= aotGuestMax
	case "random":
		taken[c.Group]++
		return taken[c.Group] <= aotRandom
	case "random-broken":
		taken[c.Group]++
		return taken[c.Group] <= aotRandomBroke
	}
	return false
}
