package appcat

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

// TestListBackupsSnapshotInASubObject: a kind whose backups hold the snapshot in a status field of
// their own (Nextcloud: status.nextcloudFileBackup) is listed by the instance and date found there.
func TestListBackupsSnapshotInASubObject(t *testing.T) {
	backup := func(name, instance, date string) runtime.Object {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": BackupGroupVersion.String(), "kind": Nextcloud.Backups.Kind,
			"metadata": map[string]any{"name": name, "namespace": "ns"},
			"status": map[string]any{"databaseType": "dedicated",
				"nextcloudFileBackup": map[string]any{"id": name + "0000", "date": date, "instance": instance}},
		}}
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{Nextcloud.Backups.GVR(): "VSHNNextcloudBackupList"},
		backup("aaaa1111", "cloud", "2026-05-01T10:00:00Z"), backup("bbbb2222", "cloud", "2026-05-02T10:00:00Z"),
		backup("cccc3333", "other", "2026-05-03T10:00:00Z"))
	got, err := newClient(dyn, Options{}).ListBackups(context.Background(), Nextcloud, "ns", "cloud")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "bbbb2222" || got[1].Name != "aaaa1111" ||
		!got[0].Time.Equal(time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC)) || got[0].Status != "Completed" {
		t.Errorf("backups of cloud = %+v, want bbbb2222 (2 May) then aaaa1111", got)
	}
}

// TestListBackupsOfANestedInstance: Keycloak's backups name the PostgreSQL instance nested in it,
// "<composite>-pg", under status.databaseBackupStatus; they are found through the claim's
// spec.resourceRef, with the process's timing and status; a claim that is gone has none.
func TestListBackupsOfANestedInstance(t *testing.T) {
	backup := func(name, pg, end string) runtime.Object {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": BackupGroupVersion.String(), "kind": Keycloak.Backups.Kind,
			"metadata": map[string]any{"name": name, "namespace": "ns"},
			"status": map[string]any{"DatabaseBackupAvailable": true, "databaseBackupStatus": map[string]any{
				"databaseInstance": pg,
				"process":          map[string]any{"status": "completed", "timing": map[string]any{"start": end, "end": end}},
			}},
		}}
	}
	claim := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": Keycloak.APIVersion(), "kind": Keycloak.Kind,
		"metadata": map[string]any{"name": "sso", "namespace": "ns"},
		"spec":     map[string]any{"resourceRef": map[string]any{"name": "sso-x7k2p"}},
	}}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{Keycloak.Backups.GVR(): "VSHNKeycloakBackupList", Keycloak.GVR(): "VSHNKeycloakList"},
		claim, backup("sso-x7k2p-pg-20260501", "sso-x7k2p-pg", "2026-05-01T10:00:00Z"),
		backup("sso-x7k2p-pg-20260502", "sso-x7k2p-pg", "2026-05-02T10:00:00Z"),
		backup("sso", "sso", "2026-05-03T10:00:00Z"), backup("other-pg-1", "other-abcde-pg", "2026-05-03T10:00:00Z"))
	c := newClient(dyn, Options{})
	got, err := c.ListBackups(context.Background(), Keycloak, "ns", "sso")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "sso-x7k2p-pg-20260502" || got[1].Name != "sso-x7k2p-pg-20260501" ||
		!got[0].Time.Equal(time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC)) || got[0].Status != "completed" {
		t.Errorf("backups of sso = %+v, want the two of sso-x7k2p-pg, newest first", got)
	}
	got, err = c.ListBackups(context.Background(), Keycloak, "ns", "gone")
	if err != nil || len(got) != 0 {
		t.Errorf("backups of a missing claim = %+v, %v; want none", got, err)
	}
}
