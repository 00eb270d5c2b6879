package controller_test

import (
	"maps"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var garage = kindInfo{Kind: "VSHNGarage", Service: "garage", DefaultComposition: "vshngarage.vshn.appcat.vshn.io",
	VersionField: "version", DefaultVersion: "2", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshngarages"}}

// TestGarage: a Garage claim is provisioned as AppCat's Garage composition does it — the
// connection secret holds GARAGE_URL alone (the S3 endpoint, host:port), no CA; the status
// reports no version and no schedules (no backups, no maintenance window), and the instance
// namespace gets no metrics Service or monitor.
func TestGarage(t *testing.T) {
	u := user(t)
	name := uniqueName("garage")
	createClaim(t, u, garage, newClaim(garage, name, name+"-conn", map[string]any{"instances": int64(3)}))
	obj := waitReady(t, u, garage, userNS(), name)
	ns := checkProvisioned(t, garage, obj)
	checkInstanceNamespace(t, garage, obj, ns)

	status := obj.Object["status"].(map[string]any)
	for _, f := range []string{"currentVersion", "currentReleaseTag", "mariadbVersion", "schedules"} {
		if v, ok := status[f]; ok {
			t.Errorf("status.%s = %v: AppCat writes no such field for Garage", f, v)
		}
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, []string{"GARAGE_URL"}) {
		t.Errorf("secret keys = %v, want GARAGE_URL alone", keys)
	}
	if got, want := string(s.Data["GARAGE_URL"]), "garage."+ns+".svc.cluster.local:3900"; got != want {
		t.Errorf("GARAGE_URL = %q, want %q", got, want)
	}
	if len(s.OwnerReferences) != 1 || s.OwnerReferences[0].UID != obj.GetUID() {
		t.Errorf("secret ownerReferences = %+v", s.OwnerReferences)
	}

	a := admin(t)
	svcs, err := a.kube.CoreV1().Services(ns).List(ctxFor(t), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(svcs.Items) != 0 {
		t.Errorf("the instance namespace has Services %v; Garage's composition adds no metrics Service", svcs.Items)
	}
	for _, r := range []string{"servicemonitors", "podmonitors"} {
		list, err := a.dyn.Resource(schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: r}).Namespace(ns).
			List(ctxFor(t), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 0 {
			t.Errorf("the instance namespace has %s; Garage's composition adds none", r)
		}
	}
}
