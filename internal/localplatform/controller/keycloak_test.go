package controller_test

import (
	"encoding/pem"
	"maps"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// TestKeycloakBackupsAndRestore: Keycloak's backups are its nested PostgreSQL's, listed as
// VSHNKeycloakBackup: named after the nested composite "<composite>-pg", which their
// status.databaseBackupStatus.databaseInstance names, with a completed process; the claim's
// schedule applies and retention.keepDaily (2) keeps the newest two. A restore (claimName alone,
// as the nested instance on CloudNativePG takes it) starts a new Keycloak with the source's data.
func TestKeycloakBackupsAndRestore(t *testing.T) {
	u := user(t)
	src := uniqueName("kcsrc")
	obj := newClaim(keycloak, src, src+"-conn", map[string]any{
		"backup": map[string]any{"schedule": "0 * * * *", "retention": map[string]any{"keepDaily": int64(2), "keepLast": int64(9)}},
	})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	createClaim(t, u, keycloak, obj)
	ready := waitReady(t, u, keycloak, userNS(), src)
	nested := str(ready, "spec", "resourceRef", "name") + "-pg"
	sum, _, _ := dataOf(t, writeData(t, u, keycloak, src, "realm", 1))

	gvr := schema.GroupVersionResource{Group: "api.appcat.vshn.io", Version: "v1", Resource: "vshnkeycloakbackups"}
	var names []string
	waitFor(t, "three Keycloak backups taken, two kept", func() (bool, error) {
		list, err := u.dyn.Resource(gvr).Namespace(userNS()).List(ctxFor(t), metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		names = names[:0]
		for _, b := range list.Items {
			if str(&b, "status", "databaseBackupStatus", "databaseInstance") != nested {
				continue
			}
			names = append(names, b.GetName())
			if !strings.HasPrefix(b.GetName(), nested+"-") || str(&b, "status", "databaseBackupStatus", "process", "status") != "Completed" ||
				str(&b, "status", "databaseBackupStatus", "process", "timing", "end") == "" {
				t.Errorf("backup %s: status %v", b.GetName(), b.Object["status"])
			}
			if v, _, _ := unstructured.NestedBool(b.Object, "status", "DatabaseBackupAvailable"); !v {
				t.Errorf("backup %s: DatabaseBackupAvailable is not true", b.GetName())
			}
		}
		// A third backup may be listed for a moment: the platform prunes right after it takes
		// one. With keepLast passed on (9), two would never be all that is left.
		mem := memoryOf(t, ready)
		taken, _, _ := unstructured.NestedSlice(mem.Object, "localPlatform", "backups")
		return len(names) == 2 && len(taken) >= 3, nil
	})

	name := uniqueName("kcrst")
	createClaim(t, u, keycloak, newClaim(keycloak, name, name+"-conn", map[string]any{"restore": map[string]any{"claimName": src}}))
	restored := waitReady(t, u, keycloak, userNS(), name)
	if c, _, _ := dataOf(t, restored); c != sum {
		t.Errorf("restored Keycloak holds %s, want the source's data %s", c, sum)
	}
}
