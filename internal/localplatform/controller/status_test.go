package controller

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestFirstSeenSurvivesRestart(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	k := kindByName("VSHNPostgreSQL")
	obj := claim(k, "a", "uid-1", nil)
	obj.SetGeneration(2)

	r := &reconciler{kind: k, now: fixedClock(t0.Add(500 * time.Millisecond))}
	if got := r.firstSeen(obj); !got.Equal(t0.Add(500 * time.Millisecond)) {
		t.Errorf("first sight = %v, want now", got)
	}
	r.now = fixedClock(t0.Add(time.Minute))
	if got := r.firstSeen(obj); !got.Equal(t0.Add(500 * time.Millisecond)) {
		t.Errorf("second sight = %v, want the first", got)
	}

	// A new process finds the generation in the Ready condition written by the old one; the
	// condition's time has second precision, so the delay may end late but never early.
	status := map[string]any{}
	setConditions(status, t0, condition{Type: typeReady, Status: statusFalse, Reason: reasonCreating, ObservedGeneration: 2})
	obj.Object["status"] = status
	restarted := &reconciler{kind: k, now: fixedClock(t0.Add(time.Minute))}
	if got := restarted.firstSeen(obj); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("after restart = %v, want %v", got, t0.Add(time.Second))
	}

	// A new generation starts a new count.
	obj.SetGeneration(3)
	if got := restarted.firstSeen(obj); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("new generation = %v, want now", got)
	}
}

func TestDesiredStatus(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	k := kindByName("VSHNMariaDB")
	r := &reconciler{kind: k, now: fixedClock(now)}
	obj := claim(k, "a", "uid-1", map[string]any{"service": map[string]any{"version": "11.4"}})

	s := r.desiredStatus(obj, "vshn-mariadb-a-abcde", false)
	u := &unstructured.Unstructured{Object: map[string]any{"status": s}}
	if c, _ := getCondition(u, typeReady); c.Status != statusFalse || c.Reason != reasonCreating || c.ObservedGeneration != 1 {
		t.Errorf("Ready while creating = %+v", c.condition)
	}
	if c, _ := getCondition(u, typeSynced); c.Status != statusTrue || c.Reason != reasonReconcileSuccess {
		t.Errorf("Synced = %+v", c.condition)
	}
	if v := runningVersion(s); v != "" {
		t.Errorf("version %q recorded before the claim converged", v)
	}

	obj.Object["status"] = s
	s = r.desiredStatus(obj, "vshn-mariadb-a-abcde", true)
	if runningVersion(s) != "11.4" || previousRunningVersion(s) != "" {
		t.Errorf("versions when ready = %q %q", runningVersion(s), previousRunningVersion(s))
	}
	if s["instanceNamespace"] != "vshn-mariadb-a-abcde" || s["observedGeneration"] != int64(1) {
		t.Errorf("status = %v", s)
	}

	// An update: Ready False with reason Updating, the old version stays until converged.
	obj.Object["status"] = s
	obj.SetGeneration(2)
	setParam(obj, "11.8", "service", "version")
	s = r.desiredStatus(obj, "vshn-mariadb-a-abcde", false)
	u = &unstructured.Unstructured{Object: map[string]any{"status": s}}
	if c, _ := getCondition(u, typeReady); c.Reason != reasonUpdating || c.ObservedGeneration != 2 {
		t.Errorf("Ready while updating = %+v", c.condition)
	}
	if v := runningVersion(s); v != "11.4" {
		t.Errorf("version while updating = %q", v)
	}
	obj.Object["status"] = s
	s = r.desiredStatus(obj, "vshn-mariadb-a-abcde", true)
	if runningVersion(s) != "11.8" || previousRunningVersion(s) != "11.4" {
		t.Errorf("versions after the update = %q %q", runningVersion(s), previousRunningVersion(s))
	}

	// Reconciling again without change yields the same status: no write.
	obj.Object["status"] = s
	r.now = fixedClock(now.Add(time.Hour))
	if again := r.desiredStatus(obj, "vshn-mariadb-a-abcde", true); !sameJSON(again, s) {
		t.Errorf("status changed on a no-op reconcile:\n%v\n%v", s, again)
	}
}

func setParam(obj *unstructured.Unstructured, v any, path ...string) {
	if err := unstructured.SetNestedField(obj.Object, v, append([]string{"spec", "parameters"}, path...)...); err != nil {
		panic(err)
	}
}

func TestSkipKeepsTimerAndIgnoresOverlappedPasses(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	k := kindByName("VSHNRedis")
	r := &reconciler{kind: k, now: fixedClock(now)}
	obj := claim(k, "a", "uid-1", nil)
	obj.SetResourceVersion("10")

	// A pass that wrote twice (10 -> 11 -> 12) and waits for the delay.
	p := r.newPass()
	p.superseded = []string{"10", "11"}
	obj.SetResourceVersion("12")
	r.remember(obj, p, ctrl.Result{RequeueAfter: 2 * time.Second})

	stale := obj.DeepCopy()
	stale.SetResourceVersion("11")
	r.now = fixedClock(now.Add(500 * time.Millisecond))
	if res, skip := r.alreadyHandled(stale); !skip || res.RequeueAfter != 1500*time.Millisecond {
		t.Errorf("stale version: skip %v res %+v, want skip keeping the timer", skip, res)
	}
	if _, skip := r.alreadyHandled(obj); skip {
		t.Error("the final version was skipped although a timer is pending for it")
	}
	r.now = fixedClock(now.Add(3 * time.Second))
	if _, skip := r.alreadyHandled(stale); skip {
		t.Error("skipped after the timer was due")
	}

	// A finished pass: its final version is skipped too, until something external happens.
	p = r.newPass()
	r.remember(obj, p, ctrl.Result{})
	if _, skip := r.alreadyHandled(obj); !skip {
		t.Error("final version of a finished pass not skipped")
	}
	r.forget(claimKey(obj))
	if _, skip := r.alreadyHandled(obj); skip {
		t.Error("skipped after an external event")
	}

	// A pass that overlapped an external event remembers nothing.
	p = r.newPass()
	r.forget(claimKey(obj))
	r.remember(obj, p, ctrl.Result{})
	if _, skip := r.alreadyHandled(obj); skip {
		t.Error("a pass that overlapped an external event was remembered")
	}
}
