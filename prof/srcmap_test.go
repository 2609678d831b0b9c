package prof_test

import (
	"context"
	"encoding/json"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/prof"
	"github.com/hyvm/hyvm/runtime"
)

// contracts is the testdata contracts' solc build.
const contracts = "../testdata/contracts"

// artifact is one contract of the build.
type artifact struct {
	abi       abi.ABI
	bin       []byte
	srcmap    string
	generated []prof.SourceFile // the compiler's own sources its source map names
}

func load(t *testing.T, name string) artifact {
	t.Helper()
	read := func(suffix string) string {
		b, err := os.ReadFile(filepath.Join(contracts, "build", name+suffix))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	a, err := abi.JSON(strings.NewReader(read(".abi.json")))
	if err != nil {
		t.Fatal(err)
	}
	var gen []struct {
		ID        int
		File      string
		Content   string
		Functions []prof.Function
	}
	if err := json.Unmarshal([]byte(read(".runtime.generated.json")), &gen); err != nil {
		t.Fatal(err)
	}
	art := artifact{abi: a, bin: common.FromHex(read(".bin")), srcmap: read(".runtime.srcmap")}
	for _, g := range gen {
		art.generated = append(art.generated, prof.SourceFile{ID: g.ID, Name: g.File, Content: []byte(g.Content), Functions: g.Functions})
	}
	return art
}

// sources reads the build's sources.json and the .sol files it names.
func sources(t *testing.T) []prof.SourceFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(contracts, "build", "sources.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		ID        int
		File      string
		Functions []prof.Function
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	var out []prof.SourceFile
	for _, s := range list {
		content, err := os.ReadFile(filepath.Join(contracts, s.File))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, prof.SourceFile{ID: s.ID, Name: s.File, Content: content, Functions: s.Functions})
	}
	return out
}

// exchange is the testdata exchange deployed (three tokens, the factory,
// the router, two pairs with liquidity) and a two-hop router swap to
// profile on a copy of its state.
type exchange struct {
	maps  map[common.Address]*prof.SourceMap // each contract's, from the build's files
	names map[common.Address]string          // each contract's name
	code  map[common.Address][]byte
	swap  func(opts prof.Options) (p *prof.Profiler, used uint64)
}

