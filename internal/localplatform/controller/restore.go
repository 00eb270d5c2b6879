package controller

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Restore: a new claim with spec.parameters.restore {claimName, backupName, recoveryTimeStamp}
// starts with the data of another instance of the same kind in the same namespace, and with
// credentials of its own (every claim's password is drawn from its own UID). The platform answers
// it once, when the claim is first provisioned; afterwards the claim holds its data like any
// other, and the source may change or go. What each kind's composition does with it is its
// restoreStyle, as on AppCat:
//
//   - backupName: the data the named backup of the source holds (recorded in the source's memory, state.go). With
//     recoveryTimeStamp as well, the source's data as of that time, which must not be before the
//     backup.
//   - recoveryTimeStamp without a backup (CloudNativePG): the source's data as of that time
//     (the source's platform time, RFC 3339), from its data history.
//   - claimName alone (CloudNativePG): the source's data as it is now (the end of its WAL).
//
// claimType names the composite kind of a parent service for an instance nested in it (AppCat's
// copy jobs look the parent claim up as that kind without its first letter); this platform has
// no nested services, so a claim that sets it fails as AppCat's copy job would.
//
// A claim whose restore cannot be done fails (Synced and Ready False, reason ReconcileError)
// with a message saying why; a missing source or backup is looked for again every few seconds.

// restoreStyle is how a kind's composition answers spec.parameters.restore.
type restoreStyle int

const (
	// restoreNotSelfService: no restore into a new instance (MariaDB: a support request).
	restoreNotSelfService restoreStyle = iota
	// restoreNamedBackup: claimName and backupName are required (Redis:
	// pkg/comp-functions/functions/vshnredis/restore.go fails without either).
	restoreNamedBackup
	// restoreNamedBackupOrNone: a restore happens only with both claimName and backupName,
	// otherwise the instance starts empty (StackGres: vshnpostgres/postgresql_deploy.go).
	restoreNamedBackupOrNone
	// restoreContinuous: claimName, and optionally recoveryTimeStamp; backupName is ignored
	// (CloudNativePG: vshnpostgrescnpg/restore.go recovers from the object store).
	restoreContinuous
)

// postgresqlRestoreStyle depends on the composition.
func postgresqlRestoreStyle(obj *unstructured.Unstructured) restoreStyle {
	if specString(obj, "compositionRef", "name") == compositionStackGres {
		return restoreNamedBackupOrNone
	}
	return restoreContinuous
}

func fixedRestoreStyle(s restoreStyle) func(*unstructured.Unstructured) restoreStyle {
	return func(*unstructured.Unstructured) restoreStyle { return s }
}

const compositionStackGres = "vshnpostgres.vshn.appcat.vshn.io"

// restoreRequested tells whether the claim asks to be restored.
func restoreRequested(obj *unstructured.Unstructured) bool {
	for _, f := range []string{"claimName", "backupName", "recoveryTimeStamp"} {
		if stringParam(obj, "", "restore", f) != "" {
			return true
		}
	}
	return false
}

// initialData is the data a claim starts with: the empty dataset, or what it is restored from.
// Its UpdatedAt is left for the caller.
func (r *reconciler) initialData(ctx context.Context, obj *unstructured.Unstructured) (dataState, error) {
	// A claim provisioned before the platform had data markers is not restored afterwards.
	if !restoreRequested(obj) || str(obj, "status", "instanceNamespace") != "" {
		return dataState{Checksum: emptyDataChecksum}, nil
	}
	return r.restoredData(ctx, obj)
}

func restoreFailed(format string, args ...any) userError {
	return userError{msg: "cannot restore: " + fmt.Sprintf(format, args...)}
}

// restoreMissing is a failure that may go away without a change of the claim (the source or
// backup appears), so the claim is looked at again.
func restoreMissing(format string, args ...any) userError {
	e := restoreFailed(format, args...)
	e.retry = conflictRetry
	return e
}

