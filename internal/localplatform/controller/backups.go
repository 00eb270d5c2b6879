package controller

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-logr/logr"
	"github.com/robfig/cron/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Backups (README: "Extensions for backup, restore and maintenance"). While
// spec.parameters.backup.enabled is not false, the controller takes a backup on each slot of the
// claim's effective schedule (status.schedules.backup, a 5-field cron evaluated in UTC platform
// time) and writes it as a backup object of group api.appcat.vshn.io in the claim's namespace:
// owned by the claim and, as AppCat's, without labels: the status names the claim (the kind's
// instanceField), and a list returns every backup of the namespace. The status is the one the
// kind has in AppCat; which data it holds (the data marker's checksum at that moment) the
// platform keeps in its memory of the claim (backupData). Then it prunes by retention
// (retention.go). Backups are only taken once the
// claim has been provisioned, a missed slot is made up for once (not once per missed slot), and
// a changed schedule counts from the change. All backups go with the claim.

const (
	backupGroup   = "api.appcat.vshn.io"
	backupVersion = "v1"

	backupPurposeScheduled   = ""
	backupPurposeMaintenance = "maintenance"
)

// backupSpec is what differs between the kinds' backups.
type backupSpec struct {
	Kind     string // backup kind in api.appcat.vshn.io/v1
	resource string // its plural resource name
	// defaultRetention applies when the claim has no spec.parameters.backup.retention.
	defaultRetention keepPolicy
	// status builds the kind's status of a backup taken at platform time at.
	status func(obj *unstructured.Unstructured, claimStatus map[string]any, name, id string, at time.Time) map[string]any
	// instanceField is the status field naming the claim (apis/apiserver/v1/*_backup_types.go).
	instanceField string
	// fieldsIn is the status field that holds the backup's own fields (a snapshot's id, date and
	// instanceField; a process and instanceField) where they are not in the status itself
	// (Nextcloud: nextcloudFileBackup; Keycloak: databaseBackupStatus); "" for the status.
	fieldsIn string
	// nestedSuffix, where set, says the backups are those of a PostgreSQL instance nested in the
	// claim, whose composite is named after the claim's with this suffix (Keycloak: "-pg",
	// AppCat's common/postgresql.go): instanceField names that composite, the backups are named
	// after it as PostgreSQL's after their claim, and it keeps the claim's retention.keepDaily
	// (default 6) newest backups, the one retention rule the composition passes on, kept as
	// PostgreSQL keeps its retention (retention.go).
	nestedSuffix string
	// snapshotIDs: the name is the first 8 characters of a snapshot id (k8up/restic), not a
	// timestamped name (PostgreSQL).
	snapshotIDs bool
}

// The kinds' backups (kind.backup).
var (
	postgresqlBackups = backupSpec{Kind: "VSHNPostgresBackup", resource: "vshnpostgresbackups", instanceField: "databaseInstance",
		defaultRetention: keepPolicy{Last: 6}, status: postgresBackupStatus}
	redisBackups = backupSpec{Kind: "VSHNRedisBackup", resource: "vshnredisbackups", instanceField: "instance",
		defaultRetention: keepPolicy{Daily: 6}, status: snapshotBackupStatus, snapshotIDs: true}
	mariadbBackups = backupSpec{Kind: "VSHNMariaDBBackup", resource: "vshnmariadbbackups", instanceField: "instance",
		defaultRetention: keepPolicy{Daily: 6}, status: snapshotBackupStatus, snapshotIDs: true}
	// K8upBackupSpec's default retention (apis/vshn/v1/common_types.go: keepDaily 6).
	nextcloudBackups = backupSpec{Kind: "VSHNNextcloudBackup", resource: "vshnnextcloudbackups", instanceField: "instance",
		fieldsIn: "nextcloudFileBackup", defaultRetention: keepPolicy{Daily: 6}, status: nextcloudBackupStatus, snapshotIDs: true}
	// apis/apiserver/v1/vshn_keycloak_backup_types.go: the nested PostgreSQL's backups.
	keycloakBackups = backupSpec{Kind: "VSHNKeycloakBackup", resource: "vshnkeycloakbackups", instanceField: "databaseInstance",
		fieldsIn: "databaseBackupStatus", nestedSuffix: keycloakNestedSuffix, defaultRetention: keepPolicy{Last: 6}, status: keycloakBackupStatus}
)

