package hyvm_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
)

// target is a contract that does sstore(0, 1).
var target = common.HexToAddress("0x00000000000000000000000000000000000c0de1")

func policyState(t testing.TB) *state.StateDB {
	st := newState(t)
	st.SetNonce(target, 1, tracing.NonceChangeUnspecified)
	st.SetCode(target, hx("600160005500"), tracing.CodeChangeUnspecified)
	return st
}

func runPolicy(t testing.TB, st *state.StateDB, guest []byte, gas uint64, static bool, p hyvm.Policy) *hyvm.Result {
	t.Helper()
	res, err := hyvm.Run(context.Background(), st, hyvm.Context{
		Fork:  blocks.Prague,
		Block: vm.BlockContext{BlockNumber: big.NewInt(1), GasLimit: 30_000_000},
		Host:  host, Caller: owner, Origin: owner, Gas: gas, Static: static, Depth: 1, Policy: p, StateDiff: true,
	}, guest)
	if err != nil {
		t.Fatalf("guest %x: %v", guest, err)
	}
	return res
}

// Native constant gas plus HyVM's overhead of the checked instructions: all
// a denied instruction costs.
const (
	callCost   = 100 + 101
	createCost = 32000 + 83
	sstoreCost = 0 + 65
	stopCost   = 65 // HyVM's dispatch of STOP, also paid running off the end
)

// prelude writes slot 0x10 and emits a log before the instruction under
// test, so that a denial visibly discards earlier effects; it also puts the
// selector a9059cbb at guest memory 0.
var prelude = hx("6001601055", "5f5fa0", "63a9059cbb60e01b5f52")

func TestPolicyPerOperation(t *testing.T) {
	tests := []struct {
		name string
		body []byte // ends with the checked instruction
		cost uint64
		deny hyvm.PolicyFuncs
		want any // the request the policy must see (Data compared apart)
		data []byte
	}{
		{
			name: "call with value",
			// CALL(0xffff, target, 5, in 0..0x44, out 0..0)
			body: hx("5f5f60445f600562", target.Hex()[36:], "61ffff", "f1"),
			cost: callCost,
			deny: hyvm.PolicyFuncs{Call: func(c *hyvm.CallRequest) bool { return c.Selector() != [4]byte{0xa9, 0x05, 0x9c, 0xbb} }},
			want: hyvm.CallRequest{Op: blocks.CALL, Host: host, Target: target, Value: *uint256.NewInt(5), Size: 0x44, Depth: 1},
			data: append(hx("a9059cbb"), make([]byte, 0x40)...),
		},
		{
			name: "staticcall",
			// STATICCALL(0xffff, 4, in 0..4, out 0..0)
			body: hx("5f5f60045f600461ffff", "fa"),
			cost: callCost,
			deny: hyvm.PolicyFuncs{Call: func(c *hyvm.CallRequest) bool { return c.Op != blocks.STATICCALL }},
			want: hyvm.CallRequest{Op: blocks.STATICCALL, Host: host, Target: common.BytesToAddress([]byte{4}), Size: 4, Depth: 1},
			data: hx("a9059cbb"),
		},
		{
			name: "delegatecall",
			body: hx("5f5f5f5f62", target.Hex()[36:], "61ffff", "f4"),
			cost: callCost,
			deny: hyvm.PolicyFuncs{Call: func(c *hyvm.CallRequest) bool { return c.Target != target }},
			want: hyvm.CallRequest{Op: blocks.DELEGATECALL, Host: host, Target: target, Depth: 1},
			data: []byte{},
		},
		{
			name: "create",
			// CREATE(value 0, offset 0, size 1): init code 0x00
			body: hx("60015f5f", "f0"),
			cost: createCost,
			deny: hyvm.PolicyFuncs{Create: func(c *hyvm.CreateRequest) bool { return false }},
			want: hyvm.CreateRequest{Op: blocks.CREATE, Host: host, InitCodeSize: 1, Depth: 1},
		},
		{
			name: "create2",
			body: hx("602a60015f5f", "f5"),
			cost: createCost,
			deny: hyvm.PolicyFuncs{Create: func(c *hyvm.CreateRequest) bool { return c.Op != blocks.CREATE2 }},
			want: hyvm.CreateRequest{Op: blocks.CREATE2, Host: host, Salt: *uint256.NewInt(42), InitCodeSize: 1, Depth: 1},
		},
		{
			name: "sstore",
			body: hx("60096001", "55"),
			cost: sstoreCost,
			deny: hyvm.PolicyFuncs{Store: func(s *hyvm.StoreRequest) bool { return s.Slot != common.BigToHash(big.NewInt(1)) }},
			want: hyvm.StoreRequest{Host: host, Slot: common.BigToHash(big.NewInt(1)), Value: common.BigToHash(big.NewInt(9)), Depth: 1},
		},
	}
	const gas = 1_000_000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			guest := append(bytes.Clone(prelude), tt.body...)
			free := runPolicy(t, policyState(t), guest, gas, false, nil)
			if !free.Success {
				t.Fatalf("without a policy: %v", free.Err)
			}

			// A policy that allows changes nothing.
			var seen []any
			var data []byte
			record := hyvm.PolicyFuncs{
				Call: func(c *hyvm.CallRequest) bool {
					data = c.Data
					c2 := *c
					c2.Data = nil
					seen = append(seen, c2)
					return true
				},
				Create: func(c *hyvm.CreateRequest) bool { seen = append(seen, *c); return true },
				Store:  func(s *hyvm.StoreRequest) bool { seen = append(seen, *s); return true },
			}
			allowed := runPolicy(t, policyState(t), guest, gas, false, record)
			if !sameResult(free, allowed) {
				t.Errorf("allowing policy changed the result:\n%+v\n%+v", free, allowed)
			}
			if last := seen[len(seen)-1]; !reflect.DeepEqual(last, tt.want) {
				t.Errorf("request: got %+v, want %+v", last, tt.want)
			}
			if tt.data != nil && !bytes.Equal(data, tt.data) {
				t.Errorf("call data: got %x, want %x", data, tt.data)
			}

			// A denial is revert(0, 0) right after the instruction's
			// constant gas: the run of everything before it, minus the STOP
			// it ended with, plus that gas.
			st := policyState(t)
			denied := runPolicy(t, st, guest, gas, false, tt.deny)
			prefix := runPolicy(t, policyState(t), guest[:len(guest)-1], gas, false, nil)
			wantGas := prefix.GasUsed - stopCost + tt.cost
			if denied.Success || !errors.Is(denied.Err, vm.ErrExecutionReverted) || len(denied.ReturnData) != 0 || denied.GasUsed != wantGas {
				t.Errorf("denied: success %v err %v ret %x gas %d; want revert(0, 0) with gas %d", denied.Success, denied.Err, denied.ReturnData, denied.GasUsed, wantGas)
			}
			if len(denied.Logs) != 0 || len(denied.StateDiff) != 0 {
				t.Errorf("denied run kept effects: logs %v diff %v", denied.Logs, denied.StateDiff)
			}
			if v := st.GetState(host, common.BigToHash(big.NewInt(0x10))); v != (common.Hash{}) {
				t.Errorf("slot 0x10 after denial: %v", v)
			}
		})
	}
}

