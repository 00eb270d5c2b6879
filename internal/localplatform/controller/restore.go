package controller

import (
	"cmp"
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Restore: a new claim with spec.parameters.restore {claimName, backupName, recoveryTimeStamp,
// claimType} starts with the data of another instance of the same kind in the same namespace,
// and with credentials of its own (every claim's password is drawn from its own UID). The
// platform answers it once, when the claim is first provisioned; afterwards the claim holds its
// data like any other, and the source may change or go.
//
//   - backupName: the data the named backup of the source holds (status.dataChecksum). With
//     recoveryTimeStamp as well, the source's data as of that time, which must not be before the
//     backup.
//   - recoveryTimeStamp alone (PostgreSQL on CloudNativePG): the source's data as of that time
//     (the source's platform time, RFC 3339), from its data history.
//   - claimName alone (PostgreSQL on CloudNativePG): the source's data as it is now.
//
// As on AppCat, PostgreSQL on StackGres and Redis need a backupName, and MariaDB restores are not
// self-service. A claim whose restore cannot be done fails (Synced and Ready False, reason
// ReconcileError) with a message saying why; a missing source or backup is looked for again
// every few seconds.

// restoreNeedsBackup tells whether a claim can only be restored from a named backup.
func restoreNeedsBackup(k *kind, obj *unstructured.Unstructured) bool {
	switch k.Kind {
	case "VSHNPostgreSQL":
		return specString(obj, "compositionRef", "name") == compositionStackGres
	case "VSHNRedis":
		return true
	}
	return false
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
	if _, ok := backupKinds[k.Kind]; !ok || k.Kind == "VSHNMariaDB" {
		return dataState{}, restoreFailed("restoring a %s from a backup is not self-service on AppCat; ask VSHN support for a restore, or restore a dump into a new instance", k.Kind)
	}
	source := stringParam(obj, "", "restore", "claimName")
	backupName := stringParam(obj, "", "restore", "backupName")
	stamp := stringParam(obj, "", "restore", "recoveryTimeStamp")
	if t := stringParam(obj, "", "restore", "claimType"); t != "" && t != k.Kind {
		return dataState{}, restoreFailed("spec.parameters.restore.claimType %q: a %s can only be restored from a %s", t, k.Kind, k.Kind)
	}
	if source == "" {
		return dataState{}, restoreFailed("spec.parameters.restore.claimName is required (the instance to restore from, in namespace %q)", obj.GetNamespace())
	}
	if source == obj.GetName() {
		return dataState{}, restoreFailed("an instance cannot be restored from itself (spec.parameters.restore.claimName %q)", source)
	}
	if backupName == "" && restoreNeedsBackup(k, obj) {
		return dataState{}, restoreFailed("spec.parameters.restore.backupName is required to restore a %s on composition %s", k.Kind, cmp.Or(specString(obj, "compositionRef", "name"), k.DefaultComposition))
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
		if l := b.GetLabels(); l[labelClaimName] != source || l[labelClaimKind] != k.Kind {
			return dataState{}, restoreFailed("backup %q belongs to %s %q, not to %s %q", backupName, l[labelClaimKind], l[labelClaimName], k.Kind, source)
		}
		checksum, _, _ := unstructured.NestedString(b.Object, "status", "dataChecksum")
		if checksum == "" {
			return dataState{}, restoreMissing("backup %q is not completed yet", backupName)
		}
		if stamp == "" {
			return dataState{Checksum: checksum}, nil
		}
		if taken := backupTime(b); at.Before(taken.Truncate(time.Second)) {
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
func backupResource(k *kind) string {
	switch backupKinds[k.Kind].Kind {
	case "VSHNPostgresBackup":
		return "vshnpostgresbackups"
	case "VSHNRedisBackup":
		return "vshnredisbackups"
	}
	return "vshnmariadbbackups"
}
