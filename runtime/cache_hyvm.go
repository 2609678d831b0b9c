package runtime

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/hyvm/hyvm/blocks"
	"github.com/hyvm/hyvm/translate"
)

// HyVMProgram returns the HyVM-mode translation of a guest whose keccak256
// hash is hash. Guests are cached apart from contracts with the same code:
// the same bytes mean a different program under HyVM.
func (c *Cache) HyVMProgram(hash common.Hash, guest []byte, fork blocks.Fork) (*translate.Program, error) {
	return c.lookup(cacheKey{hash: hash, fork: fork, hyvm: true}, len(guest), func() (*translate.Program, error) {
		return translate.CompileHyVM(guest, fork), nil
	})
}
