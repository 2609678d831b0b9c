// Package aotguests holds a selection of the HyVM vectors' guests
// (hyvmtest.AOTGuests) compiled ahead of time to Go as guest templates
// (guests_gen.go, written by go generate), for the ahead-of-time run of
// the vectors. Their bytecode is left out: Register takes it by name from
// the vector file in ../shared.
package aotguests

//go:generate go run gen.go
