package translate

import "sync/atomic"

// blockTable holds a program's blocks by the offset they start at (a
// contract's jump destinations, any offset of a HyVM guest), in pages of
// 64 slots made on first use. A dynamic jump is two loads; a
// program whose code is large but little of it runs (a one-shot call, a
// program promoted half-way through a run) does not allocate and clear a
// pointer per byte of code.
type blockTable struct {
	pages []atomic.Pointer[hvPage]
}

func newBlockTable(codeLen int) blockTable {
	return blockTable{pages: make([]atomic.Pointer[hvPage], codeLen>>hvPageBits+1)}
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
	return &t.pageOf(pc, fp, false)[pc&(1<<hvPageBits-1)]
}

// reservedSlot returns pc's slot once fp has room for cost more bytes and,
// if pc's page is to be made, for the page too; false (nothing reserved)
// past fp's budget. Guests use it: a block may start at every byte of
// adversarial code, so what a guest retains, its pages included, stays
// within its budget.
func (t *blockTable) reservedSlot(pc uint32, fp *footprint, cost int64) (*atomic.Pointer[block], bool) {
	if !fp.reserve(cost) {
		return nil, false
	}
	page := t.pageOf(pc, fp, true)
	if page == nil {
		fp.release(cost)
		return nil, false
	}
	return &page[pc&(1<<hvPageBits-1)], true
}

// pageOf returns pc's page, making it if needed: its size is charged to
// fp, or with reserve reserved within fp's budget (nil past it).
func (t *blockTable) pageOf(pc uint32, fp *footprint, reserve bool) *hvPage {
	pp := &t.pages[pc>>hvPageBits]
	if page := pp.Load(); page != nil {
		return page
	}
	size := allocSize(hvPageSize)
	if reserve && !fp.reserve(size) {
		return nil
	}
	page := new(hvPage)
	if !pp.CompareAndSwap(nil, page) {
		if reserve {
			fp.release(size)
		}
		return pp.Load()
	}
	if !reserve {
		fp.charge(size)
	}
	return page
}
