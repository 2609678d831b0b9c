package translate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// Instructions that read the call, transaction and block environment.

func opAddress(f *Frame) error { f.push().SetBytes20(f.Address[:]); return nil }
func opOrigin(f *Frame) error  { f.push().SetBytes20(f.Env.Tx.Origin[:]); return nil }
func opCaller(f *Frame) error  { f.push().SetBytes20(f.Caller[:]); return nil }
func opCallValue(f *Frame) error {
	*f.push() = f.Value
	return nil
}

func opCallDataLoad(f *Frame) error { x := f.peek(); callDataWord(x, x, f.Input); return nil }

// callDataWord sets z to the 32 bytes of input at off, zero-padded; z may
// be off.
func callDataWord(z, off *uint256.Int, input []byte) {
	if o, overflow := off.Uint64WithOverflow(); !overflow && o < uint64(len(input)) {
		var word [32]byte
		copy(word[:], input[o:])
		z.SetBytes32(word[:])
	} else {
		z.Clear()
	}
}

func opCallDataSize(f *Frame) error { f.push().SetUint64(uint64(len(f.Input))); return nil }
func opCodeSize(f *Frame) error     { f.push().SetUint64(uint64(len(f.Code))); return nil }
func opReturnDataSize(f *Frame) error {
	f.push().SetUint64(uint64(len(f.ReturnData)))
	return nil
}

func opGasPrice(f *Frame) error {
	if p := f.Env.Tx.GasPrice; p != nil {
		*f.push() = *p
	} else {
		f.push().Clear()
	}
	return nil
}

func opCoinbase(f *Frame) error    { f.push().SetBytes20(f.Env.Block.Coinbase[:]); return nil }
func opTimestamp(f *Frame) error   { *f.push() = f.Env.Timestamp; return nil }
func opNumber(f *Frame) error      { *f.push() = f.Env.Number; return nil }
func opGasLimit(f *Frame) error    { *f.push() = f.Env.GasLimit; return nil }
func opChainID(f *Frame) error     { *f.push() = f.Env.ChainID; return nil }
func opBaseFee(f *Frame) error     { *f.push() = f.Env.BaseFee; return nil }
func opBlobBaseFee(f *Frame) error { *f.push() = f.Env.BlobBaseFee; return nil }

func opPrevRandao(f *Frame) error {
	if r := f.Env.Block.Random; r != nil {
		f.push().SetBytes32(r[:])
	} else {
		*f.push() = f.Env.Difficulty
	}
	return nil
}

func opSelfBalance(f *Frame) error {
	*f.push() = *f.Env.State.GetBalance(f.Address)
	return nil
}

func opBlobHash(f *Frame) error {
	idx := f.peek()
	hashes := f.Env.Tx.BlobHashes
	if i, overflow := idx.Uint64WithOverflow(); !overflow && i < uint64(len(hashes)) {
		idx.SetBytes32(hashes[i][:])
	} else {
		idx.Clear()
	}
	return nil
}

func opBlockHash(f *Frame) error {
	num := f.peek()
	n, overflow := num.Uint64WithOverflow()
	if overflow {
		num.Clear()
		return nil
	}
	upper := f.Env.Number.Uint64()
	lower := uint64(0)
	if upper >= 257 {
		lower = upper - 256
	}
	if n >= lower && n < upper && f.Env.Block.GetHash != nil {
		h := f.Env.Block.GetHash(n)
		num.SetBytes32(h[:])
	} else {
		num.Clear()
	}
	return nil
}

// accountAccessCost charges the EIP-2929 cold surcharge for addr (the warm
// cost is part of the instruction's constant gas) and warms it.
func (f *Frame) accountAccessCost(addr common.Address) uint64 {
	if f.Env.State.AddressInAccessList(addr) {
		return 0
	}
	f.Env.State.AddAddressToAccessList(addr)
	return blocks.ColdAccountSurcharge
}

func opBalance(f *Frame) error {
	x := f.peek()
	addr := common.Address(x.Bytes20())
	if !f.useGas(f.accountAccessCost(addr)) {
		return errOutOfGas
	}
	*x = *f.Env.State.GetBalance(addr)
	return nil
}

func opExtCodeSize(f *Frame) error {
	x := f.peek()
	addr := common.Address(x.Bytes20())
	if !f.useGas(f.accountAccessCost(addr)) {
		return errOutOfGas
	}
	x.SetUint64(uint64(f.Env.State.GetCodeSize(addr)))
	return nil
}

func opExtCodeHash(f *Frame) error {
	x := f.peek()
	addr := common.Address(x.Bytes20())
	if !f.useGas(f.accountAccessCost(addr)) {
		return errOutOfGas
	}
	if f.Env.State.Empty(addr) {
		x.Clear()
	} else {
		h := f.Env.State.GetCodeHash(addr)
		x.SetBytes32(h[:])
	}
	return nil
}

