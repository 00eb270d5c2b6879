package controller_test

import (
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var slaReportGVR = schema.GroupVersionResource{Group: "api.appcat.vshn.io", Version: "v1", Resource: "slareports"}

// waitSLAReport waits for the claim's report of month to satisfy ok.
func waitSLAReport(t *testing.T, c clients, claim, month string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	var status map[string]any
	waitFor(t, fmt.Sprintf("SLA report %s-%s", claim, month), func() (bool, error) {
		rep, err := c.dyn.Resource(slaReportGVR).Namespace(userNS()).Get(ctxFor(t), claim+"-"+month, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		status, _, _ = unstructured.NestedMap(rep.Object, "status")
		if rep.GetLabels()["appcat.vshn.io/claim-name"] != claim || rep.GetLabels()["appcat.vshn.io/claim-kind"] != redis.Kind {
			return false, fmt.Errorf("labels %v", rep.GetLabels())
		}
		return ok(status), fmt.Errorf("status %v", status)
	})
	return status
}

func num(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return -1
}

// TestSLAReportInjectedDowntime: 30 minutes of injected downtime in a 30-day month give 99.93 %,
// target met, no credit; ten hours more in another month give a 25 % credit; the current month
// has a report; users read reports but cannot write them; they go with the claim.
func TestSLAReportInjectedDowntime(t *testing.T) {
	u := user(t)
	name := uniqueName("sla")
	createClaim(t, u, redis, newClaim(redis, name, "", nil))
	waitReady(t, u, redis, userNS(), name)
	current := time.Now().UTC().Format("2006-01")
	waitSLAReport(t, u, name, current, func(s map[string]any) bool {
		return s["met"] == true && num(s["availabilityPercent"]) == 100 && num(s["targetPercent"]) == 99.25 && s["final"] == false
	})

	updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) {
		o.SetAnnotations(map[string]string{"local.appcat.vshn.io/inject-downtime": "2026-09-10T00:00:00Z/30m"})
	})
	s := waitSLAReport(t, u, name, "2026-09", func(s map[string]any) bool { return s["downtimeMinutes"] != nil })
	if num(s["availabilityPercent"]) != 99.93 || s["met"] != true || num(s["serviceCredit"]) != 0 || num(s["downtimeMinutes"]) != 30 || s["month"] != "2026-09" || s["final"] != true {
		t.Errorf("2026-09 report = %v, want 99.93 %%, met, no credit, 30 minutes", s)
	}

	updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) {
		o.SetAnnotations(map[string]string{"local.appcat.vshn.io/inject-downtime": "2026-06-03T10:00:00Z/10h"})
	})
	s = waitSLAReport(t, u, name, "2026-06", func(s map[string]any) bool { return s["downtimeMinutes"] != nil })
	if num(s["availabilityPercent"]) != 98.61 || s["met"] != false || num(s["serviceCredit"]) != 25 || num(s["downtimeMinutes"]) != 600 {
		t.Errorf("2026-06 report = %v, want 98.61 %%, not met, 25 %% credit, 600 minutes", s)
	}
	// The earlier injection still counts.
	waitSLAReport(t, u, name, "2026-09", func(s map[string]any) bool { return num(s["downtimeMinutes"]) == 30 })

	rep := &unstructured.Unstructured{}
	rep.SetGroupVersionKind(schema.GroupVersionKind{Group: "api.appcat.vshn.io", Version: "v1", Kind: "SLAReport"})
	rep.SetName(name + "-forged")
	if _, err := u.dyn.Resource(slaReportGVR).Namespace(userNS()).Create(ctxFor(t), rep, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("user creating an SLA report: err %v, want Forbidden", err)
	}

	deleteClaimAndWait(t, redis, userNS(), name)
	list, err := admin(t).dyn.Resource(slaReportGVR).Namespace(userNS()).List(ctxFor(t), metav1.ListOptions{LabelSelector: "appcat.vshn.io/claim-name=" + name})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("reports after deleting the claim: %d (err %v), want none", len(list.Items), err)
	}
}

// TestSLAReportNotReadyCounts: a period in which the claim is not Ready counts as downtime. With
// the clock at 600x, three wall seconds of Updating are about 30 platform minutes.
func TestSLAReportNotReadyCounts(t *testing.T) {
	u := user(t)
	name := uniqueName("slanr")
	obj := newClaim(redis, name, "", nil)
	obj.SetAnnotations(map[string]string{"local.appcat.vshn.io/clock-speed": "600", delayAnnotation: "3s"})
	createClaim(t, u, redis, obj)
	waitReady(t, u, redis, userNS(), name)
	updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) {
		setParam(o, "2Gi", "size", "disk")
	})
	waitClaim(t, u, redis, userNS(), name, "Ready for the new generation", func(o *unstructured.Unstructured) bool {
		return readyNow(o) && condGen(cond(o, "Ready")) == o.GetGeneration()
	})
	var total float64
	waitFor(t, "downtime in the SLA reports", func() (bool, error) {
		list, err := u.dyn.Resource(slaReportGVR).Namespace(userNS()).List(ctxFor(t), metav1.ListOptions{LabelSelector: "appcat.vshn.io/claim-name=" + name})
		if err != nil {
			return false, err
		}
		total = 0
		for _, r := range list.Items {
			v, _, _ := unstructured.NestedFieldNoCopy(r.Object, "status", "downtimeSeconds")
			total += num(v)
		}
		return total >= 20*60, fmt.Errorf("downtime %v s", total)
	})
	if total > 60*60 {
		t.Errorf("downtime %v s for about 30 platform minutes not Ready", total)
	}
}
