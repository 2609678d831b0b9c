package blocks

import (
	"fmt"
	"strings"
)

// Fork names an Ethereum hard fork whose EVM rules hyvm implements.
// Forks are ordered: a later fork compares greater than an earlier one.
type Fork uint8

const (
	Cancun Fork = iota + 1
	Prague
	Osaka

	// Latest is the newest fork hyvm implements; it is the default everywhere.
	Latest = Osaka
)

var forkNames = [...]string{Cancun: "Cancun", Prague: "Prague", Osaka: "Osaka"}

// Forks lists every supported fork, oldest first.
func Forks() []Fork { return []Fork{Cancun, Prague, Osaka} }

// Supported reports whether hyvm implements f's rules.
func (f Fork) Supported() bool { return f >= Cancun && f <= Latest }

func (f Fork) String() string {
	if f >= Cancun && int(f) < len(forkNames) {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// ParseFork returns the fork with the given name (case-insensitive).
func ParseFork(name string) (Fork, error) {
	for _, f := range Forks() {
		if strings.EqualFold(f.String(), name) {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown fork %q (supported: Cancun, Prague, Osaka)", name)
}
