package fork_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hyvm/hyvm/fork"
	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/runtime"
)

// TestForkBadInput checks that each way an endpoint can fail a fork is one
// clear error, never a panic or a result: a block it does not have, no
// endpoint at all, one that answers something other than JSON-RPC, and a
// node whose account proofs are garbage (the simulation then fails with an
// internal error wrapping a *fork.Error, its state left as it was).
func TestForkBadInput(t *testing.T) {
	c := devchain.New(t)
	ctx := context.Background()
	isForkError := func(t *testing.T, err error, want string) {
		t.Helper()
		var ferr *fork.Error
		if !errors.As(err, &ferr) || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v (%T), want a *fork.Error saying %q", err, err, want)
		}
		t.Log(err)
	}
	t.Run("block the node does not have", func(t *testing.T) {
		_, err := fork.Dial(ctx, c.URL, fork.Options{Block: c.Head.Number.Uint64() + 1000, Retries: -1})
		isForkError(t, err, "no such block")
	})
	t.Run("no endpoint", func(t *testing.T) {
		_, err := fork.Dial(ctx, "http://127.0.0.1:1", fork.Options{Retries: -1})
		isForkError(t, err, "the latest block number")
	})
	t.Run("not JSON-RPC", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>502 Bad Gateway</html>")
		}))
		defer srv.Close()
		_, err := fork.Dial(ctx, srv.URL, fork.Options{Block: 1, Retries: -1})
		isForkError(t, err, "header")
	})
	t.Run("garbage proofs", func(t *testing.T) {
		// A proxy to the node that spoils eth_getProof's answers.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			resp, err := http.Post(c.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			if bytes.Contains(body, []byte("eth_getProof")) {
				out = spoilProofs(t, out)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(out)
		}))
		defer srv.Close()
		cache, err := fork.Dial(ctx, srv.URL, fork.Options{Block: c.Head.Number.Uint64(), Retries: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer cache.Close()
		got := simulate(t, c, cache, c.Pack(t, "totalSupply"), false)
		if !errors.Is(got.err, runtime.ErrInternal) || got.out != nil || len(got.logs) != 0 {
			t.Fatalf("got %v, want an internal error and nothing else", got)
		}
		isForkError(t, got.err, "account")
	})
}

// spoilProofs replaces the balance in every eth_getProof result of a
// JSON-RPC answer (one or a batch) by something that is not a number.
func spoilProofs(t *testing.T, answer []byte) []byte {
	var batch []map[string]any
	single := false
	if err := json.Unmarshal(answer, &batch); err != nil {
		var one map[string]any
		if err := json.Unmarshal(answer, &one); err != nil {
			t.Errorf("the node's answer is not JSON: %s", answer)
			return answer
		}
		batch, single = []map[string]any{one}, true
	}
	for _, m := range batch {
		if res, ok := m["result"].(map[string]any); ok {
			if _, ok := res["accountProof"]; ok {
				res["balance"] = "a lot"
			}
		}
	}
	var out []byte
	if single {
		out, _ = json.Marshal(batch[0])
	} else {
		out, _ = json.Marshal(batch)
	}
	return out
}
