// Package aot holds the evm-benchmarks main programs and the contracts
// suite's contracts compiled ahead of time to Go (suite_gen.go, written by
// go generate), for the benchmarks' hyvm-aot engine and the AOT tests.
package aot

//go:generate go run -tags aotgen gen.go