// The smallest denial, priced by hand: start-up 204, two PUSH1 of 112, the
// SSTORE's 65. The policy comes before the static check and the sentry.
func TestPolicyDeniedStoreGas(t *testing.T) {
	deny := hyvm.PolicyFuncs{Store: func(*hyvm.StoreRequest) bool { return false }}
	guest := hx("6009600155")
	const used = 204 + 112 + 112 + sstoreCost
	for _, tt := range []struct {
		name   string
		gas    uint64
		static bool
	}{
		{"plain", 100_000, false},
		{"static", 100_000, true},
		{"at the sentry", used - sstoreCost + 2300, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if free := runPolicy(t, policyState(t), guest, tt.gas, tt.static, nil); (tt.static || tt.gas < 100_000) && free.GasUsed != tt.gas {
				t.Fatalf("without a policy the store should halt: %+v", free)
			}
			res := runPolicy(t, policyState(t), guest, tt.gas, tt.static, deny)
			if res.Success || !errors.Is(res.Err, vm.ErrExecutionReverted) || res.GasUsed != used {
				t.Errorf("got success %v err %v gas %d; want a revert using %d", res.Success, res.Err, res.GasUsed, used)
			}
		})
	}
}

// Only the guest's own instructions are checked: the contract it calls
// stores freely.
func TestPolicyIgnoresCallees(t *testing.T) {
	deny := hyvm.PolicyFuncs{Store: func(*hyvm.StoreRequest) bool { return false }}
	res := runPolicy(t, policyState(t), hx("5f5f5f5f5f62", target.Hex()[36:], "61ffff", "f1", "6000", "52", "6020", "6000", "f3"), 100_000, false, deny)
	if !res.Success || !bytes.Equal(res.ReturnData, common.FromHex(word(1))) {
		t.Fatalf("guest calling a storing contract: %+v", res)
	}
	if got := res.StateDiff[target].Storage[common.Hash{}].Post; got != common.BigToHash(big.NewInt(1)) {
		t.Errorf("callee's store: %v", got)
	}
}

