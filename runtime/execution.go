package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hyvm/hyvm/translate"
)

// Errors that end a whole execution, whatever depth met them: no frame
// observes them as a failed call, the state is rolled back to before the
// execution, and ApplyMessage reports them as its error, never as a
// transaction's outcome.
var (
	// ErrAborted: the execution was cancelled (its context, or Cancel).
	ErrAborted = translate.ErrAborted
	// ErrMemoryLimit: memory would pass Config.MemoryLimits.
	ErrMemoryLimit = translate.ErrMemoryLimit
	// ErrInternal: a failure of the engine or of the state it runs on.
	ErrInternal = translate.ErrInternal
)

// MemoryLimits caps the memory of a frame and of an execution.
type MemoryLimits = translate.MemoryLimits

// The default memory caps (see translate.DefaultMaxFrameMemory).
const (
	DefaultMaxFrameMemory = translate.DefaultMaxFrameMemory
	DefaultMaxMemory      = translate.DefaultMaxMemory
)

// HaltsExecution reports whether err is one of the errors above.
func HaltsExecution(err error) bool { return translate.HaltsExecution(err) }

// execution is the bookkeeping of one top-level run: a message call, a
// creation or a guest run.
type execution struct {
	ctx      context.Context
	entered  bool // the EVM was idle and is now running this execution
	snapshot int  // the state before it; valid once entered
	unwatch  func()
}

// begin starts an execution at depth 0: the state is snapshotted so that
// an error that halts the execution can undo everything, and ctx is
// watched so that its cancellation aborts the run.
func (e *EVM) begin(ctx context.Context, x *execution) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInternal)
	}
	if e.depth != 0 {
		return fmt.Errorf("%w: the EVM is already running an execution (EVMs are not reentrant)", ErrInternal)
	}
	if !e.env.Fork.Supported() {
		return fmt.Errorf("unsupported fork %v", e.env.Fork)
	}
	x.ctx = ctx
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrAborted, context.Cause(ctx))
	}
	x.entered = true
	e.env.ResetMemoryUse()
	x.snapshot = e.env.State.Snapshot()
	x.unwatch = e.watch(ctx)
	return nil
}

// end closes an execution (deferred by every entry point): a panic becomes
// ErrInternal, and an error that halts the execution rolls the state back
// to its start and leaves no output or gas.
func (e *EVM) end(x *execution, ret *[]byte, left *uint64, err *error) {
	if r := recover(); r != nil {
		*err = InternalError(r, "during execution")
	}
	if !x.entered {
		if *err != nil {
			*ret, *left = nil, 0
		}
		return
	}
	e.depth = 0
	if x.unwatch != nil {
		x.unwatch()
	}
	if !HaltsExecution(*err) {
		return
	}
	*ret, *left = nil, 0
	if errors.Is(*err, ErrAborted) && x.ctx.Err() != nil {
		*err = fmt.Errorf("%w: %w", *err, context.Cause(x.ctx))
	}
	if rerr := rollBack(e.env.State, x.snapshot); rerr != nil {
		*err = fmt.Errorf("%w; %w", *err, rerr)
	}
}

// rollBack reverts st to snapshot; a state that fails even that is
// reported, not allowed to panic out of the EVM.
func rollBack(st vm.StateDB, snapshot int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: the state could not be rolled back: %v", ErrInternal, r)
		}
	}()
	st.RevertToSnapshot(snapshot)
	return nil
}

// watch makes ctx's cancellation abort the running execution. The returned
// function detaches it and clears an abort that came from ctx, so that the
// EVM can run again; nil when ctx can never be cancelled.
func (e *EVM) watch(ctx context.Context) (unwatch func()) {
	if ctx.Done() == nil {
		return nil
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		e.env.Abort.Store(true)
		close(fired)
	})
	return func() {
		if stop() {
			return // never fired
		}
		<-fired // it may still be storing: wait, then undo it
		e.env.Abort.Store(false)
		if e.cancelled.Load() { // Cancel is for good; re-check after the store
			e.env.Abort.Store(true)
		}
	}
}

// InternalError is the error of a panic r recovered while doing what
// (a state that failed, an engine fault): ErrInternal (ErrAborted if r is
// a context's cancellation), wrapping r too if it is an error, so that
// errors.As finds it (a forked state's *fork.Error).
func InternalError(r any, what string) error {
	if err, ok := r.(error); ok {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// A state whose reads were cancelled (a forked state's
			// context): the run was aborted, not broken.
			return fmt.Errorf("%w %s: %w", ErrAborted, what, err)
		}
		return fmt.Errorf("%w %s: %w", ErrInternal, what, err)
	}
	return fmt.Errorf("%w %s: %v", ErrInternal, what, r)
}
