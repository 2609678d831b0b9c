package runtime

import (
	"fmt"
	"strings"

	"github.com/hyvm/hyvm/translate"
	"github.com/hyvm/hyvm/translate/amd64"
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
	// BackendAMD64 compiles every contract and HyVM guest to amd64
	// machine code on its first run (translate/native.go); on other
	// platforms programs run as BackendClosure does.
	BackendAMD64
)

// Backends lists the backends, the default first.
func Backends() []Backend { return []Backend{BackendAuto, BackendInterp, BackendClosure, BackendAMD64} }

// String names b as its translate tier does.
func (b Backend) String() string {
	if b > BackendAMD64 {
		return fmt.Sprintf("Backend(%d)", b)
	}
	return b.tier().String()
}

// ParseBackend returns the backend named s.
func ParseBackend(s string) (Backend, error) {
	names := make([]string, 0, len(Backends()))
	for _, b := range Backends() {
		if s == b.String() {
			return b, nil
		}
		names = append(names, b.String())
	}
	return 0, fmt.Errorf("unknown backend %q (want %s)", s, strings.Join(names, ", "))
}

// Note returns what a user should know before running with b, empty if
// nothing: amd64 on a platform without machine code runs closures.
func (b Backend) Note() string {
	if b == BackendAMD64 && !amd64.Supported {
		return "no amd64 machine code on this platform: contracts and guests run as closures"
	}
	return ""
}

// tier returns the translate tier of b.
func (b Backend) tier() translate.Tier {
	switch b {
	case BackendInterp:
		return translate.TierInterp
	case BackendClosure:
		return translate.TierClosure
	case BackendAMD64:
		return translate.TierAMD64
	}
	return translate.TierAuto
}
