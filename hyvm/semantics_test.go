package hyvm_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

var (
	host  = common.HexToAddress("0x7fa9385be102ac3eac297483dd6233d62b3e1496")
	owner = common.HexToAddress("0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38")
)

func newState(t testing.TB) *state.StateDB {
	st, err := state.New(types.EmptyRootHash, runtime.NewMemoryDatabase())
	if err != nil {
		t.Fatal(err)
	}
	st.SetNonce(host, 1, tracing.NonceChangeUnspecified)
	st.SetBalance(host, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
	st.SetNonce(hyvm.Reference.Address, 1, tracing.NonceChangeUnspecified)
	return st
}

func run(t testing.TB, guest []byte, gas uint64, static bool, cache *runtime.Cache) *hyvm.Result {
	t.Helper()
	res, err := hyvm.Run(context.Background(), newState(t), hyvm.Context{
		Fork:  blocks.Prague,
		Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Host:  host, Caller: owner, Origin: owner, Gas: gas, Static: static, Depth: 1, Cache: cache,
	}, guest)
	if err != nil {
		t.Fatalf("guest %x: %v", guest, err)
	}
	return res
}

// hx builds a guest from hex pieces; "*n" after a piece repeats it n times.
func hx(parts ...string) []byte {
	var b []byte
	for _, p := range parts {
		piece, rep := p, 1
		if i := strings.IndexByte(p, '*'); i >= 0 {
			piece = p[:i]
			rep, _ = strconv.Atoi(p[i+1:])
		}
		b = append(b, bytes.Repeat(common.FromHex(piece), rep)...)
	}
	return b
}

func word(v uint64) string { return common.BigToHash(new(big.Int).SetUint64(v)).Hex() }

const allGas = ^uint64(0) // gasUsed: everything (exceptional halt)

// Expected gas is HyVM's: start-up 204, then per instruction native gas +
// overhead (PUSHn 112, PUSH0 68 in total, ...), memory charged on 0x340 +
// guest size (gas-overhead.md).
func TestSemantics(t *testing.T) {
	two160 := "74" + "01" + strings.Repeat("00", 20) // PUSH21 2^160
	tests := []struct {
		name    string
		guest   []byte
		ok      bool
		ret     string
		gasUsed uint64
	}{
		{"empty", nil, true, "0x", 269},
		{"stop", hx("00"), true, "0x", 269},
		{"run off end", hx("6001"), true, "0x", 381},
		{"truncated push32", hx("7f01"), true, "0x", 381},
		{"truncated push2 at end", hx("6001", "61ff"), true, "0x", 493},
		{"mstore offset masked", hx("6042", two160, "52", "6020", "6000", "f3"), true, word(0x42), 812},
		{"return offset masked", hx("6042", "6000", "52", "6020", two160, "f3"), true, word(0x42), 812},
		{"offset low bits too big", hx("6001", "67ffffffffffffffff", "52"), false, "0x", allGas},
		{"zero size at huge offset", hx("6000", "7f"+strings.Repeat("ff", 32), "f3"), true, "0x", 204 + 112*2 + 77},
		{"msize excludes reserved area", hx("59", "6000", "52", "59", "6020", "52", "6040", "6000", "f3"), true,
			word(0) + word(0x20)[2:], 1065},
		{"calldata is empty", hx("6000", "35", "36", "01", "6000", "52", "6020", "6000", "f3"), true, word(0),
			204 + 112 + 70 + 68 + 68 + 112 + 83 + 224 + 77},
		{"codesize is the guest's", hx("38", "6000", "52", "6020", "6000", "f3"), true, word(9), 204 + 67 + 112 + 83 + 224 + 77},
		{"pc", hx("5b", "58", "6000", "52", "6020", "6000", "f3"), true, word(1), 204 + 65 + 77 + 112 + 83 + 224 + 77},
		{"jump into push data", hx("6004", "56", "625b602a", "6000", "52", "6020", "6000", "f3"), true, word(0x2a), 1038},
		{"jump into push data then underflow", hx("600456625b60010160005260206000f3"), false, "0x", allGas},
		{"jump to non-jumpdest", hx("600456000000"), false, "0x", 437},
		{"jump past end", hx("61100056"), false, "0x", 437},
		{"jump to huge dest", hx("7f"+strings.Repeat("ff", 32), "56"), false, "0x", 437},
		{"jumpi taken to bad dest", hx("6001606357601160005260206000f3"), false, "0x", 566},
		{"jumpi not taken to bad dest", hx("6000606357601160005260206000f3"), true, word(0x11), 1119},
		{"jumpi taken", hx("600261001057601160005260206000f35b602260005260206000f3"), true, word(0x22), 1167},
		{"loop", hx("6000600a5b908101906001900380610004575060005260206000f3"), true, word(55), 9318},
		{"jumpdest in straight line", hx("5b5b5860005260206000f3"), true, word(2), 907},
		{"callcode reverts", hx("f2"), false, "0x", 275},
		{"selfdestruct reverts", hx("6000ff"), false, "0x", 387},
		{"tstore reverts", hx("6001", "6001", "5d"), false, "0x", 204 + 224 + 71},
		{"invalid halts", hx("fe"), false, "0x", allGas},
		{"underflow", hx("01"), false, "0x", allGas},
		{"push0 x1021", hx("5f*1021"), true, "0x", 204 + 1021*68 + 65},
		{"push0 x1022", hx("5f*1022"), false, "0x", allGas},
		{"dup1 to 1021", hx("5f", "80*1020"), true, "0x", 204 + 68 + 1020*68 + 65},
		{"dup1 to 1022", hx("5f", "80*1021"), false, "0x", allGas},
		{"push1 x1020", hx("6001*1020"), true, "0x", 204 + 1020*112 + 65},
		{"push1 x1021", hx("6001*1021"), false, "0x", allGas},
		{"push32 x1020 then pop", hx("7f"+strings.Repeat("11", 32)+"*1020", "50"), true, "0x", 204 + 1020*112 + 67 + 65},
		{"push1 on 1020 items", hx("5f*1020", "6001"), false, "0x", allGas},
		{"gas sees HyVM overhead", hx("5a60005260206000f3"), true, word(3_000_000 - 271), 767},
		{"below start-up gas", nil, false, "0x", allGas},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gas := uint64(3_000_000)
			if tt.name == "below start-up gas" {
				gas = 203
			}
			res := run(t, tt.guest, gas, false, nil)
			want := tt.gasUsed
			if want == allGas {
				want = gas
			}
			if res.Success != tt.ok || !bytes.Equal(res.ReturnData, common.FromHex(tt.ret)) || res.GasUsed != want {
				t.Errorf("got success %v ret %x gas %d (%v); want %v %s %d", res.Success, res.ReturnData, res.GasUsed, res.Err, tt.ok, tt.ret, want)
			}
			if !tt.ok && res.GasUsed < gas && !errors.Is(res.Err, vm.ErrExecutionReverted) {
				t.Errorf("failure returning gas is %v, want a revert", res.Err)
			}
		})
	}
}

