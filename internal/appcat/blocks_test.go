package appcat

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestBlockOwners(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetManagedFields([]metav1.ManagedFieldsEntry{
		{Manager: "terraform-appcat-postgresql", Operation: metav1.ManagedFieldsOperationApply, FieldsType: "FieldsV1",
			FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{"f:parameters":{"f:instances":{},"f:service":{"f:majorVersion":{}}}}}`)}},
		{Manager: "terraform-appcat-backup-policy", Operation: metav1.ManagedFieldsOperationApply, FieldsType: "FieldsV1",
			FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{"f:parameters":{"f:backup":{"f:enabled":{},"f:schedule":{},"f:retention":{"f:keepDaily":{}}}}}}`)}},
		{Manager: "kubectl-edit", Operation: metav1.ManagedFieldsOperationUpdate, FieldsType: "FieldsV1",
			FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{"f:parameters":{"f:backup":{".":{},"f:schedule":{}}}}}`)}},
	})
	got := BlockOwners(u, "backup")
	want := map[string][]string{
		"terraform-appcat-backup-policy": {"enabled", "retention.keepDaily", "schedule"},
		"kubectl-edit":                   {"schedule"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BlockOwners = %v, want %v", got, want)
	}
	if got := BlockOwners(u, "maintenance"); len(got) != 0 {
		t.Errorf("BlockOwners(maintenance) = %v, want none", got)
	}
}

func TestBlock(t *testing.T) {
	var c RawClaim
	if err := json.Unmarshal([]byte(`{"metadata":{"name":"db","namespace":"shop"},"spec":{"parameters":{"backup":{"enabled":false,"schedule":"0 2 * * *","retention":"7"}}}}`), &c); err != nil {
		t.Fatal(err)
	}
	b, err := Block[PostgreSQLBackup](&c, "backup")
	if err != nil || b == nil || b.Enabled == nil || *b.Enabled || *b.Schedule != "0 2 * * *" || b.Retention != "7" {
		t.Fatalf("Block(backup) = %+v, %v", b, err)
	}
	m, err := Block[Maintenance](&c, "maintenance")
	if err != nil || m != nil {
		t.Fatalf("Block(maintenance) = %+v, %v, want nil", m, err)
	}
}

func TestBackupsNewestFirst(t *testing.T) {
	obj := func(js string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON([]byte(js)); err != nil {
			t.Fatal(err)
		}
		return u
	}
	pg := []string{
		`{"apiVersion":"api.appcat.vshn.io/v1","kind":"VSHNPostgresBackup","metadata":{"name":"db-a","namespace":"shop","creationTimestamp":"2026-01-01T00:00:00Z"},"status":{"databaseInstance":"db","process":{"status":"Completed","timing":{"start":"2026-01-01T02:00:00Z","end":"2026-01-01T02:00:05Z"}}}}`,
		`{"apiVersion":"api.appcat.vshn.io/v1","kind":"VSHNPostgresBackup","metadata":{"name":"db-b","namespace":"shop","creationTimestamp":"2026-01-01T00:00:00Z"},"status":{"databaseInstance":"db","process":{"status":"Running","timing":{"start":"2026-01-02T02:00:00Z"}}}}`,
	}
	var got []BackupInfo
	for _, js := range pg {
		b, err := backupFrom(PostgreSQL, obj(js))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	SortBackups(got)
	want := []BackupInfo{
		{Name: "db-b", Time: time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC), Status: "Running"},
		{Name: "db-a", Time: time.Date(2026, 1, 1, 2, 0, 5, 0, time.UTC), Status: "Completed"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PostgreSQL backups = %+v, want %+v", got, want)
	}
	r, err := backupFrom(Redis, obj(`{"apiVersion":"api.appcat.vshn.io/v1","kind":"VSHNRedisBackup","metadata":{"name":"81e1e0ae","namespace":"shop"},"status":{"id":"81e1e0ae","date":"2026-01-03T04:05:06Z","instance":"cache"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (BackupInfo{Name: "81e1e0ae", Time: time.Date(2026, 1, 3, 4, 5, 6, 0, time.UTC), Status: "Completed"}); r != want {
		t.Errorf("Redis backup = %+v, want %+v", r, want)
	}
}

func TestLeavesAndNulls(t *testing.T) {
	got := valueLeaves(map[string]any{"enabled": true, "retention": map[string]any{"keepLast": 3.0, "keepDaily": 6.0}, "empty": map[string]any{}}, "")
	sort.Strings(got)
	if want := []string{"empty", "enabled", "retention.keepDaily", "retention.keepLast"}; !reflect.DeepEqual(got, want) {
		t.Errorf("valueLeaves = %v, want %v", got, want)
	}
	m := map[string]any{}
	setNull(m, []string{"retention", "keepHourly"})
	setNull(m, []string{"retention", "keepMonthly"})
	setNull(m, []string{"schedule"})
	raw, _ := json.Marshal(m)
	if want := `{"retention":{"keepHourly":null,"keepMonthly":null},"schedule":null}`; string(raw) != want {
		t.Errorf("merge patch = %s, want %s", raw, want)
	}
}
