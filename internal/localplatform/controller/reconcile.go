package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// reconciler plays AppCat's part for the claims of one kind. All kinds share this code; only
// the kind descriptor differs.
type reconciler struct {
	kind *kind
	// client reads claims from the informer cache and everything else from the API server
	// (see Run), and writes to the API server.
	client    client.Client
	clientset kubernetes.Interface // for the namespace finalize subresource
	cas       *caStore
	log       logr.Logger
	now       func() time.Time
	servers   *serverPool // nil: the platform runs no real servers
	// serverExits wakes the claims whose real server exited (servers.go); buffered.
	serverExits chan event.GenericEvent

	// seen remembers when this process first saw a claim's generation, to the nanosecond; the
	// provisioning delay counts from there. After a restart the Ready condition's transition
	// time stands in (see firstSeen).
	seen sync.Map // types.NamespacedName -> seenGeneration
	// handled remembers resourceVersions already reconciled (see skip.go).
	handled        sync.Map // types.NamespacedName -> handledVersions
	externalEvents atomic.Uint64
}

type seenGeneration struct {
	uid types.UID
	gen int64
	at  time.Time
}

func (r *reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj := r.kind.newObject()
	if err := r.client.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.seen.Delete(req.NamespacedName)
			r.forget(req.NamespacedName)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, err
	}
	log := r.log.WithValues("kind", r.kind.Kind, "claim", req.NamespacedName.String())
	if res, skip := r.alreadyHandled(obj); skip {
		log.V(2).Info("skipping a version already reconciled", "resourceVersion", obj.GetResourceVersion())
		return res, nil
	}
	pass := r.newPass()
	ctx = withPass(logr.NewContext(ctx, log), pass)
	ctx, err := r.loadState(ctx, obj) // state.go
	if err != nil {
		return ctrl.Result{}, err
	}

	var res ctrl.Result
	if obj.GetDeletionTimestamp() != nil {
		res, err = r.finalize(ctx, obj)
	} else {
		res, err = r.provision(ctx, obj)
	}
	res, err = r.handleError(ctx, obj, res, err)
	if err == nil && obj.GetDeletionTimestamp() == nil && !r.kind.external {
		res = r.probeSLA(ctx, obj, res) // sla_probes.go
	}
	if err == nil {
		r.remember(obj, pass, res)
	} else {
		r.forget(req.NamespacedName)
	}
	// What the work queue is told next: a claim that waits for nothing the controller watches
	// (a foreign secret, a failure that retries) depends on this re-queue alone.
	log.V(2).Info("reconciled", "resourceVersion", obj.GetResourceVersion(), "requeueAfter", res.RequeueAfter.String(), "error", fmt.Sprint(err))
	return res, err
}

// handleError turns the outcome of a reconcile into what controller-runtime should do next.
func (r *reconciler) handleError(ctx context.Context, obj *unstructured.Unstructured, res ctrl.Result, err error) (ctrl.Result, error) {
	if err == nil {
		return res, nil
	}
	if errors.Is(err, errRetry) || apierrors.IsConflict(err) {
		logr.FromContextOrDiscard(ctx).V(2).Info("retrying soon", "cause", err.Error())
		return ctrl.Result{RequeueAfter: retryAfterConflict}, nil
	}
	if ue, ok := asUserError(err); ok {
		if err := r.writeFailure(ctx, obj, ue.msg, true); err != nil {
			if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
				return ctrl.Result{RequeueAfter: retryAfterConflict}, nil
			}
			return ctrl.Result{}, err
		}
		return ctrl.Result{RequeueAfter: ue.retry}, nil
	}
	// A platform fault (API error, …): show it in Synced as Crossplane does, and let
	// controller-runtime retry with backoff. Ready is left alone: the last Ready verdict and its
	// observedGeneration are still true statements.
	if obj.GetDeletionTimestamp() == nil {
		_ = r.writeFailure(ctx, obj, err.Error(), false)
	}
	return ctrl.Result{}, err
}

