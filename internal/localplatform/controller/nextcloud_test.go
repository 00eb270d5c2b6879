package controller_test

import (
	"maps"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var nextcloud = kindInfo{Kind: "VSHNNextcloud", Service: "nextcloud", DefaultComposition: "vshnnextcloud.vshn.appcat.vshn.io",
	VersionField: "version", DefaultVersion: "31", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnnextclouds"}}

// TestNextcloud: a Nextcloud claim is provisioned as AppCat's Nextcloud composition does it —
// the connection secret holds the admin's credentials and the service's host, and COLLABORA_HOST
// with Collabora enabled, no CA; the status reports the image tag in currentReleaseTag and the
// backup and maintenance schedules; backups are VSHNNextcloudBackups whose snapshot is under
// status.nextcloudFileBackup.
func TestNextcloud(t *testing.T) {
	u := user(t)
	name := uniqueName("cloud")
	obj := newClaim(nextcloud, name, name+"-conn", map[string]any{
		"service": map[string]any{"fqdn": []any{"cloud.example.com"},
			"collabora": map[string]any{"enabled": true, "fqdn": "office.example.com"}},
		"backup": map[string]any{"schedule": "0 * * * *"},
	})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	createClaim(t, u, nextcloud, obj)
	ready := waitReady(t, u, nextcloud, userNS(), name)
	ns := checkProvisioned(t, nextcloud, ready)
	checkInstanceNamespace(t, nextcloud, ready, ns)

	if got := str(ready, "status", "currentReleaseTag"); got != "31" {
		t.Errorf("status.currentReleaseTag = %q, want the version's tag 31", got)
	}
	for _, f := range []string{"currentVersion", "mariadbVersion"} {
		if v, ok := ready.Object["status"].(map[string]any)[f]; ok {
			t.Errorf("status.%s = %v: AppCat writes no such field for Nextcloud", f, v)
		}
	}
	if str(ready, "status", "schedules", "backup") != "0 * * * *" || str(ready, "status", "schedules", "maintenance", "dayOfWeek") == "" {
		t.Errorf("status.schedules = %v", ready.Object["status"].(map[string]any)["schedules"])
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	want := []string{"COLLABORA_HOST", "NEXTCLOUD_HOST", "NEXTCLOUD_PASSWORD", "NEXTCLOUD_USERNAME"}
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, want) {
		t.Errorf("secret keys = %v, want %v", keys, want)
	}
	composite := str(ready, "spec", "resourceRef", "name")
	for key, want := range map[string]string{
		"NEXTCLOUD_HOST":     composite + "-nextcloud." + ns + ".svc.cluster.local",
		"NEXTCLOUD_USERNAME": "admin",
		"COLLABORA_HOST":     composite + "-collabora-code." + ns + ".svc.cluster.local",
	} {
		if got := string(s.Data[key]); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if len(s.Data["NEXTCLOUD_PASSWORD"]) < 16 {
		t.Errorf("NEXTCLOUD_PASSWORD %q is too short", s.Data["NEXTCLOUD_PASSWORD"])
	}

	// Backups: at the next platform hour, within about a wall second.
	gvr := schema.GroupVersionResource{Group: "api.appcat.vshn.io", Version: "v1", Resource: "vshnnextcloudbackups"}
	waitFor(t, "a first Nextcloud backup", func() (bool, error) {
		list, err := u.dyn.Resource(gvr).Namespace(userNS()).List(ctxFor(t), metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		for _, b := range list.Items {
			if str(&b, "status", "nextcloudFileBackup", "instance") != name {
				continue
			}
			if id := str(&b, "status", "nextcloudFileBackup", "id"); len(id) != 64 || id[:8] != b.GetName() {
				t.Errorf("backup %s: id %q, want a snapshot id that starts with the name", b.GetName(), id)
			}
			if str(&b, "status", "nextcloudFileBackup", "date") == "" || str(&b, "status", "databaseType") != "dedicated" {
				t.Errorf("backup status %v", b.Object["status"])
			}
			return true, nil
		}
		return false, nil
	})
}
