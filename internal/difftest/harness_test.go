package difftest_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/internal/difftest"
)

// TestDifferentialDetectsMismatch checks that the comparison cannot pass
// silently: giving go-ethereum a slightly different pre-state must show up
// in exactly the field it affects.
func TestDifferentialDetectsMismatch(t *testing.T) {
	slot0 := common.Hash{}
	tests := []struct {
		name   string
		code   string
		mutate difftest.Mutator
		want   []string // substrings of the diff
	}{
		{"gas", `PUSH0 SLOAD POP STOP`,
			func(st *state.StateDB) { st.AddSlotToAccessList(difftest.Target, slot0) },
			[]string{"gas used: hyvm 2104, geth 104"}},
		{"return data", `PUSH0 SLOAD PUSH0 MSTORE PUSH 32 PUSH0 RETURN`,
			func(st *state.StateDB) { st.SetState(difftest.Target, slot0, common.Hash{31: 9}) },
			[]string{"return data: hyvm", "post-state root"}},
		{"status", `{missing} BALANCE @ok JUMPI PUSH0 PUSH0 REVERT ok: STOP`,
			func(st *state.StateDB) {
				st.AddBalance(difftest.Missing, uint256.NewInt(1), tracing.BalanceChangeUnspecified)
			},
			[]string{"status: hyvm revert", "account " + difftest.Missing.Hex()}},
		{"refund", `PUSH0 PUSH0 SSTORE STOP`,
			func(st *state.StateDB) { st.AddRefund(1) },
			[]string{"refund: hyvm 4800, geth 4801"}},
		{"logs", `PUSH0 PUSH0 LOG0 STOP`,
			func(st *state.StateDB) { st.AddLog(&types.Log{Address: difftest.Target}) },
			[]string{"logs: hyvm 1, geth 2"}},
		{"post-state", `STOP`,
			func(st *state.StateDB) { st.SetNonce(difftest.Coinbase, 7, tracing.NonceChangeUnspecified) },
			[]string{"post-state root", "account " + difftest.Coinbase.Hex()}},
	}
	r, err := difftest.NewRunner(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := corpusCase{name: tt.name, code: tt.code}
			c := cc.build(t, blocks.Osaka)
			if _, _, diff, err := r.Compare(c); err != nil || diff != "" {
				t.Fatalf("unmutated run differs: %v %s", err, diff)
			}
			_, _, diff, err := r.CompareMutated(c, nil, tt.mutate)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(diff, w) {
					t.Errorf("diff lacks %q:\n%s", w, diff)
				}
			}
		})
	}
}

// FuzzDifferential compares hyvm, on every tier, with go-ethereum on the
// generated program of a seed and on the fuzzer's bytes run as contract
// code.
func FuzzDifferential(f *testing.F) {
	f.Add(uint64(1), []byte{})
	f.Add(uint64(2), common.FromHex("600160005560206000f3"))
	f.Add(uint64(3), common.FromHex("5b600a5b6001900380600257005a60005260206000f3"))
	f.Add(uint64(4), common.FromHex("60006000600060006000735e7e5700000000000000000000000000000000075af13d600060003e"))
	f.Add(uint64(5), common.FromHex("7f6160016000f360005260066000f0"))
	// Runners hold state that must not be shared; fuzz workers take their own.
	runners := sync.Pool{New: func() any {
		r, err := difftest.NewRunner(nil)
		if err != nil {
			panic(err)
		}
		return r
	}}
	f.Fuzz(func(t *testing.T, seed uint64, code []byte) {
		// Longer inputs are cut to the initcode size limit rather than
		// dropped, so every fuzz input is compared.
		code = code[:min(len(code), 2*24576)]
		r := runners.Get().(*difftest.Runner)
		defer runners.Put(r)
		for _, base := range []*difftest.Case{difftest.Generate(seed), difftest.GenerateFromBytes(seed, code)} {
			for _, ti := range tiers {
				c := onTier(ti, base)
				_, _, diff, err := r.Compare(c)
				if err != nil {
					t.Fatal(err)
				}
				if diff != "" {
					t.Errorf("mismatch: %s", report(r, c, diff))
				}
			}
		}
	})
}