// provision brings the claim's instance, connection secret and status to what its spec asks.
func (r *reconciler) provision(ctx context.Context, obj *unstructured.Unstructured) (ctrl.Result, error) {
	cfg, err := loadPlatformConfig(ctx, r.client)
	if err != nil {
		return ctrl.Result{}, err
	}
	// The fault knob comes first so that nothing but the status is written for such a claim.
	if cfg.failPattern != nil && cfg.failPattern.MatchString(obj.GetName()) {
		return ctrl.Result{}, userError{msg: fmt.Sprintf("cannot provision: injected failure for claims matching %q (platform-config %s)", cfg.failPattern.String(), keyFailNamePattern)}
	}
	delay, err := claimDelay(cfg, obj)
	if err != nil {
		return ctrl.Result{}, userError{msg: err.Error()}
	}
	if err := checkSizes(obj); err != nil { // sizes.go
		return ctrl.Result{}, err
	}
	ops, err := r.prepareOps(ctx, obj) // clock, restore: operations.go
	if err != nil {
		return ctrl.Result{}, err
	}

	composite, err := r.ensureEnvelope(ctx, obj)
	if err != nil {
		return ctrl.Result{}, err
	}
	seenAt := r.firstSeen(obj)

	instanceNS := "" // none for a kind whose composition runs nothing in a namespace of its own
	if !r.kind.noInstanceNamespace {
		instanceNS = instanceNamespace(r.kind, composite)
	}
	// The instance (namespace, viewer binding) and the connection secret do not depend on
	// each other: write them concurrently, which shortens the time to Ready. Both only read obj.
	var (
		wg                          sync.WaitGroup
		instErr, connErr, accessErr error
		published                   bool
		access                      *accessOutcome
	)
	if instanceNS != "" {
		wg.Go(func() { instErr = r.ensureInstance(ctx, obj, instanceNS, composite) })
	}
	wg.Go(func() { published, connErr = r.ensureConnection(ctx, obj, instanceNS) })
	wg.Go(func() { access, accessErr = r.ensureAccess(ctx, obj, instanceNS) }) // access.go
	wg.Wait()
	if err := errors.Join(instErr, connErr, accessErr); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.ensureServer(ctx, obj, instanceNS); err != nil { // servers.go
		return ctrl.Result{}, err
	}

	wait := seenAt.Add(delay).Sub(r.now())
	if r.isReady(obj) {
		wait = 0 // Ready for this generation already: stays so
	}
	status := r.desiredStatus(obj, instanceNS, wait <= 0)
	setAccessStatus(status, access, r.now())
	if published {
		// As Crossplane records when it last wrote the connection details.
		status["connectionDetails"] = map[string]any{"lastPublishedTime": r.now().UTC().Format(time.RFC3339)}
	}
	// Data marker, backups, maintenance: operations.go. next is the next scheduled event.
	next, err := r.runOps(ctx, obj, ops, status, instanceNS, wait <= 0)
	if err != nil {
		return ctrl.Result{}, err
	}
	alertNext, err := r.deliverAlerts(ctx, obj, status, wait <= 0) // alerting.go
	if err != nil {
		return ctrl.Result{}, err
	}
	next = minWait(next, alertNext)
	if err := r.writeStatus(ctx, obj, status); err != nil {
		return ctrl.Result{}, err
	}
	if wait = minWait(wait, next); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	return ctrl.Result{}, nil
}

// ensureInstance makes the instance namespace, its metrics Service and monitor, and its viewer
// binding. A claim that never got
// this far has neither yet: they are created without reading first (a clash still shows as
// AlreadyExists).
func (r *reconciler) ensureInstance(ctx context.Context, obj *unstructured.Unstructured, instanceNS, composite string) error {
	// An external kind's namespace is not reported: look first.
	fresh := !r.kind.external && str(obj, "status", "instanceNamespace") == ""
	if err := r.ensureInstanceNamespace(ctx, obj, instanceNS, composite, fresh); err != nil {
		return err
	}
	if fresh {
		if err := r.ensureMonitoring(ctx, obj, instanceNS, composite); err != nil { // monitoring_objects.go
			return err
		}
	}
	if r.kind.external {
		return nil // nothing runs there that a customer could look at
	}
	return r.ensureViewerBinding(ctx, obj, instanceNS, fresh)
}

