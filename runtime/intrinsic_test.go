package runtime_test

import (
	"bytes"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/hyvm/hyvm/runtime"
)

func TestIntrinsicGas(t *testing.T) {
	accessList := types.AccessList{
		{Address: common.Address{1}, StorageKeys: []common.Hash{{1}, {2}}},
		{Address: common.Address{2}, StorageKeys: []common.Hash{{3}}},
	}
	tests := []struct {
		name       string
		data       []byte
		accessList types.AccessList
		auths      int
		create     bool
		want       uint64
	}{
		{"empty call", nil, nil, 0, false, 21000},
		{"empty creation", nil, nil, 0, true, 53000},
		{"calldata zero and non-zero", []byte{0, 1}, nil, 0, false, 21000 + 4 + 16},
		{"initcode words", bytes.Repeat([]byte{1}, 33), nil, 0, true, 53000 + 33*16 + 2*2},
		{"access list", nil, accessList, 0, false, 21000 + 2*2400 + 3*1900},
		{"authorizations", nil, nil, 2, false, 21000 + 2*25000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runtime.IntrinsicGas(tt.data, tt.accessList, tt.auths, tt.create)
			if err != nil || got != tt.want {
				t.Errorf("IntrinsicGas = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestFloorDataGas(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want uint64
	}{
		{"empty", nil, 21000},
		{"zero byte is one token", []byte{0}, 21000 + 10},
		{"non-zero byte is four tokens", []byte{0, 7}, 21000 + 10 + 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runtime.FloorDataGas(tt.data)
			if err != nil || got != tt.want {
				t.Errorf("FloorDataGas = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}