func (r *reconciler) restoredData(ctx context.Context, obj *unstructured.Unstructured) (dataState, error) {
	k := r.kind
	if k.restoreStyle == nil {
		return dataState{}, restoreFailed("%s has no restore: its claims have no spec.parameters.restore", k.Kind)
	}
	style := k.restoreStyle(obj)
	if style == restoreNotSelfService {
		return dataState{}, restoreFailed("restoring a %s from a backup is not self-service on AppCat; ask VSHN support for a restore, or restore a dump into a new instance", k.Kind)
	}
	source := stringParam(obj, "", "restore", "claimName")
	backupName := stringParam(obj, "", "restore", "backupName")
	stamp := stringParam(obj, "", "restore", "recoveryTimeStamp")
	if t := stringParam(obj, "", "restore", "claimType"); t != "" {
		return dataState{}, restoreFailed("spec.parameters.restore.claimType %q names the composite kind of a parent service; the restore looks up %q %q in namespace %q, "+
			"and this platform has no such service (a standalone restore leaves claimType out)", t, t[1:], source, obj.GetNamespace())
	}
	switch style {
	case restoreContinuous:
		backupName = "" // recovered from the continuous backup, whatever backup is named
	case restoreNamedBackupOrNone:
		if source == "" || backupName == "" {
			return dataState{Checksum: emptyDataChecksum}, nil
		}
	}
	if source == "" {
		return dataState{}, restoreFailed("spec.parameters.restore.claimName is required (the instance to restore from, in namespace %q)", obj.GetNamespace())
	}
	if source == obj.GetName() {
		return dataState{}, restoreFailed("an instance cannot be restored from itself (spec.parameters.restore.claimName %q)", source)
	}
	if backupName == "" && style == restoreNamedBackup {
		return dataState{}, restoreFailed("spec.parameters.restore.backupName is required to restore a %s", k.Kind)
	}
	var at time.Time
	if stamp != "" {
		t, err := time.Parse(time.RFC3339, stamp)
		if err != nil {
			return dataState{}, restoreFailed("spec.parameters.restore.recoveryTimeStamp %q is not an RFC 3339 time", stamp)
		}
		at = t
	}

	src := k.newObject()
	if err := r.client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: source}, src); err != nil {
		if apierrors.IsNotFound(err) {
			return dataState{}, restoreMissing("source instance %s %q not found in namespace %q", k.Kind, source, obj.GetNamespace())
		}
		return dataState{}, err
	}
	src, err := withStoredState(ctx, r.client, k, src) // state.go: its data and clock
	if err != nil {
		return dataState{}, err
	}
	if _, ok := readData(src.Object["status"]); !ok {
		return dataState{}, restoreMissing("source instance %s %q holds no data yet (not provisioned)", k.Kind, source)
	}

	if backupName != "" {
		b := &unstructured.Unstructured{}
		b.SetGroupVersionKind(backupGVK(k))
		err := r.client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: backupName}, b)
		if apierrors.IsNotFound(err) {
			return dataState{}, restoreMissing("backup %q of %s %q not found in namespace %q (list them with kubectl get %s)", backupName, k.Kind, source, obj.GetNamespace(), backupResource(k))
		}
		if err != nil {
			return dataState{}, err
		}
		if owner, _, _ := unstructured.NestedString(b.Object, k.backup.fieldPath(k.backup.instanceField)...); owner != k.backup.backupOwner(src) {
			return dataState{}, restoreFailed("backup %q belongs to %q, not to %s %q", backupName, owner, k.Kind, source)
		}
		checksum, ok := backupData(src.Object["status"], backupName)
		if !ok {
			return dataState{}, restoreMissing("backup %q is not completed yet", backupName)
		}
		if stamp == "" {
			return dataState{Checksum: checksum}, nil
		}
		if taken := backupTime(k.backup, b); at.Before(taken.Truncate(time.Second)) {
			return dataState{}, restoreFailed("spec.parameters.restore.recoveryTimeStamp %s is before backup %q was taken (%s)", stamp, backupName, platformStamp(taken))
		}
	}

	history, err := r.claimHistory(ctx, src)
	if err != nil {
		return dataState{}, err
	}
	if stamp == "" {
		return dataState{Checksum: history[len(history)-1].Checksum}, nil
	}
	srcNow := storedClock(src.Object["status"]).at(r.now())
	if at.After(srcNow) {
		return dataState{}, restoreFailed("spec.parameters.restore.recoveryTimeStamp %s is in the future of %s %q (its platform time is %s)", stamp, k.Kind, source, platformStamp(srcNow))
	}
	e, ok := stateAt(history, at)
	if !ok {
		return dataState{}, restoreFailed("spec.parameters.restore.recoveryTimeStamp %s is before the oldest recoverable state of %s %q (%s)", stamp, k.Kind, source, history[0].Time)
	}
	return dataState{Checksum: e.Checksum}, nil
}

// backupResource is the plural resource name of the kind's backups.
func backupResource(k *kind) string { return k.backup.resource }
