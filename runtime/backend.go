package runtime

import (
	"fmt"
	"strings"

	"github.com/hyvm/hyvm/translate"
)

// Backend selects how an EVM runs code (translate/tier.go). Traced runs
// take the per-instruction tier whatever the backend.
type Backend uint8

const (
	// BackendAuto, the default, interprets code first and moves programs
	// that have run enough to closures: fresh code costs nothing to start,
	// hot code runs at full speed.
	BackendAuto Backend = iota
	// BackendInterp interprets every block.
	BackendInterp
	// BackendClosure translates every block to closures on first entry.
	BackendClosure
)

var backendNames = [...]string{BackendAuto: "auto", BackendInterp: "interp", BackendClosure: "closure"}

// Backends lists the backends, the default first.
func Backends() []Backend { return []Backend{BackendAuto, BackendInterp, BackendClosure} }

func (b Backend) String() string {
	if int(b) < len(backendNames) {
		return backendNames[b]
	}
	return fmt.Sprintf("Backend(%d)", b)
}

// ParseBackend returns the backend named s.
func ParseBackend(s string) (Backend, error) {
	for b, name := range backendNames {
		if s == name {
			return Backend(b), nil
		}
	}
	return 0, fmt.Errorf("unknown backend %q (want %s)", s, strings.Join(backendNames[:], ", "))
}

// tier returns the translate tier of b.
func (b Backend) tier() translate.Tier {
	switch b {
	case BackendInterp:
		return translate.TierInterp
	case BackendClosure:
		return translate.TierClosure
	}
	return translate.TierAuto
}
