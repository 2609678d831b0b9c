package server_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/hyvm/hyvm/internal/devchain"
	"github.com/hyvm/hyvm/server"
)

// BenchmarkServerCall times eth_call of an ERC-20 transfer through the
// server over loopback HTTP, one client: the request's whole path.
func BenchmarkServerCall(b *testing.B) {
	c := devchain.New(b)
	srv := newServedOn(b, c, server.Config{})
	args := callArgs(c.Sender, &c.Token, c.Pack(b, "transfer", common.HexToAddress("0xf2e5"), big.NewInt(5)), nil)
	ctx := context.Background()
	for b.Loop() {
		var out hexutil.Bytes
		if err := srv.hyvm.CallContext(ctx, &out, "eth_call", args, srv.block); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServerCallParallel is BenchmarkServerCall from 8 clients.
func BenchmarkServerCallParallel(b *testing.B) {
	c := devchain.New(b)
	srv := newServedOn(b, c, server.Config{})
	args := callArgs(c.Sender, &c.Token, c.Pack(b, "transfer", common.HexToAddress("0xf2e5"), big.NewInt(5)), nil)
	b.SetParallelism(4) // 8 clients on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var out hexutil.Bytes
			if err := srv.hyvm.CallContext(context.Background(), &out, "eth_call", args, srv.block); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
