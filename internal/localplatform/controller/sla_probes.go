package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The probe history and the monthly SLA reports (README: "SLA reports and metrics").
//
// Monitoring of an instance starts when it is first provisioned. From then on, every period in
// which the claim is not Ready for its generation counts as down, and each new value of the
// annotation local.appcat.vshn.io/inject-downtime adds the interval it names. The history lives
// in the ConfigMap sla-probes of the instance namespace (platform times), mirrored in memory so a
// reconcile reads it at most once per process. After each reconcile the controller publishes an
// SLAReport (api.appcat.vshn.io/v1) <claim>-<yyyy-mm> for every month from the first of the
// history to the current one (at most 13), and wakes itself while the instance is down (to move
// the figures on) and at the next month's start.

const (
	slaHistoryName = "sla-probes"
	slaHistoryKey  = "history"
	slaReportKind  = "SLAReport"
	// maxDownIntervals bounds the history; the oldest intervals go first.
	maxDownIntervals = 1000
)

func slaReportGVK() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: backupGroup, Version: backupVersion, Kind: slaReportKind}
}

// slaReportObject is an empty SLAReport: the controller reads them from the API server (see Run).
func slaReportObject() client.Object {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(slaReportGVK())
	return u
}

// probeHistory is the content of the sla-probes ConfigMap.
type probeHistory struct {
	Since     time.Time      `json:"since"`               // monitoring started (platform time)
	DownSince *time.Time     `json:"downSince,omitempty"` // not Ready since, while it lasts
	Down      []downInterval `json:"down"`                // closed intervals, oldest first
	Injected  []string       `json:"injected,omitempty"`  // annotation values already applied
}

// intervals are the closed intervals plus the open one up to now.
func (h *probeHistory) intervals(now time.Time) []downInterval {
	out := append([]downInterval(nil), h.Down...)
	if h.DownSince != nil && now.After(*h.DownSince) {
		out = append(out, downInterval{Start: *h.DownSince, End: now, Reason: "NotReady"})
	}
	return out
}

// slaEntry is the in-memory state of one claim.
type slaEntry struct {
	mu        sync.Mutex
	loaded    bool
	hist      probeHistory
	published map[string]string // month -> JSON of the report status last written
}

// slaEntries holds the state per claim UID (UIDs are unique, also across platforms in one test
// process).
var slaEntries sync.Map // types.UID -> *slaEntry

// probeSLA records the claim's state in its probe history and publishes its reports. Errors are
// logged and retried: they never fail the claim.
func (r *reconciler) probeSLA(ctx context.Context, obj *unstructured.Unstructured, res ctrl.Result) ctrl.Result {
	next, err := r.updateSLA(ctx, obj)
	if err != nil {
		if !apierrors.IsNotFound(err) {
			r.log.Error(err, "updating SLA reports", "kind", r.kind.Kind, "claim", obj.GetNamespace()+"/"+obj.GetName())
		}
		next = retryAfterConflict
	}
	if next > 0 {
		res.RequeueAfter = minWait(res.RequeueAfter, next)
	}
	return res
}

