package statetest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// collectFiles expands directories into the *.json files below them, each
// directory's files in lexical order; file arguments are taken as given.
func collectFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("fixture path: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", p, err)
		}
	}
	return files, nil
}

// loadFile decodes one fixture file: test name → test.
func loadFile(path string) (map[string]*fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading fixture: %w", err)
	}
	var tests map[string]*fixture
	if err := json.Unmarshal(data, &tests); err != nil {
		return nil, fmt.Errorf("%s: invalid state-test JSON: %w", path, err)
	}
	for name, t := range tests {
		if t == nil {
			return nil, fmt.Errorf("%s: test %q is null", path, name)
		}
	}
	return tests, nil
}
