package appcat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// Progress receives what a long wait is doing, for the provider's INFO log. It never receives
// secret values.
type Progress func(msg string, fields map[string]any)

// WaitOptions tune WaitReady.
type WaitOptions struct {
	// FailureGrace is how long the platform may report a reconcile error (Synced False) for the
	// current generation before the wait gives up with the platform's reason. Crossplane retries
	// reconcile errors, so a short-lived one is not a failure.
	FailureGrace time.Duration
	// ProgressEvery is how often a still-running wait reports progress.
	ProgressEvery time.Duration
	// Version, when set, is the service version the claim was just changed to: the wait also
	// needs the kind's version status field (Kind.VersionStatus) to report it (see VersionReported). Ready conditions alone do
	// not prove an upgrade done where the platform omits their observedGeneration.
	Version string
}

// DefaultWaitOptions are used where a caller passes zero values.
var DefaultWaitOptions = WaitOptions{FailureGrace: 20 * time.Second, ProgressEvery: 10 * time.Second}

// ErrPlatformFailure is wrapped by WaitReady when the platform reports a lasting failure.
var ErrPlatformFailure = errors.New("the platform reports a failure")

// WaitReady waits, watching the claim, until the platform reports it Synced and Ready for the
// given generation and its connection secret (if any) holds every key the kind promises. It
// returns the ready claim and its connection secret's data (nil without one) as the platform has
// them. On timeout (ctx's deadline) the error names the claim and the platform's last reason and
// message.
func (c *Client) WaitReady(ctx context.Context, k Kind, namespace, name string, generation int64, opts WaitOptions, progress Progress) (*unstructured.Unstructured, map[string][]byte, error) {
	opts = opts.withDefaults()
	w := &waiter{client: c, kind: k, namespace: namespace, name: name, progress: progress, goal: "to become ready", opts: opts}
	var failingSince time.Time
	var mu sync.Mutex
	err := w.run(ctx, func(_ watch.EventType, obj *observed) (bool, error) {
		if obj == nil {
			return false, fmt.Errorf("%s %s/%s was deleted while waiting for it to become ready", k.Kind, namespace, name)
		}
		r := readinessFor(k, generation, opts.Version, obj.status)
		mu.Lock()
		defer mu.Unlock()
		if !r.Failing {
			failingSince = time.Time{}
		} else if failingSince.IsZero() {
			failingSince = time.Now()
		}
		return r.Ready, nil
	}, func() error {
		mu.Lock()
		defer mu.Unlock()
		if !failingSince.IsZero() && time.Since(failingSince) >= opts.FailureGrace {
			last := w.last()
			return fmt.Errorf("%w for %s %s/%s: %s", ErrPlatformFailure, k.Kind, namespace, name, readinessFor(k, generation, opts.Version, last.status))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	ready := w.last().object
	secret, err := c.waitSecretComplete(ctx, k, ready, opts, progress)
	if err != nil {
		return nil, nil, err
	}
	return ready, secret, nil
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.FailureGrace <= 0 {
		o.FailureGrace = DefaultWaitOptions.FailureGrace
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = DefaultWaitOptions.ProgressEvery
	}
	return o
}

// observed is the latest state of the watched claim.
type observed struct {
	object *unstructured.Unstructured
	status Status
}

// waiter watches one claim until a condition holds, reporting progress while it waits.
type waiter struct {
	client          *Client
	kind            Kind
	namespace, name string
	goal            string
	progress        Progress
	opts            WaitOptions

	mu     sync.Mutex
	latest *observed
}

func (w *waiter) last() *observed {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.latest == nil {
		return &observed{}
	}
	return w.latest
}

func (w *waiter) record(obj *unstructured.Unstructured) (*observed, error) {
	if obj == nil {
		w.mu.Lock()
		w.latest = nil
		w.mu.Unlock()
		return nil, nil
	}
	claim, err := FromUnstructured[map[string]any](obj)
	if err != nil {
		return nil, err
	}
	o := &observed{object: obj, status: claim.Status}
	w.mu.Lock()
	w.latest = o
	w.mu.Unlock()
	return o, nil
}

// run watches the claim until done returns true. check, if given, runs every second and may end
// the wait with an error (used for failures that last too long).
func (w *waiter) run(ctx context.Context, done func(watch.EventType, *observed) (bool, error), checks ...func() error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	started := time.Now()
	go w.report(ctx, cancel, started, checks)

	gvr := w.kind.GVR()
	selector := fields.OneTermEqualSelector("metadata.name", w.name).String()
	res := w.client.dynamic.Resource(gvr).Namespace(w.namespace)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = selector
			return res.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = selector
			return res.Watch(ctx, o)
		},
	}
	precondition := func(store cache.Store) (bool, error) {
		item, exists, err := store.GetByKey(w.namespace + "/" + w.name)
		if err != nil {
			return false, err
		}
		if !exists {
			return done(watch.Deleted, nil)
		}
		o, err := w.record(item.(*unstructured.Unstructured))
		if err != nil {
			return false, err
		}
		return done(watch.Added, o)
	}
	condition := func(ev watch.Event) (bool, error) {
		if ev.Type == watch.Deleted {
			_, _ = w.record(nil)
			return done(ev.Type, nil)
		}
		u, ok := ev.Object.(*unstructured.Unstructured)
		if !ok {
			return false, nil
		}
		o, err := w.record(u)
		if err != nil {
			return false, err
		}
		return done(ev.Type, o)
	}
	// The wrapper tells the reflector whether the client can stream a watch list (fake clients
	// in unit tests cannot).
	_, err := watchtools.UntilWithSync(ctx, cache.ToListWatcherWithWatchListSemantics(lw, w.client.dynamic), &unstructured.Unstructured{}, precondition, condition)
	if err == nil {
		if w.progress != nil {
			w.progress(fmt.Sprintf("%s %s/%s: done waiting %s", w.kind.Kind, w.namespace, w.name, w.goal), map[string]any{"elapsed": time.Since(started).Round(time.Millisecond).String()})
		}
		return nil
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
		return cause
	}
	if ctx.Err() != nil {
		return w.timeoutError(started)
	}
	return err
}

func (w *waiter) timeoutError(started time.Time) error {
	last := w.last()
	state := "the platform has not reported any condition"
	if last.object != nil {
		r := readinessFor(w.kind, last.object.GetGeneration(), w.opts.Version, last.status)
		if c := last.status.Condition("Ready"); c != nil {
			state = fmt.Sprintf("last condition Ready=%s, reason %q, message %q", c.Status, c.Reason, c.Message)
		} else {
			state = r.String()
		}
		if r.Reason == reasonVersionPending {
			state += "; " + r.Message
		}
		if c := last.status.Condition("Synced"); c != nil && c.Status == "False" {
			state += fmt.Sprintf("; Synced=False, reason %q, message %q", c.Reason, c.Message)
		}
	}
	return fmt.Errorf("timed out after %s waiting for %s %s/%s %s: %s", time.Since(started).Round(time.Second), w.kind.Kind, w.namespace, w.name, w.goal, state)
}

// report logs progress at a steady pace and runs the periodic checks.
func (w *waiter) report(ctx context.Context, cancel context.CancelCauseFunc, started time.Time, checks []func() error) {
	every := w.opts.ProgressEvery
	if every <= 0 {
		every = DefaultWaitOptions.ProgressEvery
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastReport := started
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, check := range checks {
			if err := check(); err != nil {
				cancel(err)
				return
			}
		}
		if w.progress != nil && time.Since(lastReport) >= every {
			lastReport = time.Now()
			last := w.last()
			msg := fmt.Sprintf("%s %s/%s: still waiting %s", w.kind.Kind, w.namespace, w.name, w.goal)
			fields := map[string]any{"elapsed": time.Since(started).Round(time.Second).String()}
			if last.object != nil {
				fields["platform_state"] = readinessFor(w.kind, last.object.GetGeneration(), w.opts.Version, last.status).String()
			}
			w.progress(msg, fields)
		}
	}
}