func (r *reconciler) updateSLA(ctx context.Context, obj *unstructured.Unstructured) (time.Duration, error) {
	instanceNS := str(obj, "status", "instanceNamespace")
	if instanceNS == "" || !hasBeenProvisioned(obj) {
		return 0, nil // not provisioned yet: not monitored
	}
	v, _ := slaEntries.LoadOrStore(obj.GetUID(), &slaEntry{})
	e := v.(*slaEntry)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.loaded {
		h, err := r.readProbeHistory(ctx, instanceNS)
		if err != nil {
			return 0, err
		}
		e.hist, e.loaded, e.published = h, true, map[string]string{}
	}
	clock := storedClock(obj.Object["status"])
	now := clock.at(r.now()).UTC().Truncate(time.Second)

	h := e.hist
	h.Down = append([]downInterval(nil), h.Down...)
	changed := false
	if h.Since.IsZero() {
		h.Since, changed = now, true
	}
	ready := r.isReady(obj)
	switch {
	case !ready && h.DownSince == nil:
		t := now
		h.DownSince, changed = &t, true
	case ready && h.DownSince != nil:
		if now.After(*h.DownSince) {
			h.Down = append(h.Down, downInterval{Start: *h.DownSince, End: now, Reason: "NotReady"})
		}
		h.DownSince, changed = nil, true
	}
	if a, ok := obj.GetAnnotations()[injectDowntimeAnnotation]; ok && !contains(h.Injected, a) {
		d, err := parseInjectedDowntime(a)
		if err != nil {
			r.log.Info("ignoring an invalid downtime injection", "claim", obj.GetNamespace()+"/"+obj.GetName(), "error", err.Error())
		} else {
			h.Down = append(h.Down, d)
		}
		h.Injected = append(h.Injected, a)
		if len(h.Injected) > maxDownIntervals {
			h.Injected = h.Injected[len(h.Injected)-maxDownIntervals:]
		}
		changed = true
	}
	if len(h.Down) > maxDownIntervals {
		h.Down = h.Down[len(h.Down)-maxDownIntervals:]
	}
	if changed {
		if err := r.writeProbeHistory(ctx, obj, instanceNS, h); err != nil {
			return 0, err
		}
		e.hist = h
	}

	down := h.intervals(now)
	for _, m := range reportMonths(h.Since, down, now) {
		if err := r.publishReport(ctx, obj, e, monthFigures(m, down, now), now); err != nil {
			return 0, err
		}
	}

	// Wake up at the next month, and every platform minute while down.
	next := monthStart(now).AddDate(0, 1, 0)
	for _, d := range down {
		if d.Start.After(now) {
			next = earliest(next, d.Start)
		} else if d.End.After(now) || (h.DownSince != nil && d.End.Equal(now)) {
			next = earliest(next, now.Add(time.Minute))
		}
	}
	return max(clock.wallAt(next).Sub(r.now()), time.Second), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (r *reconciler) readProbeHistory(ctx context.Context, instanceNS string) (probeHistory, error) {
	var cm corev1.ConfigMap
	err := r.client.Get(ctx, types.NamespacedName{Namespace: instanceNS, Name: slaHistoryName}, &cm)
	if apierrors.IsNotFound(err) {
		return probeHistory{}, nil
	}
	if err != nil {
		return probeHistory{}, fmt.Errorf("reading ConfigMap %s/%s: %w", instanceNS, slaHistoryName, err)
	}
	var h probeHistory
	if s := cm.Data[slaHistoryKey]; s != "" {
		if err := json.Unmarshal([]byte(s), &h); err != nil {
			return probeHistory{}, fmt.Errorf("ConfigMap %s/%s: %w", instanceNS, slaHistoryName, err)
		}
	}
	return h, nil
}

func (r *reconciler) writeProbeHistory(ctx context.Context, obj *unstructured.Unstructured, instanceNS string, h probeHistory) error {
	raw, err := json.Marshal(h)
	if err != nil {
		return err
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: instanceNS, Name: slaHistoryName, Labels: r.claimLabels(obj)}}
	cm.Data = map[string]string{slaHistoryKey: string(raw)}
	err = r.client.Update(ctx, cm)
	if apierrors.IsNotFound(err) {
		cm.ResourceVersion = ""
		err = r.client.Create(ctx, cm)
	}
	if err != nil {
		return fmt.Errorf("writing ConfigMap %s/%s: %w", instanceNS, slaHistoryName, err)
	}
	return nil
}

func (r *reconciler) claimLabels(obj *unstructured.Unstructured) map[string]string {
	return map[string]string{labelClaimName: obj.GetName(), labelClaimNamespace: obj.GetNamespace(), labelClaimKind: r.kind.Kind}
}

// publishReport writes the month's SLAReport if its figures changed since it was last written.
func (r *reconciler) publishReport(ctx context.Context, obj *unstructured.Unstructured, e *slaEntry, f slaFigures, now time.Time) error {
	status := map[string]any{
		"instance":            map[string]any{"kind": r.kind.Kind, "name": obj.GetName()},
		"month":               f.Month,
		"availabilityPercent": f.availabilityPercent(),
		"targetPercent":       slaTargetPercent,
		"met":                 f.Met,
		"downtimeSeconds":     f.DownSeconds,
		"downtimeMinutes":     f.downtimeMinutes(),
		"serviceCredit":       f.Credit,
		"final":               f.Final,
	}
	raw, _ := json.Marshal(status)
	if e.published[f.Month] == string(raw) {
		return nil
	}
	status["updatedAt"] = platformStamp(now)
	name := obj.GetName() + "-" + f.Month
	rep := &unstructured.Unstructured{}
	rep.SetGroupVersionKind(slaReportGVK())
	err := r.client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}, rep)
	switch {
	case apierrors.IsNotFound(err):
		rep = &unstructured.Unstructured{Object: map[string]any{"status": status}}
		rep.SetGroupVersionKind(slaReportGVK())
		rep.SetNamespace(obj.GetNamespace())
		rep.SetName(name)
		rep.SetLabels(map[string]string{labelClaimName: obj.GetName(), labelClaimKind: r.kind.Kind})
		rep.SetOwnerReferences([]metav1.OwnerReference{ownerRef(obj)})
		err = r.client.Create(ctx, rep)
	case err == nil:
		old, _ := rep.Object["status"].(map[string]any)
		if old != nil {
			delete(old, "updatedAt")
		}
		if sameJSON(old, mapWithout(status, "updatedAt")) {
			break
		}
		rep.Object["status"] = status
		err = r.client.Update(ctx, rep)
	}
	if err != nil {
		return fmt.Errorf("writing SLAReport %s/%s: %w", obj.GetNamespace(), name, err)
	}
	e.published[f.Month] = string(raw)
	return nil
}

func mapWithout(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// deleteSLAReports deletes the claim's reports and forgets its probe state.
func (r *reconciler) deleteSLAReports(ctx context.Context, obj *unstructured.Unstructured) error {
	slaEntries.Delete(obj.GetUID())
	err := r.client.DeleteAllOf(ctx, slaReportObject(), client.InNamespace(obj.GetNamespace()),
		client.MatchingLabels{labelClaimName: obj.GetName(), labelClaimKind: r.kind.Kind})
	if err != nil && !apierrors.IsNotFound(err) && !meta.IsNoMatchError(err) {
		return fmt.Errorf("deleting the SLA reports of %s: %w", obj.GetName(), err)
	}
	return nil
}
