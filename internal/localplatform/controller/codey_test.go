package controller_test

import (
	"maps"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var codey = kindInfo{Kind: "CodeyInstance", Service: "codey", DefaultComposition: "codey.io", VersionField: "majorVersion", DefaultVersion: "14.0.0",
	GVR: schema.GroupVersionResource{Group: "codey.io", Version: "v1", Resource: "codeyinstances"}, NoInstanceNamespace: true}

// TestCodey: a Codey claim is provisioned as AppCat's composition codey.io does it — no instance
// namespace and no version in its status, a connection secret with exactly CODEY_USERNAME
// (forgejo_admin), CODEY_PASSWORD and CODEY_URL (<claim name>.app.codey.ch), no certificate; a
// new version and plan are taken in place.
func TestCodey(t *testing.T) {
	u := user(t)
	name := uniqueName("code")
	claim := newClaim(codey, name, name+"-conn", map[string]any{"service": map[string]any{"adminEmail": "admin@example.com"}})
	unstructured.RemoveNestedField(claim.Object, "spec", "parameters", "security") // Codey has none
	createClaim(t, u, codey, claim)
	obj := waitReady(t, u, codey, userNS(), name)
	checkProvisioned(t, codey, obj)
	for _, field := range []string{"currentReleaseTag", "currentVersion", "schedules", "instanceNamespace"} {
		if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", field); found {
			t.Errorf("status.%s: Codey reports none (%v)", field, obj.Object["status"])
		}
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	want := []string{"CODEY_PASSWORD", "CODEY_URL", "CODEY_USERNAME"}
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, want) {
		t.Errorf("secret keys = %v, want %v", keys, want)
	}
	if got := string(s.Data["CODEY_URL"]); got != name+".app.codey.ch" {
		t.Errorf("CODEY_URL = %q, want %s.app.codey.ch", got, name)
	}
	if got := string(s.Data["CODEY_USERNAME"]); got != "forgejo_admin" {
		t.Errorf("CODEY_USERNAME = %q", got)
	}
	if len(s.Data["CODEY_PASSWORD"]) < 16 {
		t.Errorf("CODEY_PASSWORD too short: %d bytes", len(s.Data["CODEY_PASSWORD"]))
	}

	if _, err := u.dyn.Resource(codey.GVR).Namespace(userNS()).Patch(ctxFor(t), name, "application/merge-patch+json",
		[]byte(`{"spec":{"parameters":{"service":{"majorVersion":"14.0.1","disableRegistration":true},"size":{"plan":"small"}}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	obj = waitReady(t, u, codey, userNS(), name)
	checkProvisioned(t, codey, obj)
	if got := string(getSecret(t, u, userNS(), name+"-conn").Data["CODEY_PASSWORD"]); got != string(s.Data["CODEY_PASSWORD"]) {
		t.Error("the password changed with the update")
	}
	deleteClaimAndWait(t, codey, userNS(), name)
}
