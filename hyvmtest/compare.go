package hyvmtest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hyvm/hyvm/hyvm"
)

// Compare returns one message per field of the result that differs from
// the case: success, returnData, gasUsed, logs, stateDiff. Refund and error
// text are informational in the format and not compared.
func Compare(c *Case, r *hyvm.Result) []string {
	var diffs []string
	if r.Success != c.Success {
		diffs = append(diffs, fmt.Sprintf("success: got %v (%v), want %v (%s)", r.Success, r.Err, c.Success, c.Error))
	}
	if !bytes.Equal(r.ReturnData, c.ReturnData) {
		diffs = append(diffs, fmt.Sprintf("returnData: got %s, want %s", short(hexutil.Encode(r.ReturnData)), short(c.ReturnData.String())))
	}
	if r.GasUsed != c.GasUsed {
		diffs = append(diffs, fmt.Sprintf("gasUsed: got %d, want %d (%+d)", r.GasUsed, c.GasUsed, int64(r.GasUsed)-int64(c.GasUsed)))
	}
	if d := firstDiff(logLines(r.Logs), wantLogLines(c.Logs)); d != "" {
		diffs = append(diffs, "logs: "+d)
	}
	if d := firstDiff(diffLines(r.StateDiff), wantDiffLines(c.StateDiff)); d != "" {
		diffs = append(diffs, "stateDiff: "+d)
	}
	return diffs
}

// firstDiff describes the first line where got and want differ, "" if none.
func firstDiff(got, want []string) string {
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("missing %s", short(want[i]))
		case i >= len(want):
			return fmt.Sprintf("unexpected %s", short(got[i]))
		case got[i] != want[i]:
			return fmt.Sprintf("got %s, want %s", short(got[i]), short(want[i]))
		}
	}
	return ""
}

func short(s string) string {
	if len(s) > 140 {
		return s[:140] + "…"
	}
	return s
}

func logLine(a common.Address, topics []common.Hash, data []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "log %s topics [", strings.ToLower(a.Hex()))
	for i, t := range topics {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Hex())
	}
	fmt.Fprintf(&b, "] data %s", hexutil.Encode(data))
	return b.String()
}

func logLines(logs []*types.Log) []string {
	out := make([]string, len(logs))
	for i, l := range logs {
		out[i] = logLine(l.Address, l.Topics, l.Data)
	}
	return out
}

func wantLogLines(logs []Log) []string {
	out := make([]string, len(logs))
	for i, l := range logs {
		out[i] = logLine(l.Address, l.Topics, l.Data)
	}
	return out
}

// Account changes are compared as sorted lines, one per changed field.

func diffLines(d hyvm.StateDiff) []string {
	var out []string
	for a, acc := range d {
		p := strings.ToLower(a.Hex()) + " "
		if acc.Created {
			out = append(out, p+"created")
		}
		if acc.Deleted {
			out = append(out, p+"deleted")
		}
		if b := acc.Balance; b != nil {
			out = append(out, p+"balance "+b.Pre.Hex()+" -> "+b.Post.Hex())
		}
		if n := acc.Nonce; n != nil {
			out = append(out, fmt.Sprintf("%snonce %d -> %d", p, n.Pre, n.Post))
		}
		if c := acc.Code; c != nil {
			out = append(out, p+"code "+hexutil.Encode(c.Pre)+" -> "+hexutil.Encode(c.Post))
		}
		for k, v := range acc.Storage {
			out = append(out, p+"storage "+k.Hex()+" "+v.Pre.Hex()+" -> "+v.Post.Hex())
		}
	}
	slices.Sort(out)
	return out
}

func wantDiffLines(d map[common.Address]AccountDiff) []string {
	var out []string
	for a, acc := range d {
		p := strings.ToLower(a.Hex()) + " "
		if acc.Created {
			out = append(out, p+"created")
		}
		if acc.Deleted {
			out = append(out, p+"deleted")
		}
		if b := acc.Balance; b != nil {
			out = append(out, p+"balance "+hexutil.EncodeBig(b.Pre.ToInt())+" -> "+hexutil.EncodeBig(b.Post.ToInt()))
		}
		if n := acc.Nonce; n != nil {
			out = append(out, fmt.Sprintf("%snonce %d -> %d", p, uint64(n.Pre), uint64(n.Post)))
		}
		if c := acc.Code; c != nil {
			out = append(out, p+"code "+hexutil.Encode(c.Pre)+" -> "+hexutil.Encode(c.Post))
		}
		for k, v := range acc.Storage {
			out = append(out, p+"storage "+k.Hex()+" "+v.Pre.Hex()+" -> "+v.Post.Hex())
		}
	}
	slices.Sort(out)
	return out
}
