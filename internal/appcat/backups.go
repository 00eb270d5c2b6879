package appcat

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Backups are read-only objects of group api.appcat.vshn.io/v1 in the claim's namespace, one per
// backup the platform has taken of an instance: VSHNPostgresBackup (StackGres/CloudNativePG
// backups) and VSHNRedisBackup / VSHNMariaDBBackup (K8up snapshots). AppCat serves them from its
// API server (pkg/apiserver/vshn/*): a list returns the backups of every instance in the
// namespace, ignores label selectors, and the objects carry no claim labels; each names its
// instance (the claim) in its status (BackupKind.InstanceField).

// BackupGroupVersion is the API group and version of the backup kinds.
var BackupGroupVersion = schema.GroupVersion{Group: "api.appcat.vshn.io", Version: "v1"}

// BackupKind is the backup kind of a service kind.
type BackupKind struct {
	Kind     string
	Resource string
	// InstanceField is the status field naming the claim a backup belongs to.
	InstanceField string
	// FieldsIn is the status field holding the backup's own fields (a snapshot's id, date and
	// InstanceField; a process and InstanceField), where they are not in the status itself
	// (Nextcloud: nextcloudFileBackup; Keycloak: databaseBackupStatus); "" for the status.
	FieldsIn string
	// InstanceOfComposite, where set, says that InstanceField names not the claim but the
	// composite of a VSHNPostgreSQL nested in the instance, named after the instance's composite
	// (the claim's spec.resourceRef.name) with this suffix (Keycloak: "-pg",
	// pkg/comp-functions/functions/common/postgresql.go PgInstanceNameSuffix). Listing the
	// backups of such an instance reads the claim first; an instance without a composite (or
	// gone) has none.
	InstanceOfComposite string
	// Process: the status reports a backup process with its state and timing (PostgreSQL);
	// otherwise it is a snapshot with an id and a date.
	Process bool
	// Retention is how spec.parameters.backup.retention keeps backups.
	Retention RetentionStyle
}

// RetentionStyle is the shape of a kind's backup retention.
type RetentionStyle int

const (
	// RetentionK8up: K8up's restic rules keepLast, keepHourly, keepDaily, … (Redis, MariaDB); K8up
	// reads the bucket's credentials from the one Secret the access key names.
	RetentionK8up RetentionStyle = iota
	// RetentionDays: a number of days, with deletionProtection and deletionRetention beside it
	// (PostgreSQL).
	RetentionDays
	// RetentionNestedPostgreSQL: the claim has K8up's backup block, but its backups are those of
	// the PostgreSQL instance nested in it, which the composition configures from the claim's
	// schedule and retention.keepDaily alone (its retention, default 6): the other keep rules,
	// enabled and unmanagedBucket are not passed on (common/postgresql.go CreateDependency;
	// Keycloak).
	RetentionNestedPostgreSQL
)

// GVR is the backup kind's group/version/resource.
func (b BackupKind) GVR() schema.GroupVersionResource {
	return BackupGroupVersion.WithResource(b.Resource)
}

// fieldPath is the path of a field of the snapshot in a backup object.
func (b BackupKind) fieldPath(field string) []string {
	if b.FieldsIn == "" {
		return []string{"status", field}
	}
	return []string{"status", b.FieldsIn, field}
}

// BackupKindOf returns the backup kind of a service kind; false when the kind has no backups.
func BackupKindOf(k Kind) (BackupKind, bool) {
	if k.Backups == nil {
		return BackupKind{}, false
	}
	return *k.Backups, true
}

// PostgresBackup is a VSHNPostgresBackup.
type PostgresBackup struct {
	Metadata BackupMeta           `json:"metadata"`
	Status   PostgresBackupStatus `json:"status"`
}

// BackupMeta is the part of a backup's metadata the provider reads.
type BackupMeta struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace"`
	Labels            map[string]string `json:"labels,omitempty"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
}

// PostgresBackupStatus is the status of a VSHNPostgresBackup.
type PostgresBackupStatus struct {
	// DatabaseInstance is the claim's name.
	DatabaseInstance  string         `json:"databaseInstance,omitempty"`
	Process           *BackupProcess `json:"process,omitempty"`
	BackupInformation map[string]any `json:"backupInformation,omitempty"`
}

// BackupProcess is status.process of a VSHNPostgresBackup.
type BackupProcess struct {
	Status string        `json:"status,omitempty"`
	JobPod string        `json:"jobPod,omitempty"`
	Timing *BackupTiming `json:"timing,omitempty"`
}

// BackupTiming is when a backup ran.
type BackupTiming struct {
	Start  string `json:"start,omitempty"`
	End    string `json:"end,omitempty"`
	Stored string `json:"stored,omitempty"`
}

// SnapshotBackup is a VSHNRedisBackup or VSHNMariaDBBackup: a K8up snapshot.
type SnapshotBackup struct {
	Metadata BackupMeta           `json:"metadata"`
	Status   SnapshotBackupStatus `json:"status"`
}

// SnapshotBackupStatus is the status of a snapshot backup.
type SnapshotBackupStatus struct {
	// ID is the snapshot's id; Date when it was taken; Instance the claim's name.
	ID       string `json:"id,omitempty"`
	Date     string `json:"date,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// BackupInfo is one backup of an instance, whatever its kind, as the provider shows it.
