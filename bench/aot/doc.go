// Package aot holds the evm-benchmarks programs compiled ahead of time to
// Go (suite_gen.go, written by go generate from ../shared/benchmarks), for
// the benchmarks' hyvm-aot engine and the AOT conformance tests.
package aot

//go:generate go run -tags aotgen gen.go
