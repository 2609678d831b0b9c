package translate

import "github.com/holiman/uint256"

// Stack instructions. PUSH values, DUP/SWAP depths and PC are bound at
// translation time.

func opPop(f *Frame) error { f.sp--; return nil }

func opJumpdest(f *Frame) error { return nil }

func makePush(v uint256.Int) opFn {
	return func(f *Frame) error { *f.push() = v; return nil }
}

// pushValue decodes a PUSH immediate; a truncated one is right-padded with
// zeros, as if the code continued with zero bytes.
func pushValue(imm []byte, n int) uint256.Int {
	var buf [32]byte
	copy(buf[32-n:], imm)
	var v uint256.Int
	v.SetBytes32(buf[:])
	return v
}

func makeDup(n int) opFn {
	return func(f *Frame) error { f.stack[f.sp] = f.stack[f.sp-n]; f.sp++; return nil }
}

func makeSwap(n int) opFn {
	return func(f *Frame) error {
		top := f.sp - 1
		f.stack[top], f.stack[top-n] = f.stack[top-n], f.stack[top]
		return nil
	}
}

func makePC(pc uint32) opFn {
	return func(f *Frame) error { f.push().SetUint64(uint64(pc)); return nil }
}

func opGas(f *Frame) error { f.push().SetUint64(f.Gas); return nil }

// withExactGas wraps an instruction that observes the gas left (GAS, the
// CALL family, CREATE, SSTORE). Block entry charged the constant gas of the
// rest of the block in advance; give it back for the duration of the
// instruction so it sees exactly what an interpreter would, then take it
// again. If the instruction consumed too much for the rest of the block to
// run, the frame would have run out of gas later in the block anyway.
func withExactGas(op opFn, rest uint64) opFn {
	if rest == 0 {
		return op
	}
	return func(f *Frame) error {
		f.Gas += rest
		if err := op(f); err != nil {
			return err
		}
		if f.Gas < rest {
			return errOutOfGas
		}
		f.Gas -= rest
		return nil
	}
}