type BackupInfo struct {
	Name string
	// Time is when the backup was taken (its end where known).
	Time time.Time
	// Status is the backup's state: the process status of a PostgreSQL backup ("Completed",
	// "Running", "Failed"); a snapshot that exists is "Completed".
	Status string
}

// ListBackups lists the backups of one instance, newest first: the backups of the namespace
// whose status names the instance (the platform ignores label selectors on this list), or its
// nested PostgreSQL instance (BackupKind.InstanceOfComposite).
func (c *Client) ListBackups(ctx context.Context, k Kind, namespace, claimName string) ([]BackupInfo, error) {
	bk, ok := BackupKindOf(k)
	if !ok {
		return nil, fmt.Errorf("%s has no backups", k.Kind)
	}
	owner := claimName
	if bk.InstanceOfComposite != "" {
		claim, err := c.dynamic.Resource(k.GVR()).Namespace(namespace).Get(ctx, claimName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return []BackupInfo{}, nil // AppCat lists the backups of existing instances only
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s %s/%s for its backups: %w", k.Kind, namespace, claimName, err)
		}
		composite, _, _ := unstructured.NestedString(claim.Object, "spec", "resourceRef", "name")
		if composite == "" {
			return []BackupInfo{}, nil
		}
		owner = composite + bk.InstanceOfComposite
	}
	list, err := c.dynamic.Resource(bk.GVR()).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing %s of %s %s/%s: %w", bk.Resource, k.Kind, namespace, claimName, err)
	}
	out := make([]BackupInfo, 0, len(list.Items))
	for i := range list.Items {
		if got, _, _ := unstructured.NestedString(list.Items[i].Object, bk.fieldPath(bk.InstanceField)...); got != owner {
			continue
		}
		b, err := backupFrom(k, &list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	SortBackups(out)
	return out, nil
}

// SortBackups orders backups newest first; backups of the same time by name.
func SortBackups(b []BackupInfo) {
	sort.SliceStable(b, func(i, j int) bool {
		if !b[i].Time.Equal(b[j].Time) {
			return b[i].Time.After(b[j].Time)
		}
		return b[i].Name > b[j].Name
	})
}

func backupFrom(k Kind, u *unstructured.Unstructured) (BackupInfo, error) {
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return BackupInfo{}, err
	}
	created := parseTime(u.GetCreationTimestamp().Format(time.RFC3339))
	if k.Backups != nil && k.Backups.Process {
		var p *BackupProcess
		if pm, ok, _ := unstructured.NestedMap(u.Object, k.Backups.fieldPath("process")...); ok {
			raw, _ := json.Marshal(pm)
			p = &BackupProcess{}
			if err := json.Unmarshal(raw, p); err != nil {
				return BackupInfo{}, fmt.Errorf("decoding backup %s/%s: %w", u.GetNamespace(), u.GetName(), err)
			}
		}
		b := BackupInfo{Name: u.GetName(), Time: created}
		if p != nil {
			b.Status = p.Status
			if t := p.Timing; t != nil {
				for _, s := range []string{t.End, t.Stored, t.Start} {
					if ts := parseTime(s); !ts.IsZero() {
						b.Time = ts
						break
					}
				}
			}
		}
		return b, nil
	}
	var sb SnapshotBackup
	if err := json.Unmarshal(raw, &sb); err != nil {
		return BackupInfo{}, fmt.Errorf("decoding backup %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	date := sb.Status.Date
	if k.Backups != nil && k.Backups.FieldsIn != "" {
		date, _, _ = unstructured.NestedString(u.Object, k.Backups.fieldPath("date")...)
	}
	b := BackupInfo{Name: sb.Metadata.Name, Time: created, Status: "Completed"}
	if ts := parseTime(date); !ts.IsZero() {
		b.Time = ts
	}
	return b, nil
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
