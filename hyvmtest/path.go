package hyvmtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SharedVectors finds shared/hyvm/vectors.json: the shared directory sits
// next to the repository root (the directory holding go.mod, above the
// working directory) or one level above it when the repository is a
// worktree directory; HYVM_VECTORS overrides it.
func SharedVectors() (string, error) {
	if p := os.Getenv("HYVM_VECTORS"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			return "", errors.New("repository root (go.mod) not found above the working directory")
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "hyvm", "vectors.json")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("shared/hyvm/vectors.json not found beside or above the repository root %s; "+
				"check out shared/ next to the repository or set HYVM_VECTORS", dir)
		}
	}
}