// keycloakNestedSuffix names Keycloak's PostgreSQL composite after Keycloak's.
const keycloakNestedSuffix = "-pg"

// backupOwner is the name a backup of the claim holds in its instanceField: the claim's, or its
// nested instance's composite's.
func (b *backupSpec) backupOwner(obj *unstructured.Unstructured) string {
	if b.nestedSuffix == "" {
		return obj.GetName()
	}
	return specString(obj, "resourceRef", "name") + b.nestedSuffix
}

// fieldPath is the path of one of the backup's own fields in a backup object of the kind.
func (b *backupSpec) fieldPath(field ...string) []string {
	if b.fieldsIn == "" {
		return append([]string{"status"}, field...)
	}
	return append([]string{"status", b.fieldsIn}, field...)
}

func backupGVK(k *kind) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: backupGroup, Version: backupVersion, Kind: k.backup.Kind}
}

// backupObjects are empty objects of every backup kind. The controller reads backups straight
// from the API server (see Run): right after it wrote one, a cache might not show it yet.
func backupObjects() []client.Object {
	var out []client.Object
	for _, k := range kinds {
		if k.backup == nil {
			continue
		}
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(backupGVK(k))
		out = append(out, u)
	}
	return out
}

func postgresBackupStatus(obj *unstructured.Unstructured, claimStatus map[string]any, name, _ string, at time.Time) map[string]any {
	stamp := platformStamp(at)
	version := runningReleaseTag(claimStatus)
	if version == "" {
		version = runningVersion(claimStatus)
	}
	return map[string]any{
		"databaseInstance": obj.GetName(),
		"process": map[string]any{
			"status": "Completed",
			"jobPod": name + "-backup",
			"timing": map[string]any{"start": stamp, "end": stamp},
		},
		"backupInformation": map[string]any{"sourcePod": obj.GetName() + "-1", "postgresVersion": version},
	}
}

// keycloakBackupStatus is a VSHNKeycloakBackup's status (pkg/apiserver/vshn/keycloak/list.go):
// the nested instance's backup, as a VSHNPostgresBackup's status, under databaseBackupStatus.
func keycloakBackupStatus(obj *unstructured.Unstructured, _ map[string]any, name, _ string, at time.Time) map[string]any {
	stamp := platformStamp(at)
	pg := specString(obj, "resourceRef", "name") + keycloakNestedSuffix
	return map[string]any{
		"DatabaseBackupAvailable": true,
		"databaseBackupStatus": map[string]any{
			"databaseInstance": pg,
			"process": map[string]any{
				"status": "Completed",
				"jobPod": name + "-backup",
				"timing": map[string]any{"start": stamp, "end": stamp},
			},
			"backupInformation": map[string]any{"sourcePod": pg + "-1",
				"postgresVersion": stringParam(obj, "15", "service", "postgreSQLParameters", "service", "majorVersion")},
		},
	}
}

func snapshotBackupStatus(obj *unstructured.Unstructured, _ map[string]any, _, id string, at time.Time) map[string]any {
	return map[string]any{"id": id, "date": platformStamp(at), "instance": obj.GetName()}
}

// backupNameFor names the backup of a schedule slot (or maintenance window) deterministically,
// so that a reconcile repeated after a failed status write finds the backup it already took.
// It returns the object name and the snapshot id (empty for PostgreSQL).
func backupNameFor(k *kind, obj *unstructured.Unstructured, slot time.Time, purpose string) (name, id string) {
	stamp := slot.UTC().Format("20060102-150405")
	if k.backup.snapshotIDs {
		id = sha256Hex(string(obj.GetUID()) + "/" + purpose + "/" + stamp)
		return id[:8], id
	}
	owner := k.backup.backupOwner(obj)
	if purpose != "" {
		return owner + "-" + purpose + "-" + stamp, ""
	}
	return owner + "-" + stamp, ""
}

