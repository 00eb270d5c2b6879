package provider

import (
	"context"
	"sync/atomic"
	"time"
)

// releasableContext is a context that stands for another until release, and afterwards for a
// context that is canceled and holds no values: whoever keeps it past release keeps only the
// shell, not the other context's values (see releasingServer).
//
// Until release it is the other context in every respect. Its Value answers the context
// package's own lookup of the nearest cancelable parent, so a context derived from it is canceled
// together with the other context, as if derived from that directly.
type releasableContext struct {
	inner atomic.Pointer[context.Context]
}

// releasedContext is what a releasableContext stands for after release: canceled, as the request
// whose context it stood for is over, and without values.
var releasedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func newReleasableContext(ctx context.Context) *releasableContext {
	rc := &releasableContext{}
	rc.inner.Store(&ctx)
	return rc
}

// release drops the other context.
func (rc *releasableContext) release() { rc.inner.Store(&releasedContext) }

func (rc *releasableContext) current() context.Context { return *rc.inner.Load() }

func (rc *releasableContext) Deadline() (time.Time, bool) { return rc.current().Deadline() }
func (rc *releasableContext) Done() <-chan struct{}       { return rc.current().Done() }
func (rc *releasableContext) Err() error                  { return rc.current().Err() }
func (rc *releasableContext) Value(key any) any           { return rc.current().Value(key) }
