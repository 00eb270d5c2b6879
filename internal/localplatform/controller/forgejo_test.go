package controller_test

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var forgejo = kindInfo{Kind: "VSHNForgejo", Service: "forgejo", DefaultComposition: "vshnforgejo.vshn.appcat.vshn.io",
	VersionField: "majorVersion", DefaultVersion: "14.0.0", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnforgejoes"}}

// TestForgejo: a Forgejo claim is provisioned as AppCat's Forgejo composition does it — the
// connection secret holds FORGEJO_HOST (the chart's HTTP service), FORGEJO_USERNAME
// forgejo_admin, FORGEJO_PASSWORD and FORGEJO_URL (the fqdns joined by ","), no certificate;
// enabling SSH adds the gateway's host and port and status.sshPort.
func TestForgejo(t *testing.T) {
	u := user(t)
	name := uniqueName("git")
	params := map[string]any{"service": map[string]any{"fqdn": []any{"git.example.com", "code.example.com"}}}
	createClaim(t, u, forgejo, newClaim(forgejo, name, name+"-conn", params))
	obj := waitReady(t, u, forgejo, userNS(), name)
	ns := checkProvisioned(t, forgejo, obj)
	checkInstanceNamespace(t, forgejo, obj, ns)

	if got := str(obj, "status", "currentReleaseTag"); got != "14.0.0" {
		t.Errorf("status.currentReleaseTag = %q, want the version, 14.0.0", got)
	}
	if day, _, _ := unstructured.NestedString(obj.Object, "status", "schedules", "maintenance", "dayOfWeek"); day == "" {
		t.Errorf("status.schedules.maintenance has no dayOfWeek: %v", obj.Object["status"])
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", "sshPort"); found {
		t.Errorf("status.sshPort without SSH: %v", obj.Object["status"])
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	want := []string{"FORGEJO_HOST", "FORGEJO_PASSWORD", "FORGEJO_URL", "FORGEJO_USERNAME"}
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, want) {
		t.Errorf("secret keys = %v, want %v", keys, want)
	}
	composite := str(obj, "spec", "resourceRef", "name")
	for key, want := range map[string]string{
		"FORGEJO_HOST":     composite + "-forgejo-http." + ns + ".svc",
		"FORGEJO_USERNAME": "forgejo_admin",
		"FORGEJO_URL":      "git.example.com,code.example.com",
	} {
		if got := string(s.Data[key]); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}

	// SSH through the TCP gateway.
	if _, err := u.dyn.Resource(forgejo.GVR).Namespace(userNS()).Patch(ctxFor(t), name, "application/merge-patch+json",
		[]byte(`{"spec":{"parameters":{"service":{"ssh":{"enabled":true}}}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	obj = waitReady(t, u, forgejo, userNS(), name)
	port, found, _ := unstructured.NestedInt64(obj.Object, "status", "sshPort")
	if !found || port < 10000 || port > 10999 {
		t.Errorf("status.sshPort = %d (found %v), want a gateway port", port, found)
	}
	s = getSecret(t, u, userNS(), name+"-conn")
	if got := string(s.Data["FORGEJO_SSH_HOST"]); got != "tcp-gateway.appcat.localhost" {
		t.Errorf("FORGEJO_SSH_HOST = %q", got)
	}
	if got := string(s.Data["FORGEJO_SSH_PORT"]); got != strconv.FormatInt(port, 10) {
		t.Errorf("FORGEJO_SSH_PORT = %q, want %d", got, port)
	}
}
