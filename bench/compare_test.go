package bench

import (
	"strings"
	"testing"
	"time"
)

func TestCompare(t *testing.T) {
	cases := []Case{
		{Suite: "micro", Benchmark: "store", Input: "a", Code: []byte{0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3}, Gas: 100_000},
	}
	var steps []string
	cfg := Config{Engines: []string{EngineHyvm, EngineGeth}, Time: time.Millisecond, Count: 2, Progress: func(step, total int, what string) {
		steps = append(steps, what)
		if step != len(steps) || total != 3 {
			t.Errorf("step %d of %d at %q", step, total, what)
		}
	}}
	r, err := Compare(cases, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(steps, ", "); got != "check micro/store/a, micro/store/a hyvm, micro/store/a geth" {
		t.Errorf("progress: %s", got)
	}
	if len(r.Rows) != 1 || r.Rows[0].Name != "micro/store/a" || len(r.Rows[0].Stats) != 2 {
		t.Fatalf("report: %+v", r)
	}
	if _, ok := r.Ratio(&r.Rows[0]); !ok {
		t.Errorf("no ratio: %+v", r.Rows[0])
	}
}

func TestCompareErrors(t *testing.T) {
	invalid := []Case{{Suite: "micro", Benchmark: "invalid", Input: "a", Code: []byte{0xfe}, Gas: 100_000}}
	for _, tt := range []struct {
		name    string
		cases   []Case
		engines []string
		want    string
	}{
		{"reference fails", invalid, Engines(), "micro/invalid/a: go-ethereum failed: invalid opcode"},
		{"no engines", invalid, nil, "no engines"},
		{"unknown engine", invalid, []string{"evmone"}, `unknown engine "evmone"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compare(tt.cases, Config{Engines: tt.engines, Time: time.Millisecond, Count: 1})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestAgree(t *testing.T) {
	c := &Case{Suite: "micro", Benchmark: "b", Input: "i"}
	want := Result{Output: []byte{1}, GasUsed: 10}
	if err := agree(c, EngineHyvm, want, want); err != nil {
		t.Errorf("same results: %v", err)
	}
	err := agree(c, EngineHyvm, Result{Output: make([]byte, 100), GasUsed: 11}, want)
	if err == nil || err.Error() != "bench: micro/b/i: hyvm disagrees with go-ethereum: status ok, gas 11, output 0x"+
		strings.Repeat("00", 64)+"... (100 bytes); go-ethereum: status ok, gas 10, output 0x01" {
		t.Errorf("error %v", err)
	}
}
