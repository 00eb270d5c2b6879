package controller_test

import (
	"encoding/pem"
	"maps"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var keycloak = kindInfo{Kind: "VSHNKeycloak", Service: "keycloak", DefaultComposition: "vshnkeycloak.vshn.appcat.vshn.io",
	VersionField: "version", DefaultVersion: "26", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnkeycloaks"}}

// TestKeycloak: a Keycloak claim is provisioned as AppCat's Keycloak composition does it — the
// connection secret holds the keys the composition writes and the XRD lets through
// (KEYCLOAK_HOST of the chart's HTTP service, KEYCLOAK_USERNAME admin, KEYCLOAK_PASSWORD,
// ca.crt; no URL, port or tls.crt); the status reports the release tag and the maintenance
// window.
func TestKeycloak(t *testing.T) {
	u := user(t)
	name := uniqueName("kc")
	createClaim(t, u, keycloak, newClaim(keycloak, name, name+"-conn", map[string]any{"service": map[string]any{"fqdn": "sso.example.com"}}))
	obj := waitReady(t, u, keycloak, userNS(), name)
	ns := checkProvisioned(t, keycloak, obj)
	checkInstanceNamespace(t, keycloak, obj, ns)

	if got := str(obj, "status", "currentReleaseTag"); got != "26" {
		t.Errorf("status.currentReleaseTag = %q, want the version, 26", got)
	}
	if day, _, _ := unstructured.NestedString(obj.Object, "status", "schedules", "maintenance", "dayOfWeek"); day == "" {
		t.Errorf("status.schedules.maintenance has no dayOfWeek: %v", obj.Object["status"])
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	want := []string{"KEYCLOAK_HOST", "KEYCLOAK_PASSWORD", "KEYCLOAK_USERNAME", "ca.crt"}
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, want) {
		t.Errorf("secret keys = %v, want %v", keys, want)
	}
	composite := str(obj, "spec", "resourceRef", "name")
	if got, want := string(s.Data["KEYCLOAK_HOST"]), composite+"-keycloakx-http."+ns+".svc.cluster.local"; got != want {
		t.Errorf("KEYCLOAK_HOST = %q, want %q", got, want)
	}
	if got := string(s.Data["KEYCLOAK_USERNAME"]); got != "admin" {
		t.Errorf("KEYCLOAK_USERNAME = %q, want admin", got)
	}
	if len(s.Data["KEYCLOAK_PASSWORD"]) < 16 {
		t.Errorf("KEYCLOAK_PASSWORD %q is too short", s.Data["KEYCLOAK_PASSWORD"])
	}
	if b, _ := pem.Decode(s.Data["ca.crt"]); b == nil || b.Type != "CERTIFICATE" {
		t.Errorf("ca.crt is not a PEM certificate")
	}
}
