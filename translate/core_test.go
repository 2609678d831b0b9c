package translate

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hyvm/hyvm/blocks"
)

// TestCoreEquivalence checks every lowering rule of every pure opcode
// against its core (core.go) on edge and random operands: the stack
// closure, the slot closure with the result in a fresh slot and in each
// operand's slot, constant folding, and each constant-operand form with
// the result in a fresh slot and in the other operand's.
func TestCoreEquivalence(t *testing.T) {
	cores := pureCores
	cores[blocks.EXP] = func(f *Frame, z, a, b, _ *uint256.Int) {
		if err := coreExp(f, z, a, b); err != nil {
			panic(err)
		}
	}
	ref := newCoreFrame()
	f := newCoreFrame()
	operands := coreOperands()
	for op, core := range cores {
		if core == nil {
			continue
		}
		op := blocks.Opcode(op)
		n := op.Info().Pops
		if simpleOps[op] == nil || symOps[op] == nil {
			t.Errorf("%v: no stack or slot form", op)
			continue
		}
		fails := 0
		check := func(rule string, x [3]uint256.Int, got uint256.Int) {
			var want uint256.Int
			a, b, c := x[0], x[1], x[2]
			core(ref, &want, &a, &b, &c)
			if got != want && fails < 5 {
				fails++
				t.Errorf("%v %s on %v: got %#x, core gives %#x", op, rule, x[:n], &got, &want)
			}
		}
		forEachOperands(operands, n, func(x [3]uint256.Int) {
			// Stack form: operands pushed, the top x[0].
			f.sp = 8
			for i := n - 1; i >= 0; i-- {
				f.Push(&x[i])
			}
			if err := simpleOps[op](f); err != nil {
				t.Fatalf("%v stack form: %v", op, err)
			}
			if f.sp != 9 {
				t.Fatalf("%v stack form: sp %d, want 9", op, f.sp)
			}
			check("stack form", x, *f.peek())

			// Slot form: operands in slots -1..-n, the result in a fresh
			// slot or in an operand's.
			slots := [3]int{-1, -2, -3}
			for di := -1; di < n; di++ {
				d := 3
				if di >= 0 {
					d = slots[di]
				}
				f.sp = 8
				for i := range n {
					*f.at(slots[i]) = x[i]
				}
				if err := symOps[op](slots, d)(f); err != nil {
					t.Fatalf("%v slot form: %v", op, err)
				}
				check(fmt.Sprintf("slot form (result in slot %d)", d), x, *f.at(d))
			}

			// Constant folding.
			if w := (foldWords{x: x}); foldPure(op, &w) {
				check("folding", x, w.z)
			}

			// Constant-operand forms.
			if n != 2 {
				return
			}
			for ci := range 2 {
				c := x[ci]
				if !hasConstForm(op, ci, &c) {
					continue
				}
				for _, d := range []int{3, -1} {
					f.sp = 8
					*f.at(-1) = x[1-ci]
					if err := constForm(op, ci, &c, -1, d)(f); err != nil {
						t.Fatalf("%v constant form: %v", op, err)
					}
					check(fmt.Sprintf("constant form (operand %d constant, result in slot %d)", ci, d), x, *f.at(d))
				}
			}
		})
	}
}

func newCoreFrame() *Frame {
	f := new(Frame)
	f.Gas = 1 << 62
	return f
}

// coreOperands returns edge operands and random ones.
func coreOperands() []uint256.Int {
	var xs []uint256.Int
	add := func(x *uint256.Int) { xs = append(xs, *x) }
	max := new(uint256.Int).SetAllOne()
	for _, k := range []uint64{0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 127, 128, 255, 256, 257, 1 << 32} {
		add(uint256.NewInt(k))
	}
	for _, k := range []uint{63, 64, 128, 191, 192, 254, 255} {
		p := new(uint256.Int).Lsh(uint256.NewInt(1), k)
		add(p)
		add(new(uint256.Int).SubUint64(p, 1))
		add(new(uint256.Int).AddUint64(p, 1))
	}
	add(max)
	add(new(uint256.Int).SubUint64(max, 1)) // -2
	add(new(uint256.Int).Rsh(max, 1))       // 2^255-1
	add(uint256.MustFromHex("0x8000000000000000000000000000000000000000000000000000000000000080"))
	add(uint256.MustFromHex("0xff00000000000000000000000000000000000000000000000000000000000000"))
	add(uint256.MustFromHex("0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")) // bn254 p
	rng := rand.New(rand.NewPCG(1, 2))
	for range 24 {
		var x uint256.Int
		for i := range x {
			x[i] = rng.Uint64()
		}
		// Vary the length: full words, and values below 2^64, 2^128, 2^192.
		for i := 3; i > int(rng.UintN(4)); i-- {
			x[i] = 0
		}
		add(&x)
	}
	return xs
}

// forEachOperands calls fn with every pair of operands for binary
// operations (every one for unary), and for ternary ones every pair with
// each of a few third operands plus random triples.
func forEachOperands(xs []uint256.Int, n int, fn func([3]uint256.Int)) {
	switch n {
	case 1:
		for _, a := range xs {
			fn([3]uint256.Int{a})
		}
	case 2:
		for _, a := range xs {
			for _, b := range xs {
				fn([3]uint256.Int{a, b})
			}
		}
	case 3:
		for i, a := range xs {
			for j, b := range xs {
				fn([3]uint256.Int{a, b, xs[(i*7+j*13)%len(xs)]})
				fn([3]uint256.Int{a, b, xs[(i+j)%len(xs)]})
			}
		}
	}
}

