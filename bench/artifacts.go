package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
)

// Artifact is one compiled contract from testdata/contracts/build.
type Artifact struct {
	Initcode []byte // creation code, without constructor arguments
	ABI      abi.ABI
}

// Deploy returns the creation code with args ABI-encoded for the constructor.
func (a *Artifact) Deploy(args ...any) ([]byte, error) {
	enc, err := a.ABI.Pack("", args...)
	if err != nil {
		return nil, err
	}
	return append(bytes.Clone(a.Initcode), enc...), nil
}

// LoadArtifact reads build/<name>.bin and build/<name>.abi.json from dir.
func LoadArtifact(dir, name string) (*Artifact, error) {
	hex, err := os.ReadFile(filepath.Join(dir, "build", name+".bin"))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	code := common.FromHex(string(bytes.TrimSpace(hex)))
	if len(code) == 0 {
		return nil, fmt.Errorf("bench: %s: empty bytecode", name)
	}
	f, err := os.Open(filepath.Join(dir, "build", name+".abi.json"))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	parsed, err := abi.JSON(f)
	if err != nil {
		return nil, fmt.Errorf("bench: %s ABI: %w", name, err)
	}
	return &Artifact{Initcode: code, ABI: parsed}, nil
}

// ContractsDir finds testdata/contracts in the working directory or a parent
// (tests run inside package directories).
func ContractsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "testdata", "contracts")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("bench: testdata/contracts not found above the working directory")
		}
		dir = parent
	}
}