// ensureConnection writes the connection secret, complete, and tells whether it wrote. It
// runs before Ready can turn True, so a client that sees Ready for a generation finds every
// key.
func (r *reconciler) ensureConnection(ctx context.Context, obj *unstructured.Unstructured, instanceNS string) (bool, error) {
	ps, err := r.secretsFor(ctx, obj, instanceNS)
	if err != nil {
		return false, err
	}
	// A spec change may have renamed or dropped the connection secret: remove the old one.
	// Only looked for on a new generation, to spare a list call on every reconcile.
	if observed := observedGeneration(obj); observed != 0 && observed != obj.GetGeneration() {
		if err := r.deleteOwnedSecrets(ctx, obj, specString(obj, "writeConnectionSecretToRef", "name")); err != nil {
			return false, err
		}
	}
	fresh := str(obj, "status", "connectionDetails", "lastPublishedTime") == ""
	return r.ensureConnectionSecret(ctx, obj, instanceNS, ps, fresh)
}

// ensureEnvelope sets what Crossplane adds to a new claim: the finalizer, the default
// composition and the reference to the composite, whose random name is chosen here once.
// These live in metadata and spec, so they take an update of the claim itself (which bumps
// metadata.generation, as with Crossplane).
func (r *reconciler) ensureEnvelope(ctx context.Context, obj *unstructured.Unstructured) (string, error) {
	changed := controllerutil.AddFinalizer(obj, finalizer)
	if specString(obj, "compositionRef", "name") == "" {
		if err := unstructured.SetNestedField(obj.Object, r.kind.DefaultComposition, "spec", "compositionRef", "name"); err != nil {
			return "", err
		}
		changed = true
	}
	composite := specString(obj, "resourceRef", "name")
	if composite == "" {
		composite = compositeName(obj.GetName())
		ref := map[string]any{"apiVersion": r.kind.apiVersion(), "kind": r.kind.compositeKind(), "name": composite}
		if err := unstructured.SetNestedMap(obj.Object, ref, "spec", "resourceRef"); err != nil {
			return "", err
		}
		changed = true
	}
	if changed {
		rv := obj.GetResourceVersion()
		if err := r.client.Update(ctx, obj); err != nil {
			return "", fmt.Errorf("updating claim: %w", err)
		}
		noteWrite(ctx, rv)
	}
	return composite, nil
}

// firstSeen is when the controller first saw the claim's current generation.
func (r *reconciler) firstSeen(obj *unstructured.Unstructured) time.Time {
	key := types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}
	gen := obj.GetGeneration()
	if v, ok := r.seen.Load(key); ok {
		if s := v.(seenGeneration); s.uid == obj.GetUID() && s.gen == gen {
			return s.at
		}
	}
	at := r.now()
	// Seen before this process started: the Ready condition written then tells when. Its
	// time has second precision, so round up rather than end the delay early.
	if c, ok := getCondition(obj, typeReady); ok && c.ObservedGeneration == gen && c.Status == statusFalse &&
		(c.Reason == reasonCreating || c.Reason == reasonUpdating) && !c.LastTransitionTime.IsZero() {
		at = c.LastTransitionTime.Add(time.Second)
	}
	r.seen.Store(key, seenGeneration{uid: obj.GetUID(), gen: gen, at: at})
	return at
}

func str(obj *unstructured.Unstructured, path ...string) string {
	s, _, _ := unstructured.NestedString(obj.Object, path...)
	return s
}

func observedGeneration(obj *unstructured.Unstructured) int64 {
	v, _, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "observedGeneration")
	return toInt64(v)
}

// isReady tells whether the claim is Ready for its current generation.
func (r *reconciler) isReady(obj *unstructured.Unstructured) bool {
	c, ok := getCondition(obj, typeReady)
	return ok && c.Status == statusTrue && c.ObservedGeneration == obj.GetGeneration()
}

// hasBeenReady tells an update from a creation: the claim was Ready at some point.
func hasBeenReady(obj *unstructured.Unstructured) bool {
	if c, ok := getCondition(obj, typeReady); ok && (c.Status == statusTrue || c.Reason == reasonUpdating) {
		return true
	}
	return hasBeenProvisioned(obj)
}

