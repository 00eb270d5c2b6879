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