func deployExchange(t *testing.T) *exchange {
	token, factory, router, pair := load(t, "Token"), load(t, "Factory"), load(t, "Router"), load(t, "Pair")
	st := newState(t)
	ctx := context.Background()
	evm := runtime.NewEVM(block(), st, blocks.Latest, runtime.Config{})
	pack := func(a artifact, method string, args ...any) []byte {
		data, err := a.abi.Pack(method, args...)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	create := func(a artifact, args ...any) common.Address {
		_, addr, _, err := evm.Create(ctx, sender, append(a.bin, pack(a, "", args...)...), 10_000_000, new(uint256.Int))
		if err != nil {
			t.Fatal(err)
		}
		return addr
	}
	call := func(to common.Address, data []byte) []byte {
		out, _, err := evm.Call(ctx, sender, to, data, 10_000_000, new(uint256.Int))
		if err != nil {
			t.Fatalf("call %x: %v", data[:4], err)
		}
		return out
	}
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	var tokens [3]common.Address
	for i := range tokens {
		tokens[i] = create(token, "T", "T")
		call(tokens[i], pack(token, "mint", sender, eth(1_000_000)))
	}
	fac := create(factory)
	rt := create(router, fac)
	pairOf := func(x, y common.Address) common.Address {
		call(fac, pack(factory, "createPair", x, y))
		return common.BytesToAddress(call(fac, pack(factory, "getPair", x, y)))
	}
	pairs := []common.Address{pairOf(tokens[0], tokens[1]), pairOf(tokens[1], tokens[2])}
	for i, p := range pairs {
		call(tokens[i], pack(token, "transfer", p, eth(1000)))
		call(tokens[i+1], pack(token, "transfer", p, eth(2000)))
		call(p, pack(pair, "mint", sender))
	}
	call(tokens[0], pack(token, "approve", rt, eth(100)))
	st.Finalise(runtime.Rules(blocks.Latest))

	files := sources(t)
	maps := map[common.Address]*prof.SourceMap{}
	names := map[common.Address]string{rt: "Router", pairs[0]: "Pair", pairs[1]: "Pair", tokens[0]: "Token", tokens[1]: "Token", tokens[2]: "Token"}
	code := map[common.Address][]byte{}
	for addr, a := range map[common.Address]artifact{rt: router, pairs[0]: pair, pairs[1]: pair, tokens[0]: token, tokens[1]: token, tokens[2]: token} {
		code[addr] = st.GetCode(addr)
		m, err := prof.NewSourceMap(st.GetCode(addr), a.srcmap, append(append([]prof.SourceFile(nil), files...), a.generated...))
		if err != nil {
			t.Fatal(err)
		}
		maps[addr] = m
	}
	input := pack(router, "swapExactTokensForTokens", eth(10), big.NewInt(1), tokens[:], sender, big.NewInt(1_000_000))
	return &exchange{maps: maps, names: names, code: code, swap: func(opts prof.Options) (*prof.Profiler, uint64) {
		p := prof.New(opts)
		traced := runtime.NewEVM(block(), st.Copy(), blocks.Latest, runtime.Config{Tracer: p.Hooks()})
		const gas = 1_000_000
		_, left, err := traced.Call(ctx, sender, rt, input, gas, new(uint256.Int))
		if err != nil {
			t.Fatal(err)
		}
		return p, gas - left
	}}
}

// TestProfileSourceLines profiles the exchange's two-hop router swap with
// the contracts' source maps: the gas adds up to what the call used, and
// it lands on Router.sol, Pair.sol and Token.sol functions
// (Router.swapExactTokensForTokens, Pair.swap, Token.transferFrom,
// Token.transfer) at lines inside their files.
func TestProfileSourceLines(t *testing.T) {
	ex := deployExchange(t)
	files := sources(t)
	p, used := ex.swap(prof.Options{SourceMaps: ex.maps})
	if p.Gas() != used {
		t.Errorf("samples add up to %d gas, the swap used %d", p.Gas(), used)
	}
	byFunction := map[string]int64{}
	pp := p.Profile()
	var unmapped int64
	for _, s := range pp.Sample {
		l := s.Location[0].Line[0] // the leaf
		byFunction[l.Function.Name] += s.Value[0]
		switch f := l.Function.Filename; {
		case strings.HasSuffix(f, ".sol") || strings.HasSuffix(f, ".yul"):
			if l.Line <= 0 || int(l.Line) > lineCount(files, f) {
				t.Errorf("%s line %d", f, l.Line)
			}
		case common.IsHexAddress(f): // solc maps the instruction to no source
			unmapped += s.Value[0]
		default:
			t.Errorf("a sample in %q", f)
		}
	}
	t.Logf("%d gas on instructions solc maps to no source", unmapped)
	for _, want := range []string{"Router.swapExactTokensForTokens", "Pair.swap", "Token.transferFrom", "Token.transfer"} {
		if byFunction[want] <= 0 {
			t.Errorf("no gas in %s: %v", want, byFunction)
		}
	}
	var files2 []string
	for _, f := range pp.Function {
		files2 = append(files2, f.Filename)
	}
	joined := strings.Join(files2, " ")
	for _, want := range []string{"Router.sol", "Pair.sol", "Token.sol"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no function of %s in the profile: %s", want, joined)
		}
	}
	t.Logf("%d gas by function: %v", used, byFunction)
	if *flagOut != "" {
		f, err := os.Create(*flagOut)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pp.Write(f); err != nil {
			t.Fatal(err)
		}
	}
}

// flagOut writes the swap's profile, for a look with go tool pprof.
var flagOut = flag.String("prof.out", "", "write TestProfileSourceLines' profile to `FILE`")

// lineCount is the number of lines of source file name: a compiler
// generated .yul file is not among files and is not checked (it passes);
// a .sol file not found has no lines.
func lineCount(files []prof.SourceFile, name string) int {
	for _, f := range files {
		if f.Name == name {
			return strings.Count(string(f.Content), "\n") + 1
		}
	}
	if strings.HasSuffix(name, ".yul") {
		return 1 << 30
	}
	return 0
}
