package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"
)

// parseHex decodes hex data with or without a 0x prefix. Surrounding
// whitespace is ignored (code files usually end in a newline); an odd number
// of digits is an error rather than silently padded, as common.FromHex does.
func parseHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd number of hex digits (%d)", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		var bad hex.InvalidByteError
		if errors.As(err, &bad) {
			return nil, fmt.Errorf("invalid hex character %q", rune(bad))
		}
		return nil, err
	}
	return b, nil
}

// parseAddress decodes a 20-byte hex address (0x optional).
func parseAddress(s string) (common.Address, error) {
	b, err := parseHex(s)
	if err != nil {
		return common.Address{}, err
	}
	if len(b) != common.AddressLength {
		return common.Address{}, fmt.Errorf("address must be %d bytes, got %d", common.AddressLength, len(b))
	}
	return common.BytesToAddress(b), nil
}

// parseWord decodes a 256-bit unsigned integer, decimal or 0x-prefixed hex
// (leading zeros allowed, unlike uint256.FromHex).
func parseWord(s string) (*uint256.Int, error) {
	s = strings.TrimSpace(s)
	digits, base := s, 10
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		digits, base = s[2:], 16
	}
	v, ok := new(big.Int).SetString(digits, base)
	if !ok || digits == "" || digits[0] == '+' || digits[0] == '-' {
		return nil, fmt.Errorf("invalid number %q", s)
	}
	w, overflow := uint256.FromBig(v)
	if overflow {
		return nil, fmt.Errorf("number %q exceeds 256 bits", s)
	}
	return w, nil
}