// backupTime is when a backup was taken (platform time), from its status.
func backupTime(spec *backupSpec, u *unstructured.Unstructured) time.Time {
	for _, path := range [][]string{spec.fieldPath("process", "timing", "end"), spec.fieldPath("date")} {
		if s, _, _ := unstructured.NestedString(u.Object, path...); s != "" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t
			}
		}
	}
	return u.GetCreationTimestamp().Time
}

// takeBackup writes a completed backup of the claim's current data, taken at platform time at,
// for the given slot and purpose, and returns its name.
func (r *reconciler) takeBackup(ctx context.Context, obj *unstructured.Unstructured, status map[string]any, slot, at time.Time, purpose string) (string, error) {
	spec := r.kind.backup
	name, id := backupNameFor(r.kind, obj, slot, purpose)
	want := spec.status(obj, status, name, id, at)
	d, _ := readData(status)

	// A real server's dump comes first, so that a listed backup is complete (servers_backups.go).
	if err := r.dumpForBackup(ctx, obj, name); err != nil {
		return "", err
	}
	b := &unstructured.Unstructured{}
	b.SetGroupVersionKind(backupGVK(r.kind))
	b.SetNamespace(obj.GetNamespace())
	b.SetName(name)
	b.SetOwnerReferences([]metav1.OwnerReference{ownerRef(obj)})
	err := r.client.Create(ctx, b)
	if apierrors.IsAlreadyExists(err) {
		// Taken by an earlier pass whose claim status write did not happen.
		if err := r.client.Get(ctx, client.ObjectKeyFromObject(b), b); err != nil {
			return "", fmt.Errorf("reading %s %s: %w", spec.Kind, name, err)
		}
		if _, ok := backupData(status, name); ok {
			return name, nil
		}
	} else if err != nil {
		return "", fmt.Errorf("creating %s %s: %w", spec.Kind, name, err)
	}
	// The status subresource ignores status on create: a second write completes the backup.
	b.Object["status"] = want
	if err := r.client.Status().Update(ctx, b); err != nil {
		return "", fmt.Errorf("writing status of %s %s: %w", spec.Kind, name, err)
	}
	recordBackupData(status, name, d.Checksum)
	logr.FromContextOrDiscard(ctx).V(1).Info("backup taken", "backup", name, "purpose", cmp.Or(purpose, "schedule"), "dataChecksum", d.Checksum)
	return name, nil
}

// listBackups returns the claim's backups, newest first.
func (r *reconciler) listBackups(ctx context.Context, obj *unstructured.Unstructured) ([]unstructured.Unstructured, error) {
	list := &unstructured.UnstructuredList{}
	gvk := backupGVK(r.kind)
	list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err := r.client.List(ctx, list, client.InNamespace(obj.GetNamespace())); err != nil {
		return nil, fmt.Errorf("listing %s: %w", gvk.Kind, err)
	}
	items := slices.DeleteFunc(list.Items, func(u unstructured.Unstructured) bool { return !ownedBy(&u, obj.GetUID()) })
	slices.SortStableFunc(items, func(a, b unstructured.Unstructured) int {
		if c := backupTime(r.kind.backup, &b).Compare(backupTime(r.kind.backup, &a)); c != 0 {
			return c
		}
		if c := b.GetCreationTimestamp().Compare(a.GetCreationTimestamp().Time); c != 0 {
			return c
		}
		return cmp.Compare(b.GetName(), a.GetName())
	})
	return items, nil
}

// pruneBackups deletes the backups the claim's retention does not keep.
func (r *reconciler) pruneBackups(ctx context.Context, obj *unstructured.Unstructured) error {
	policy := r.kind.backup.retention(obj)
	if policy.keepsAll() {
		return nil
	}
	items, err := r.listBackups(ctx, obj)
	if err != nil {
		return err
	}
	times := make([]time.Time, len(items))
	for i := range items {
		times[i] = backupTime(r.kind.backup, &items[i])
	}
	for i, keep := range policy.kept(times) {
		if keep {
			continue
		}
		if err := r.client.Delete(ctx, &items[i]); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("pruning %s %s: %w", items[i].GetKind(), items[i].GetName(), err)
		}
		r.dropBackupDump(obj, items[i].GetName())
		logr.FromContextOrDiscard(ctx).V(1).Info("backup pruned", "backup", items[i].GetName())
	}
	return nil
}

