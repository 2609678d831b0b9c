package prof

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Compilation is what a profile needs of a solc compilation: each
// contract's runtime code with its source map, and the sources with their
// functions. Read it from solc's standard-JSON output (ReadCompilation) and
// match deployed code against it (SourceMap).
type Compilation struct {
	contracts []compiledContract
	files     []SourceFile
}

// compiledContract is one contract's runtime code as the compiler wrote
// it: the immutables' bytes are zero until the constructor fills them in.
type compiledContract struct {
	name       string // Contract, or file:Contract when two files define it
	code       []byte
	immutables [][2]int // start, length
	srcmap     string
	generated  []SourceFile
}

// standardOutput is the part of solc's standard-JSON output read here
// (outputSelection: evm.deployedBytecode.object, .sourceMap,
// .generatedSources, .immutableReferences, and the sources' "ast").
type standardOutput struct {
	Sources map[string]struct {
		ID  int             `json:"id"`
		AST json.RawMessage `json:"ast"`
	} `json:"sources"`
	Contracts map[string]map[string]struct {
		EVM struct {
			DeployedBytecode struct {
				Object              string `json:"object"`
				SourceMap           string `json:"sourceMap"`
				GeneratedSources    []generatedSource
				ImmutableReferences map[string][]struct{ Start, Length int } `json:"immutableReferences"`
			} `json:"deployedBytecode"`
		} `json:"evm"`
	} `json:"contracts"`
}

// generatedSource is a compiler-generated Yul source of one contract's code.
type generatedSource struct {
	ID       int             `json:"id"`
	Name     string          `json:"name"`
	Contents string          `json:"contents"`
	AST      json.RawMessage `json:"ast"`
}

// astNode is the part of a Solidity or Yul AST node read here.
type astNode struct {
	NodeType string `json:"nodeType"`
	Name     string `json:"name"`
	Kind     string `json:"kind"` // a function's: constructor, receive, fallback
	Src      string `json:"src"`
}

// ReadCompilation reads solc's standard-JSON output. The output names its
// sources but does not hold their text: source returns the content of each
// (the input's sources[name].content, or the file).
func ReadCompilation(output []byte, source func(name string) ([]byte, error)) (*Compilation, error) {
	var out standardOutput
	if err := json.Unmarshal(output, &out); err != nil {
		return nil, fmt.Errorf("prof: solc standard-JSON output: %w", err)
	}
	c := &Compilation{}
	for name, s := range out.Sources {
		content, err := source(name)
		if err != nil {
			return nil, fmt.Errorf("prof: source %s: %w", name, err)
		}
		fns, err := functions(s.AST, true)
		if err != nil {
			return nil, fmt.Errorf("prof: source %s: %w", name, err)
		}
		c.files = append(c.files, SourceFile{ID: s.ID, Name: name, Content: content, Functions: fns})
	}
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].ID < c.files[j].ID })
	defined := map[string]int{}
	for _, contracts := range out.Contracts {
		for name := range contracts {
			defined[name]++
		}
	}
	for file, contracts := range out.Contracts {
		for name, ct := range contracts {
			d := ct.EVM.DeployedBytecode
			if d.Object == "" {
				continue // an interface or abstract contract
			}
			if d.SourceMap == "" {
				return nil, fmt.Errorf("prof: %s:%s has no source map (select evm.deployedBytecode.sourceMap)", file, name)
			}
			code, err := hexBytes(d.Object)
			if err != nil {
				return nil, fmt.Errorf("prof: %s:%s: runtime code: %w", file, name, err)
			}
			cc := compiledContract{name: name, code: code, srcmap: d.SourceMap}
			if defined[name] > 1 {
				cc.name = file + ":" + name
			}
			for _, refs := range d.ImmutableReferences {
				for _, r := range refs {
					cc.immutables = append(cc.immutables, [2]int{r.Start, r.Length})
				}
			}
			for _, g := range d.GeneratedSources {
				fns, err := functions(g.AST, false)
				if err != nil {
					return nil, fmt.Errorf("prof: %s:%s: %s: %w", file, name, g.Name, err)
				}
				cc.generated = append(cc.generated, SourceFile{ID: g.ID, Name: g.Name, Content: []byte(g.Contents), Functions: fns})
			}
			if _, err := NewSourceMap(code, cc.srcmap, nil); err != nil {
				return nil, fmt.Errorf("%s:%s: %w", file, name, err)
			}
			c.contracts = append(c.contracts, cc)
		}
	}
	sort.Slice(c.contracts, func(i, j int) bool { return c.contracts[i].name < c.contracts[j].name })
	return c, nil
}

