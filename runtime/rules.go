package runtime

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"maps"

	"github.com/hyvm/hyvm/blocks"
)

// Rules returns go-ethereum's rule flags for fork: every fork up to and
// including it is active (hyvm runs post-merge forks only).
func Rules(fork blocks.Fork) params.Rules {
	return params.Rules{
		IsHomestead: true, IsEIP150: true, IsEIP155: true, IsEIP158: true,
		IsByzantium: true, IsConstantinople: true, IsPetersburg: true, IsIstanbul: true,
		IsBerlin: true, IsEIP2929: true, IsLondon: true, IsMerge: true, IsShanghai: true,
		IsCancun: fork >= blocks.Cancun,
		IsPrague: fork >= blocks.Prague,
		IsOsaka:  fork >= blocks.Osaka,
	}
}

// precompileSets holds each fork's precompiled contracts. The maps are built
// once and only read afterwards.
var precompileSets = func() map[blocks.Fork]vm.PrecompiledContracts {
	sets := make(map[blocks.Fork]vm.PrecompiledContracts)
	for _, f := range blocks.Forks() {
		sets[f] = vm.ActivePrecompiledContracts(Rules(f))
	}
	return sets
}()

// PrecompileSet returns a copy of fork's precompiled contracts by address,
// for Config.Precompiles.
func PrecompileSet(fork blocks.Fork) vm.PrecompiledContracts {
	return maps.Clone(precompileSets[fork])
}

// Precompile returns fork's precompiled contract at addr, if any.
func Precompile(fork blocks.Fork, addr common.Address) (vm.PrecompiledContract, bool) {
	p, ok := precompileSets[fork][addr]
	return p, ok
}

// Precompiles returns the addresses of fork's precompiled contracts.
func Precompiles(fork blocks.Fork) []common.Address {
	return vm.ActivePrecompiles(Rules(fork))
}
