package runtime_test

import (
	"bufio"
	"context"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/hyvm"
	"github.com/hyvm/hyvm/runtime"
)

// TestMeasureDistinctPrograms is a measurement, not a check: it runs
// HYVM_MEASURE_PROGRAMS (default 1,000,000) distinct small programs once
// each through one cache bounded to HYVM_MEASURE_BOUND bytes (default
// DefaultCacheBytes), as contracts
// (HYVM_MEASURE_MODE=evm) or HyVM guests (=hyvm), and logs the cache's
// count, the live heap and the process's peak RSS as it goes. Run one mode
// per process, since the peak is the process's:
//
//	HYVM_MEASURE_MODE=evm go test ./runtime/ -run TestMeasureDistinctPrograms -v -timeout 1h
func TestMeasureDistinctPrograms(t *testing.T) {
	mode := os.Getenv("HYVM_MEASURE_MODE")
	if mode == "" {
		t.Skip("a measurement: set HYVM_MEASURE_MODE=evm or hyvm to run it")
	}
	n, bound := envInt(t, "HYVM_MEASURE_PROGRAMS", 1_000_000), envInt(t, "HYVM_MEASURE_BOUND", 0)
	cache := runtime.NewCache(bound)
	db := runtime.NewMemoryDatabase()
	var st *state.StateDB
	base := liveHeapBytes()
	start := time.Now()
	for i := range uint32(n) {
		if i%1000 == 0 { // a fresh state now and then: the state is not what is measured
			var err error
			if st, err = state.New(types.EmptyRootHash, db); err != nil {
				t.Fatal(err)
			}
			st.SetBalance(testSender, uint256.NewInt(1e18), tracing.BalanceChangeUnspecified)
		}
		code := runtime.SmallProgram(i)
		switch mode {
		case "evm":
			st.SetCode(testContract, code, tracing.CodeChangeUnspecified)
			evm := runtime.NewEVM(testBlock(), st, blocks.Latest, runtime.Config{Cache: cache})
			out, _, err := evm.Call(context.Background(), testSender, testContract, nil, 100_000, new(uint256.Int))
			if err != nil || !returnsWord(out, i) {
				t.Fatalf("program %d: out %x, err %v", i, out, err)
			}
		case "hyvm":
			res, err := hyvm.Run(context.Background(), st, hyvm.Context{Host: testContract, Caller: testSender, Gas: 100_000, Cache: cache}, code)
			if err != nil || !res.Success || !returnsWord(res.ReturnData, i) {
				t.Fatalf("guest %d: %+v, err %v", i, res, err)
			}
		default:
			t.Fatalf("HYVM_MEASURE_MODE=%q: want evm or hyvm", mode)
		}
		if (i+1)%(uint32(n)/10) == 0 {
			var ms goruntime.MemStats
			goruntime.ReadMemStats(&ms)
			s := cache.Stats()
			t.Logf("%8d programs, %5.1fs: cache %+v; heap in use %d MB, RSS %d MB, peak RSS %d MB",
				i+1, time.Since(start).Seconds(), s, ms.HeapInuse>>20, procStatus(t, "VmRSS")>>10, procStatus(t, "VmHWM")>>10)
		}
	}
	s := cache.Stats()
	grown := liveHeapBytes() - base
	t.Logf("%s: %d programs in %.1fs; cache accounts for %d bytes (%d entries), the live heap grew %d bytes (ratio %.2f); peak RSS %d MB",
		mode, n, time.Since(start).Seconds(), s.Bytes, s.Entries, grown, float64(s.Bytes)/float64(grown), procStatus(t, "VmHWM")>>10)
	goruntime.KeepAlive(st)
	goruntime.KeepAlive(cache)
}

// envInt returns the integer in the environment variable name, or def.
func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

// liveHeapBytes returns the bytes of live heap objects, after collecting.
func liveHeapBytes() int64 {
	goruntime.GC()
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// procStatus returns a field of /proc/self/status in kB (VmRSS, VmHWM).
func procStatus(t *testing.T, field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatalf("read process status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("parse %s: %v", field, err)
			}
			return kb
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}
