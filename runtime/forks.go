package runtime

import (
	"math/big"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/hyvm/hyvm/blocks"
)

// ChainID is the chain id hyvm runs under: mainnet's, which is also what
// every state-test fixture uses for signatures, CHAINID and EIP-7702.
const ChainID = 1

// ChainConfig returns a mainnet-like chain config (chain id 1) with every fork
// up to and including f active from block 0 / time 0, and no later fork.
// A fresh config is built on each call so callers may modify it freely.
func ChainConfig(f blocks.Fork) *params.ChainConfig {
	zero := uint64(0)
	cfg := &params.ChainConfig{
		ChainID:                 big.NewInt(ChainID),
		HomesteadBlock:          big.NewInt(0),
		EIP150Block:             big.NewInt(0),
		EIP155Block:             big.NewInt(0),
		EIP158Block:             big.NewInt(0),
		ByzantiumBlock:          big.NewInt(0),
		ConstantinopleBlock:     big.NewInt(0),
		PetersburgBlock:         big.NewInt(0),
		IstanbulBlock:           big.NewInt(0),
		MuirGlacierBlock:        big.NewInt(0),
		BerlinBlock:             big.NewInt(0),
		LondonBlock:             big.NewInt(0),
		ArrowGlacierBlock:       big.NewInt(0),
		MergeNetsplitBlock:      big.NewInt(0),
		TerminalTotalDifficulty: big.NewInt(0),
		ShanghaiTime:            &zero,
		CancunTime:              &zero,
		BlobScheduleConfig:      &params.BlobScheduleConfig{Cancun: BlobConfig(blocks.Cancun)},
	}
	if f >= blocks.Prague {
		cfg.PragueTime = &zero
		cfg.DepositContractAddress = params.MainnetChainConfig.DepositContractAddress
		cfg.BlobScheduleConfig.Prague = BlobConfig(blocks.Prague)
	}
	if f >= blocks.Osaka {
		// Osaka keeps Prague's blob parameters; go-ethereum has no separate
		// Osaka entry and falls back to the latest earlier one.
		cfg.OsakaTime = &zero
	}
	return cfg
}

// BlobConfig returns the fork's blob schedule (EIP-4844 / EIP-7691): target
// and max blobs per block and the base-fee update fraction.
func BlobConfig(f blocks.Fork) *params.BlobConfig {
	if f >= blocks.Prague {
		return &params.BlobConfig{Target: 6, Max: 9, UpdateFraction: 5007716}
	}
	return &params.BlobConfig{Target: 3, Max: 6, UpdateFraction: 3338477}
}

// blockRules returns the go-ethereum rule set of fork f for the given block.
func blockRules(f blocks.Fork, block *vm.BlockContext) params.Rules {
	return ChainConfig(f).Rules(block.BlockNumber, block.Random != nil, block.Time)
}