// nestedGuest delegatecalls HyVM with inner (at most 32 bytes) and stores
// the call's status in slot 0x21, after storing 1 in slot 0x20.
func nestedGuest(inner []byte) []byte {
	return hx("6001602055",
		"7f"+common.Bytes2Hex(common.RightPadBytes(inner, 32)), "5f52", // mstore(0, inner)
		"5f5f60"+common.Bytes2Hex([]byte{byte(len(inner))}), "5f73", hyvm.Reference.Address.Hex()[2:], "62ffffff", "f4",
		"602155")
}

func TestPolicyNestedGuests(t *testing.T) {
	inner := hx("6009600155")
	guest := nestedGuest(inner)
	slot := func(res *hyvm.Result, n int64) common.Hash {
		return res.StateDiff[host].Storage[common.BigToHash(big.NewInt(n))].Post
	}
	one, nine := common.BigToHash(big.NewInt(1)), common.BigToHash(big.NewInt(9))

	free := runPolicy(t, policyState(t), guest, 1_000_000, false, nil)
	if !free.Success || slot(free, 1) != nine || slot(free, 0x21) != one {
		t.Fatalf("nested guest without a policy: %+v", free)
	}

	// Denying the inner guest's store fails only the inner frame; it
	// returns its gas like an inner guest ending in an unsupported opcode
	// at the same point (whose revert costs 71 instead of the SSTORE's 65).
	var depths []int
	innerOnly := hyvm.PolicyFuncs{Store: func(s *hyvm.StoreRequest) bool {
		depths = append(depths, s.Depth)
		return s.Depth == 1
	}}
	res := runPolicy(t, policyState(t), guest, 1_000_000, false, innerOnly)
	if !res.Success || slot(res, 0x20) != one || len(res.StateDiff[host].Storage) != 1 {
		t.Fatalf("inner store denied: %+v %v", res, res.StateDiff[host])
	}
	if !reflect.DeepEqual(depths, []int{1, 2, 1}) {
		t.Errorf("store depths %v, want [1 2 1]", depths)
	}
	aborted := runPolicy(t, policyState(t), nestedGuest(hx("600960010c")), 1_000_000, false, nil)
	if want := aborted.GasUsed - 71 + sstoreCost; res.GasUsed != want {
		t.Errorf("gas used with the inner store denied: %d, want %d", res.GasUsed, want)
	}

	// Denying the delegatecall into HyVM fails the outer guest.
	noNesting := hyvm.PolicyFuncs{Call: func(c *hyvm.CallRequest) bool { return c.Target != hyvm.Reference.Address }}
	res = runPolicy(t, policyState(t), guest, 1_000_000, false, noNesting)
	if res.Success || len(res.StateDiff) != 0 || !errors.Is(res.Err, vm.ErrExecutionReverted) {
		t.Errorf("nesting denied: %+v", res)
	}
}

// Offsets the policy sees are HyVM's rewritten ones: call data at a masked
// offset (2^160 + 0) is read from guest memory 0.
func TestPolicyMaskedCallData(t *testing.T) {
	var data []byte
	p := hyvm.PolicyFuncs{Call: func(c *hyvm.CallRequest) bool { data = c.Data; return true }}
	// mstore(0, 0xdeadbeef << 224); STATICCALL(0xffff, 4, in 2^160..+4, out 0..0)
	guest := hx("63deadbeef60e01b5f52", "5f5f6004", "7401"+"0000000000000000000000000000000000000000", "600461ffff", "fa")
	if res := runPolicy(t, policyState(t), guest, 100_000, false, p); !res.Success || !bytes.Equal(data, hx("deadbeef")) {
		t.Errorf("masked call data: %x (%+v)", data, res)
	}
	// Past the end of memory the data reads as zeros, and at most
	// DataLimit bytes are given.
	guest = hx("5f5f", "61ffff", "61ffff", "600461ffff", "fa")
	if res := runPolicy(t, policyState(t), guest, 1_000_000, false, p); !res.Success || !bytes.Equal(data, make([]byte, hyvm.DataLimit)) {
		t.Errorf("call data past memory: %d bytes %x (%+v)", len(data), data, res)
	}
}

func sameResult(a, b *hyvm.Result) bool {
	return a.Success == b.Success && bytes.Equal(a.ReturnData, b.ReturnData) && a.GasUsed == b.GasUsed &&
		len(a.Logs) == len(b.Logs) && reflect.DeepEqual(a.StateDiff, b.StateDiff) && a.Refund == b.Refund
}
