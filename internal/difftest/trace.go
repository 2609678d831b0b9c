package difftest

import (
	"fmt"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/crypto"
)

// traceDigest condenses the instruction trace of a run: how many lines, and
// a hash over what each reported.
type traceDigest struct {
	lines int
	hash  [32]byte
	last  string
}

func (d *traceDigest) hooks() *tracing.Hooks {
	return &tracing.Hooks{
		OnOpcode: func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
			if pc >= uint64(len(scope.ContractCode())) {
				return // go-ethereum reports the implicit STOP past the code; hyvm does not
			}
			d.add(fmt.Sprintf("pc %d op 0x%02x gas %d cost %d depth %d err %v stack %d", pc, op, gas, cost, depth, err != nil, len(scope.StackData())))
		},
		OnFault: func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, depth int, err error) {
			d.add(fmt.Sprintf("fault pc %d op 0x%02x gas %d cost %d depth %d", pc, op, gas, cost, depth))
		},
	}
}

func (d *traceDigest) add(line string) {
	d.lines++
	d.last = line
	d.hash = crypto.Keccak256Hash(d.hash[:], []byte(line))
}
