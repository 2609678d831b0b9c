package runtime

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// HyVMProgram returns the HyVM-mode translation of a guest whose keccak256
// hash is hash. Guests are cached apart from contracts with the same code:
// the same bytes mean a different program under HyVM. opt selects the
// tier, as for contracts.
func (c *Cache) HyVMProgram(hash common.Hash, guest []byte, fork blocks.Fork, opt translate.Options) (*translate.Program, error) {
	key := cacheKey{hash: hash, fork: fork, hyvm: true, opt: opt}
	if p := c.get(key); p != nil {
		return p, nil
	}
	return c.put(key, translate.CompileHyVM(guest, fork, opt)), nil
}