// deleteBackups deletes all backups of the claim (when the claim goes).
func (r *reconciler) deleteBackups(ctx context.Context, obj *unstructured.Unstructured) error {
	if r.kind.backup == nil {
		return nil
	}
	items, err := r.listBackups(ctx, obj)
	if meta.IsNoMatchError(err) {
		return nil // the API has no backup kinds: there are none to delete
	}
	if err != nil {
		return err
	}
	for i := range items {
		if err := r.client.Delete(ctx, &items[i]); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s: %w", items[i].GetKind(), items[i].GetName(), err)
		}
	}
	return nil
}

// evalSchedule tells whether a slot of sched lies in (from, now] and when the next slot after
// that evaluation comes (zero: never).
func evalSchedule(sched cron.Schedule, from, now time.Time) (due bool, slot, next time.Time) {
	slot = sched.Next(from)
	if slot.IsZero() {
		return false, slot, slot
	}
	if now.Before(slot) {
		return false, slot, slot
	}
	return true, slot, sched.Next(now)
}

// runBackupSchedule takes the backup that is due, if any, and returns when the next one is
// (platform time; zero: none) and whether it took one. It keeps its reference time in
// memory.localPlatform.backupsFrom.
func (r *reconciler) runBackupSchedule(ctx context.Context, obj *unstructured.Unstructured, status map[string]any, now time.Time) (time.Time, bool, error) {
	lp := localPlatformStatus(status)
	if !boolParam(obj, true, "backup", "enabled") {
		delete(lp, keyBackupsFrom) // enabled again, it counts from then
		return time.Time{}, false, nil
	}
	expr, _, _ := unstructured.NestedString(status, "schedules", "backup")
	sched, err := cron.ParseStandard(expr)
	if err != nil {
		return time.Time{}, false, userError{msg: fmt.Sprintf("cannot schedule backups: backup schedule %q: %v", expr, err)}
	}
	from, ok := platformTimeAt(lp, keyBackupsFrom)
	if old, _, _ := unstructured.NestedString(obj.Object, "status", "schedules", "backup"); !ok || (old != "" && old != expr) {
		from = now.Truncate(time.Second) // as it reads back
		lp[keyBackupsFrom] = platformStamp(from)
	}
	due, slot, next := evalSchedule(sched, from, now)
	if !due {
		return next, false, nil
	}
	if _, err := r.takeBackup(ctx, obj, status, slot, now, backupPurposeScheduled); err != nil {
		return time.Time{}, false, err
	}
	lp[keyBackupsFrom] = platformStamp(now)
	if err := r.pruneBackups(ctx, obj); err != nil {
		return time.Time{}, false, err
	}
	return next, true, nil
}

// keyBackups is the platform's record of the data each backup holds (state.go):
// localPlatform.backups, a list of {name, checksum}, oldest first, bounded by maxBackupRecords.
const (
	keyBackups       = "backups"
	maxBackupRecords = 500
)

func recordBackupData(status map[string]any, name, checksum string) {
	lp := localPlatformStatus(status)
	list, _ := lp[keyBackups].([]any)
	list = append(list, map[string]any{"name": name, "checksum": checksum})
	if len(list) > maxBackupRecords {
		list = list[len(list)-maxBackupRecords:]
	}
	lp[keyBackups] = list
}

// backupData is the checksum of the data the named backup holds; ok is false for a backup the
// platform has not completed.
func backupData(status any, name string) (string, bool) {
	s, _ := status.(map[string]any)
	lp, _ := s[statusLocalPlatform].(map[string]any)
	list, _ := lp[keyBackups].([]any)
	for i := len(list) - 1; i >= 0; i-- {
		e, _ := list[i].(map[string]any)
		if n, _ := e["name"].(string); n == name {
			c, _ := e["checksum"].(string)
			return c, c != ""
		}
	}
	return "", false
}
