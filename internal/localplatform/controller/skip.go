package controller

import (
	"context"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
)

// Skipping reconciles the controller's own writes caused.
//
// Setting spec.resourceRef bumps the claim's generation, and that event wakes the controller
// again right after the reconcile that wrote it. The informer cache then often still holds the
// claim as it was before the status write of that same reconcile; reconciling it would end in
// a conflicting status write and one more round. So after a reconcile that succeeded, the
// controller remembers the resourceVersions it has already dealt with — those its own writes
// replaced, and the final one when nothing is pending (no RequeueAfter) — and skips a
// reconcile that finds the claim at one of them. Events that concern the claim without
// changing it (platform config, RoleBinding, connection secret) forget the memory first
// (see forget), so they are never skipped; and a pass that overlapped such an event may have
// read the world before it, so it remembers nothing.

type reconcilePass struct {
	superseded []string // resourceVersions replaced by this pass's own writes
	events     uint64   // reconciler.externalEvents when the pass started
}

func (r *reconciler) newPass() *reconcilePass {
	return &reconcilePass{events: r.externalEvents.Load()}
}

type passKey struct{}

func withPass(ctx context.Context, p *reconcilePass) context.Context {
	return context.WithValue(ctx, passKey{}, p)
}

// noteWrite records that the pass replaced resourceVersion rv by a write of its own.
func noteWrite(ctx context.Context, rv string) {
	if p, ok := ctx.Value(passKey{}).(*reconcilePass); ok {
		p.superseded = append(p.superseded, rv)
	}
}

type handledVersions struct {
	uid types.UID
	rvs []string
	// requeueAt is when the pass asked to be woken again (RequeueAfter). A reconcile for the
	// same key coalesces with that timer in the work queue, so a skip must ask for it again.
	requeueAt time.Time
}

func claimKey(obj *unstructured.Unstructured) types.NamespacedName {
	return types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// alreadyHandled tells whether a successful reconcile has dealt with the claim as it is now,
// and if so, what the skipping reconcile must return to keep that reconcile's timer.
func (r *reconciler) alreadyHandled(obj *unstructured.Unstructured) (ctrl.Result, bool) {
	v, ok := r.handled.Load(claimKey(obj))
	if !ok {
		return ctrl.Result{}, false
	}
	h := v.(handledVersions)
	if h.uid != obj.GetUID() || !slices.Contains(h.rvs, obj.GetResourceVersion()) {
		return ctrl.Result{}, false
	}
	if h.requeueAt.IsZero() {
		return ctrl.Result{}, true
	}
	wait := h.requeueAt.Sub(r.now())
	if wait <= 0 {
		return ctrl.Result{}, false // the timer is due: this is the reconcile it asked for
	}
	return ctrl.Result{RequeueAfter: wait}, true
}

// remember stores what a successful pass has dealt with.
func (r *reconciler) remember(obj *unstructured.Unstructured, p *reconcilePass, res ctrl.Result) {
	if r.externalEvents.Load() != p.events {
		r.handled.Delete(claimKey(obj))
		return
	}
	h := handledVersions{uid: obj.GetUID(), rvs: slices.Clone(p.superseded)}
	if res.RequeueAfter > 0 {
		h.requeueAt = r.now().Add(res.RequeueAfter)
	} else if obj.GetDeletionTimestamp() == nil {
		h.rvs = append(h.rvs, obj.GetResourceVersion())
	}
	if len(h.rvs) == 0 {
		r.handled.Delete(claimKey(obj))
		return
	}
	r.handled.Store(claimKey(obj), h)
}

// forget drops the memory of a claim, so that its next reconcile runs in full.
func (r *reconciler) forget(key types.NamespacedName) {
	r.externalEvents.Add(1)
	r.handled.Delete(key)
}
