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

// Backends lists the backends, the default first.
func Backends() []Backend { return []Backend{BackendAuto, BackendInterp, BackendClosure} }

// String names b as its translate tier does.
func (b Backend) String() string {
	if b > BackendClosure {
		return fmt.Sprintf("Backend(%d)", b)
	}
	return b.tier().String()
}

// ParseBackend returns the backend named s.
func ParseBackend(s string) (Backend, error) {
	names := make([]string, 0, 3)
	for _, b := range Backends() {
		if s == b.String() {
			return b, nil
		}
		names = append(names, b.String())
	}
	return 0, fmt.Errorf("unknown backend %q (want %s)", s, strings.Join(names, ", "))
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
