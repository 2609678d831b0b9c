package translate

import "sync/atomic"

// blockTable holds a contract's blocks by the jump destination they start
// at, in pages of 64 slots made on first use (HyVM guests' pages, for
// every offset, are the same shape). A dynamic jump is two loads; a
// program whose code is large but little of it runs (a one-shot call, a
// program promoted half-way through a run) does not allocate and clear a
// pointer per byte of code.
type blockTable struct {
	pages []atomic.Pointer[hvPage]
}

func newBlockTable(codeLen int) blockTable {
	return blockTable{pages: make([]atomic.Pointer[hvPage], codeLen>>hvPageBits+1)}
}

// has reports whether the table exists (the interpreter's programs have
// none) and covers pc.
func (t *blockTable) has(pc uint64) bool {
	return pc>>hvPageBits < uint64(len(t.pages))
}

// load returns the block published at pc, nil if none; pc must be covered.
func (t *blockTable) load(pc uint32) *block {
	if page := t.pages[pc>>hvPageBits].Load(); page != nil {
		return page[pc&(1<<hvPageBits-1)].Load()
	}
	return nil
}

// slot returns pc's slot, making its page (charged to fp) if needed.
func (t *blockTable) slot(pc uint32, fp *footprint) *atomic.Pointer[block] {
	pp := &t.pages[pc>>hvPageBits]
	page := pp.Load()
	if page == nil {
		if page = new(hvPage); pp.CompareAndSwap(nil, page) {
			fp.charge(allocSize(hvPageSize))
		} else {
			page = pp.Load()
		}
	}
	return &page[pc&(1<<hvPageBits-1)]
}