// SourceMap returns the source map of deployed code compiled in c and the
// contract's name. The code matches a contract's runtime code but for its
// immutables (which the constructor sets) and, when the compiler appended
// metadata, the metadata hash is part of the code compared: a different
// build of the same source does not match.
func (c *Compilation) SourceMap(code []byte) (*SourceMap, string, bool) {
	for i := range c.contracts {
		cc := &c.contracts[i]
		if !cc.matches(code) {
			continue
		}
		files := append(append([]SourceFile(nil), c.files...), cc.generated...)
		m, err := NewSourceMap(code, cc.srcmap, files)
		if err != nil {
			return nil, "", false // checked to parse when read
		}
		return m, cc.name, true
	}
	return nil, "", false
}

// Files returns the compilation's sources (not the generated ones).
func (c *Compilation) Files() []SourceFile { return c.files }

// matches reports whether code is cc's runtime code with its immutables
// filled in.
func (cc *compiledContract) matches(code []byte) bool {
	if len(code) != len(cc.code) {
		return false
	}
	masked := code
	if len(cc.immutables) > 0 {
		masked = bytes.Clone(code)
		for _, r := range cc.immutables {
			if r[0] >= 0 && r[0]+r[1] <= len(masked) {
				clear(masked[r[0] : r[0]+r[1]])
			}
		}
	}
	return bytes.Equal(masked, cc.code)
}

// functions lists the functions and modifiers in an AST: in Solidity, as
// Contract.name (constructor, receive and fallback by their kind); in Yul
// (the generated sources), by name.
func functions(ast json.RawMessage, solidity bool) ([]Function, error) {
	var fns []Function
	var walk func(raw json.RawMessage, contract string) error
	walk = func(raw json.RawMessage, contract string) error {
		switch {
		case len(raw) == 0:
			return nil
		case raw[0] == '[':
			var list []json.RawMessage
			if err := json.Unmarshal(raw, &list); err != nil {
				return err
			}
			for _, v := range list {
				if err := walk(v, contract); err != nil {
					return err
				}
			}
		case raw[0] == '{':
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(raw, &fields); err != nil {
				return err
			}
			var n astNode
			if err := json.Unmarshal(raw, &n); err != nil {
				return err
			}
			name, isFunc := "", false
			switch n.NodeType {
			case "ContractDefinition":
				contract = n.Name
			case "FunctionDefinition", "ModifierDefinition":
				isFunc = solidity
				name = n.Name
				if name == "" {
					name = n.Kind
				}
				name = contract + "." + name
			case "YulFunctionDefinition":
				isFunc, name = !solidity, n.Name
			}
			if isFunc && n.Src != "" {
				start, length, err := srcRange(n.Src)
				if err != nil {
					return fmt.Errorf("%s %s: %w", n.NodeType, name, err)
				}
				fns = append(fns, Function{Name: name, Start: start, Length: length})
			}
			keys := make([]string, 0, len(fields))
			for k := range fields {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if v := fields[k]; len(v) > 0 && (v[0] == '{' || v[0] == '[') {
					if err := walk(v, contract); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := walk(ast, ""); err != nil {
		return nil, err
	}
	return fns, nil
}

// srcRange parses an AST node's "start:length:file".
func srcRange(src string) (start, length int, err error) {
	parts := strings.Split(src, ":")
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("src %q: want start:length:file", src)
	}
	if start, err = strconv.Atoi(parts[0]); err == nil {
		length, err = strconv.Atoi(parts[1])
	}
	if err != nil {
		return 0, 0, fmt.Errorf("src %q: %w", src, err)
	}
	return start, length, nil
}

// hexBytes decodes hex with or without 0x; an unlinked library's
// placeholder (__$...$__) is an error.
func hexBytes(s string) ([]byte, error) {
	if strings.Contains(s, "__") {
		return nil, errors.New("unlinked library placeholder")
	}
	return hex.DecodeString(strings.TrimPrefix(s, "0x"))
}