// TestCoreWrittenOut checks BYTE's core, written out so that it inlines
// into its adapters, against uint256's Byte.
func TestCoreWrittenOut(t *testing.T) {
	xs := coreOperands()
	for _, a := range xs {
		for _, b := range xs {
			var z uint256.Int
			CoreByte(&z, &a, &b)
			want := b
			want.Byte(&a)
			if z != want {
				t.Errorf("BYTE %#x %#x: got %#x", &a, &b, &z)
			}
		}
	}
}

// TestMemoryForms runs MLOAD and MSTORE in every form (stack, slot,
// constant offset) at offsets inside and outside the memory already
// grown, and compares memory, gas, result and error with the core's.
func TestMemoryForms(t *testing.T) {
	type run struct {
		mem  string
		gas  uint64
		word uint256.Int
		err  string
	}
	val := uint256.MustFromHex("0xf102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")
	fresh := func(grown uint64) *Frame {
		f := newCoreFrame()
		f.Reset(&Env{}, 0)
		f.Gas = 1 << 30
		if err := f.coverMemory(0, grown); err != nil {
			t.Fatal(err)
		}
		f.Gas = 1 << 30
		f.sp = 8
		return f
	}
	result := func(f *Frame, word *uint256.Int, err error) run {
		r := run{mem: fmt.Sprintf("%x", f.Mem.store), gas: f.Gas, word: *word}
		if err != nil {
			r.err = err.Error()
		}
		return r
	}
	for _, grown := range []uint64{0, 64, 4096} {
		for _, off := range []uint64{0, 1, 31, 32, 33, 4064, 4065, maxMemorySize, maxMemorySize + 1, 1 << 63} {
			c := uint256.NewInt(off)
			// MSTORE then MLOAD of the same word, by the core.
			f := fresh(grown)
			err := coreMstore(f, c, val)
			var w uint256.Int
			if err == nil {
				err = coreMload(f, &w, c)
			}
			want := result(f, &w, err)

			forms := map[string]func(f *Frame) (uint256.Int, error){
				"stack": func(f *Frame) (uint256.Int, error) {
					f.Push(val)
					f.Push(c)
					if err := opMstore(f); err != nil {
						return uint256.Int{}, err
					}
					f.Push(c)
					err := opMload(f)
					return *f.peek(), err
				},
				"slot": func(f *Frame) (uint256.Int, error) {
					*f.at(-1), *f.at(-2) = *c, *val
					if err := symOps[blocks.MSTORE]([3]int{-1, -2}, 0)(f); err != nil {
						return uint256.Int{}, err
					}
					err := symOps[blocks.MLOAD]([3]int{-1}, -1)(f)
					return *f.at(-1), err
				},
				"constant offset": func(f *Frame) (uint256.Int, error) {
					if !hasConstForm(blocks.MSTORE, 0, c) {
						return uint256.Int{}, nil // no such form: nothing to compare
					}
					*f.at(-2) = *val
					if err := constForm(blocks.MSTORE, 0, c, -2, 0)(f); err != nil {
						return uint256.Int{}, err
					}
					err := constLoad(c, 3)(f)
					return *f.at(3), err
				},
			}
			for name, form := range forms {
				if name == "constant offset" && !memOffsetOK(c) {
					continue
				}
				f := fresh(grown)
				w, err := form(f)
				if got := result(f, &w, err); got != want {
					t.Errorf("%s form, memory %d, offset %d: got %+v, core gives %+v", name, grown, off, got, want)
				}
			}
		}
	}
}

// TestCoreFastPaths checks the cores' own fast paths (MOD and ADDMOD by a
// power of two) against uint256's general algorithms, on every power of
// two and its neighbours as the modulus, with the result in a fresh word
// and in each operand's.
func TestCoreFastPaths(t *testing.T) {
	operands := coreOperands()
	var moduli []uint256.Int
	for k := uint(0); k < 256; k++ {
		p := new(uint256.Int).Lsh(uint256.NewInt(1), k)
		moduli = append(moduli, *p, *new(uint256.Int).SubUint64(p, 1), *new(uint256.Int).AddUint64(p, 1))
	}
	moduli = append(moduli, operands...)
	fails := 0
	check := func(what string, x, y, m, got, want *uint256.Int) {
		if *got != *want && fails < 10 {
			fails++
			t.Errorf("%s(%#x, %#x, %#x) = %#x, want %#x", what, x, y, m, got, want)
		}
	}
	for _, m := range moduli {
		for _, x := range operands {
			for _, y := range operands {
				var want uint256.Int
				want.AddMod(&x, &y, &m)
				for alias := range 4 { // fresh, z = a, z = b, z = m
					a, b, mm := x, y, m
					z := [4]*uint256.Int{new(uint256.Int), &a, &b, &mm}[alias]
					CoreAddmod(z, &a, &b, &mm)
					check("CoreAddmod", &x, &y, &m, z, &want)
				}
			}
			var want uint256.Int
			want.Mod(&x, &m)
			for alias := range 3 { // fresh, z = a, z = b
				a, mm := x, m
				z := [3]*uint256.Int{new(uint256.Int), &a, &mm}[alias]
				CoreMod(z, &a, &mm)
				check("CoreMod", &x, &m, &m, z, &want)
			}
		}
	}
}