func opKeccak256(f *Frame) error {
	off, size := f.back(0), f.back(1)
	end, ok := memEnd(off, size)
	if !ok {
		return errGasOverflow
	}
	if err := f.chargeMemory(end, wordCost(size, blocks.Keccak256WordGas)); err != nil {
		return err
	}
	f.sp--
	h := f.keccak(f.Mem.view(off.Uint64(), size.Uint64()))
	size.SetBytes32(h[:])
	return nil
}

// wordCost returns perWord gas for every 32-byte word of size, saturating so
// that an absurd size fails the gas check instead of wrapping.
func wordCost(size *uint256.Int, perWord uint64) uint64 {
	if !size.IsUint64() || size.Uint64() > maxMemorySize {
		return ^uint64(0)
	}
	return (size.Uint64() + 31) / 32 * perWord
}

// chargeMemory charges extra gas plus the expansion needed to cover end
// bytes, then grows memory.
func (f *Frame) chargeMemory(end, extra uint64) error {
	// Every instruction whose work grows with an operand (hashing, copies,
	// logs) is charged extra gas for it here: checking for cancellation
	// then bounds how long straight-line code runs on after it. MLOAD and
	// MSTORE (extra 0) do constant work and skip the check.
	if extra != 0 && f.Env.Abort.Load() {
		return ErrAborted
	}
	cost, newSize, err := f.Mem.expansionCost(end)
	if err != nil {
		return err
	}
	total := cost + extra
	if total < cost {
		return errGasOverflow
	}
	if !f.useGas(total) {
		return errOutOfGas
	}
	return f.growMemory(newSize)
}

// copyToMemory implements the *COPY instructions: dst, src offset and length
// are the top three stack items (after any address); data is the source.
func (f *Frame) copyToMemory(extra uint64, data []byte) error {
	dst, src, size := f.back(0), f.back(1), f.back(2)
	end, ok := memEnd(dst, size)
	if !ok {
		return errGasOverflow
	}
	words := wordCost(size, blocks.CopyGas)
	if extra+words < words {
		return errGasOverflow
	}
	if err := f.chargeMemory(end, words+extra); err != nil {
		return err
	}
	f.sp -= 3
	if size.IsZero() {
		return nil
	}
	start := uint64(len(data))
	if s, overflow := src.Uint64WithOverflow(); !overflow && s < start {
		start = s
	}
	f.Mem.setPadded(dst.Uint64(), size.Uint64(), data[start:])
	return nil
}

func opCallDataCopy(f *Frame) error { return f.copyToMemory(0, f.Input) }
func opCodeCopy(f *Frame) error     { return f.copyToMemory(0, f.Code) }

func opExtCodeCopy(f *Frame) error {
	addr := common.Address(f.back(0).Bytes20())
	// go-ethereum computes the copy cost before the access check, which
	// warms the address even if the frame then runs out of gas.
	dst, size := f.back(1), f.back(3)
	end, ok := memEnd(dst, size)
	if !ok {
		return errGasOverflow
	}
	cost, newSize, err := f.Mem.expansionCost(end)
	if err != nil {
		return err
	}
	words := wordCost(size, blocks.CopyGas)
	total := cost + words
	if total < cost {
		return errGasOverflow
	}
	total += f.accountAccessCost(addr)
	if !f.useGas(total) {
		return errOutOfGas
	}
	if err := f.growMemory(newSize); err != nil {
		return err
	}
	src := f.back(2)
	f.sp -= 4
	if size.IsZero() {
		return nil
	}
	code := f.Env.State.GetCode(addr)
	start := uint64(len(code))
	if s, overflow := src.Uint64WithOverflow(); !overflow && s < start {
		start = s
	}
	f.Mem.setPadded(dst.Uint64(), size.Uint64(), code[start:])
	return nil
}

func opReturnDataCopy(f *Frame) error {
	dst, src, size := f.back(0), f.back(1), f.back(2)
	end, ok := memEnd(dst, size)
	if !ok {
		return errGasOverflow
	}
	if err := f.chargeMemory(end, wordCost(size, blocks.CopyGas)); err != nil {
		return err
	}
	f.sp -= 3
	from, overflow := src.Uint64WithOverflow()
	if overflow {
		return errReturnDataOOB
	}
	var last uint256.Int
	last.Add(src, size)
	to, overflow := last.Uint64WithOverflow()
	if overflow || uint64(len(f.ReturnData)) < to {
		return errReturnDataOOB
	}
	if to > from {
		f.Mem.set(dst.Uint64(), f.ReturnData[from:to])
	}
	return nil
}

// isDelegation reports whether code is an EIP-7702 delegation designator.
func isDelegation(code []byte) (common.Address, bool) { return types.ParseDelegation(code) }
