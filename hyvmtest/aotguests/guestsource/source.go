// Package guestsource generates package aotguests' source:
// hyvmtest.AOTGuests as Go guest templates. gen.go writes it; the drift
// test compares it with what is committed.
package guestsource

import (
	"github.com/hyvm/hyvm/hyvmtest"
	"github.com/hyvm/hyvm/translate"
)

// Source returns package aotguests' source, the guests' bytecode left out.
func Source() ([]byte, error) {
	path, err := hyvmtest.SharedVectors()
	if err != nil {
		return nil, err
	}
	guests, fork, err := hyvmtest.AOTGuests(path)
	if err != nil {
		return nil, err
	}
	return translate.GenerateGo(translate.GenOptions{Package: "aotguests", Fork: fork, ExternalCode: true}, guests)
}
