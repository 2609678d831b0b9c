// Package hyvmstate is a journaled state overlay implementing go-ethereum's
// vm.StateDB over a backing vm.StateDB (usually go-ethereum's
// core/state.StateDB).
//
// The backing state is only read, for committed values the overlay has not
// seen yet, until Flush writes the overlay's finalised changes into it (so
// go-ethereum's trie can compute the state root). Between flushes the
// overlay keeps account and slot records in pages, found through its own
// hash tables keyed by address and by (account, slot) (index.go), an undo
// journal of plain structs, and epoch-stamped access-list and finalise
// marks, so that once its caches and buffers are warm, transactions and
// snapshot/revert cycles allocate nothing.
//
// Semantics follow go-ethereum v1.17's StateDB for the forks hyvm runs
// (Cancun and later, before Amsterdam): snapshots and reverts, refunds,
// logs stamped with the transaction hash and index, the EIP-2929 access
// list and its Prepare rules, EIP-1153 transient storage, EIP-6780
// self-destruct bookkeeping, EIP-2200 original values, and Finalise
// deleting self-destructed and EIP-161 empty touched accounts (including
// the historical RIPEMD-160 touch quirk).
//
// A SlotCache is the lighter layer for one call inside a transaction open
// on another state: it keeps only storage (reads cached, writes until
// Commit) and passes every other access on as it happens.
//
// Neither an Overlay nor a SlotCache is safe for concurrent use.
package hyvmstate