func statusCopy(obj *unstructured.Unstructured) map[string]any {
	if s, ok := obj.Object["status"].(map[string]any); ok {
		return runtime.DeepCopyJSON(s)
	}
	return map[string]any{}
}

// desiredStatus is the claim's status after a successful reconcile.
func (r *reconciler) desiredStatus(obj *unstructured.Unstructured, instanceNS string, ready bool) map[string]any {
	gen := obj.GetGeneration()
	status := statusCopy(obj)
	if !r.kind.external && instanceNS != "" {
		status["instanceNamespace"] = instanceNS
	}
	if r.kind.describe != nil {
		r.kind.describe(obj, status)
	}
	if s := effectiveSchedules(r.kind, obj); s != nil {
		status["schedules"] = s
	}
	status["observedGeneration"] = gen

	synced := condition{Type: typeSynced, Status: statusTrue, Reason: reasonReconcileSuccess, ObservedGeneration: gen}
	readyCond := condition{Type: typeReady, Status: statusTrue, Reason: reasonAvailable, ObservedGeneration: gen}
	if ready {
		// The version counts as running only once the claim has converged.
		setRunningVersion(status, r.kind.version(obj))
	} else {
		readyCond.Status, readyCond.Reason = statusFalse, reasonCreating
		if hasBeenReady(obj) {
			readyCond.Reason = reasonUpdating
		}
	}
	setConditions(status, r.now(), synced, readyCond)
	return status
}

// writeFailure reports a failed reconcile: Synced False, and with ready also Ready False (the
// claim cannot converge until the user or the platform config changes something).
func (r *reconciler) writeFailure(ctx context.Context, obj *unstructured.Unstructured, msg string, ready bool) error {
	gen := obj.GetGeneration()
	status := statusCopy(obj)
	conds := []condition{{Type: typeSynced, Status: statusFalse, Reason: reasonReconcileError, Message: msg, ObservedGeneration: gen}}
	if ready {
		conds = append(conds, condition{Type: typeReady, Status: statusFalse, Reason: reasonReconcileError, Message: msg, ObservedGeneration: gen})
		status["observedGeneration"] = gen
	}
	setConditions(status, r.now(), conds...)
	return r.writeStatus(ctx, obj, status)
}

// writeStatus writes status through the status subresource, and only if it changed: the
// provider's benchmarks count API requests, and a no-op write would also wake every watcher.
//
// The platform's memory (state.go) is split off first and saved to its ConfigMap, before the
// claim: a claim never shows a status whose memory could still be lost.
func (r *reconciler) writeStatus(ctx context.Context, obj *unstructured.Unstructured, status map[string]any) error {
	claimBefore, stateBefore := splitState(obj.Object["status"])
	claimAfter, stateAfter := splitState(status)
	if !sameJSON(stateBefore, stateAfter) {
		if err := r.saveState(ctx, obj, memoryKey(r.kind, obj), stateAfter); err != nil {
			return err
		}
	}
	if sameJSON(claimBefore, claimAfter) {
		obj.Object["status"] = status
		return nil
	}
	before, _ := getCondition(obj, typeReady)
	obj.Object["status"] = claimAfter
	rv := obj.GetResourceVersion()
	if err := r.client.Status().Update(ctx, obj); err != nil {
		mergeState(obj, stateAfter)
		return fmt.Errorf("updating claim status: %w", err)
	}
	mergeState(obj, stateAfter)
	noteWrite(ctx, rv)
	// One log line per change of the Ready verdict keeps controller.log readable.
	log := logr.FromContextOrDiscard(ctx)
	if after, _ := getCondition(obj, typeReady); after.condition != before.condition {
		log.Info("claim "+readyWord(after.Status), "generation", obj.GetGeneration(), "reason", after.Reason, "message", after.Message)
	} else {
		log.V(1).Info("status written", "generation", obj.GetGeneration())
	}
	return nil
}

func readyWord(status string) string {
	if status == statusTrue {
		return "ready"
	}
	return "not ready"
}

// sameJSON compares two values by their JSON form, which hides the int64/float64 and nil/empty
// differences between what the API returned and what the controller built.
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}