// Every byte of HyVM's unsupported opcodes ends the frame with revert(0, 0)
// and 71 gas, without reading the stack.
func TestUnsupportedOpcodes(t *testing.T) {
	var unsupported []byte
	for _, r := range [][2]byte{{0x0c, 0x0f}, {0x1e, 0x1f}, {0x21, 0x2f}, {0x49, 0x4f}, {0x5c, 0x5e}, {0xa5, 0xef}, {0xf6, 0xf9}} {
		for op := int(r[0]); op <= int(r[1]); op++ {
			unsupported = append(unsupported, byte(op))
		}
	}
	unsupported = append(unsupported, 0xf2, 0xfb, 0xfc, 0xff)
	for _, op := range unsupported {
		res := run(t, []byte{op}, 100_000, false, nil)
		if res.Success || len(res.ReturnData) != 0 || res.GasUsed != 275 || !errors.Is(res.Err, vm.ErrExecutionReverted) {
			t.Errorf("opcode %#x: success %v ret %x gas %d err %v; want revert(0,0) with 275 gas", op, res.Success, res.ReturnData, res.GasUsed, res.Err)
		}
	}
}

func TestStaticContext(t *testing.T) {
	res := run(t, hx("6001600155"), 100_000, true, nil)
	if res.Success || res.GasUsed != 100_000 {
		t.Errorf("SSTORE in static HyVM: %+v", res)
	}
	if res := run(t, hx("6001600155"), 100_000, false, nil); !res.Success || len(res.StateDiff[host].Storage) != 1 {
		t.Errorf("SSTORE: %+v", res)
	}
}

// Bad input is a result, never a Go error or panic: huge guests and random
// garbage included.
func TestBadGuests(t *testing.T) {
	if res := run(t, make([]byte, 1<<20), 3_000_000, false, nil); !res.Success || res.GasUsed != 269 {
		t.Errorf("1 MiB of zeros: %+v", res)
	}
	if res := run(t, bytes.Repeat([]byte{0x5b}, 1<<20), 3_000_000, false, nil); res.Success || res.GasUsed != 3_000_000 {
		t.Errorf("1 MiB of JUMPDESTs: %+v", res)
	}
	// A loop jumping back onto a 0x5b inside its own PUSH data.
	if res := run(t, hx("605b600156"), 100_000, false, nil); res.Success || res.GasUsed != 100_000 {
		t.Errorf("endless loop: %+v", res)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cache := runtime.NewCache(0)
	for i := range 500 {
		guest := make([]byte, rng.IntN(300))
		for j := range guest {
			guest[j] = byte(rng.UintN(256))
		}
		const gas = 200_000
		res := run(t, guest, gas, false, cache)
		if res.GasUsed > gas || (res.Success && res.Err != nil) {
			t.Fatalf("guest %d %x: %+v", i, guest, res)
		}
		if !res.Success && !errors.Is(res.Err, vm.ErrExecutionReverted) && res.GasUsed != gas {
			t.Fatalf("guest %d %x: exceptional halt %v left gas", i, guest, res.Err)
		}
		if !res.Success && (len(res.Logs) != 0 || len(res.StateDiff) != 0) {
			t.Fatalf("guest %d %x: failed run kept effects", i, guest)
		}
		if again := run(t, guest, gas, false, cache); again.GasUsed != res.GasUsed || !bytes.Equal(again.ReturnData, res.ReturnData) {
			t.Fatalf("guest %d %x: cached translation differs", i, guest)
		}
	}
}
