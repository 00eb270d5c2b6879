package controller

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

// Day-2 operations of a claim (README: "Extensions for backup, restore and maintenance"): the
// platform clock (clock.go), the data marker (data.go), restore (restore.go), backups
// (backups.go, retention.go) and maintenance (maintenance.go). provision calls prepareOps before
// it provisions anything, so that a claim whose restore cannot be done gets nothing but a
// status, and runOps on the status it is about to write; all of it lands in that one status
// write, and nothing is written when nothing is due.

const (
	statusLocalPlatform = memory.KeyLocalPlatform
	keyBackupsFrom      = "backupsFrom"
	keyMaintenanceFrom  = "maintenanceFrom"
)

// opsInput is what prepareOps found out for runOps.
type opsInput struct {
	clock        platformClock
	clockChanged bool
	// seed is the data a claim starts with; nil when it holds data already.
	seed *dataState
}

// prepareOps reads the claim's platform clock and, for a claim that holds no data yet, the data
// it starts with (which for a restore means reading the source and its backup).
func (r *reconciler) prepareOps(ctx context.Context, obj *unstructured.Unstructured) (*opsInput, error) {
	clock, changed, err := claimClock(obj, r.now())
	if err != nil {
		return nil, userError{msg: err.Error()}
	}
	in := &opsInput{clock: clock, clockChanged: changed}
	if _, ok := readData(obj.Object["status"]); !ok {
		seed, err := r.initialData(ctx, obj)
		if err != nil {
			return nil, err
		}
		in.seed = &seed
	}
	return in, nil
}

// runOps brings status up to date with the claim's day-2 operations, performing what is due,
// and returns how long (wall time) until the next scheduled event; zero for none.
func (r *reconciler) runOps(ctx context.Context, obj *unstructured.Unstructured, in *opsInput, status map[string]any, instanceNS string, ready bool) (time.Duration, error) {
	wallNow := r.now()
	now := in.clock.at(wallNow)
	defer dropEmptyLocalPlatform(status)
	if in.clockChanged {
		localPlatformStatus(status)["clock"] = in.clock.toMap()
	}
	if in.seed != nil {
		seed := *in.seed
		seed.UpdatedAt = now
		status["data"] = seed.toMap()
	}
	if err := r.applyDataWrite(ctx, obj, status, now); err != nil {
		return 0, err
	}
	if runningVersion(status) == "" {
		return 0, nil // not provisioned yet: nothing to back up or maintain
	}
	ensureReleaseTag(obj, status)
	r.kind.report(obj, status)

	// A kind without backups or maintenance window has nothing scheduled of that sort.
	var nextBackup, nextMaintenance time.Time
	var backupTaken bool
	var err error
	if r.kind.backup != nil {
		if nextBackup, backupTaken, err = r.runBackupSchedule(ctx, obj, status, now); err != nil {
			return 0, err
		}
	}
	if r.kind.maintenance {
		// Backups of one instance are taken one after another: a maintenance due in the same
		// pass as a scheduled backup starts when that backup is done, so that its own backup
		// is not stamped with the same second.
		started := now
		if backupTaken {
			started = now.Add(time.Second)
		}
		if nextMaintenance, err = r.runMaintenance(ctx, obj, status, in.clock, now, started, ready); err != nil {
			return 0, err
		}
	}
	if r.kind.backup != nil && observedGeneration(obj) != obj.GetGeneration() {
		// The retention may have changed.
		if err := r.pruneBackups(ctx, obj); err != nil {
			return 0, err
		}
	}

	next := earliest(nextBackup, nextMaintenance)
	if next.IsZero() {
		return 0, nil
	}
	return max(in.clock.wallAt(next).Sub(r.now()), time.Millisecond), nil
}

// earliest is the earliest non-zero time, or zero.
func earliest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}

// localPlatformStatus is memory.localPlatform, created if missing.
func localPlatformStatus(status map[string]any) map[string]any {
	lp, ok := status[statusLocalPlatform].(map[string]any)
	if !ok {
		lp = map[string]any{}
		status[statusLocalPlatform] = lp
	}
	return lp
}

func dropEmptyLocalPlatform(status map[string]any) {
	if lp, ok := status[statusLocalPlatform].(map[string]any); ok && len(lp) == 0 {
		delete(status, statusLocalPlatform)
	}
}

// platformTimeAt reads a platform time stored in memory.localPlatform.
func platformTimeAt(lp map[string]any, key string) (time.Time, bool) {
	s, _ := lp[key].(string)
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil && s != ""
}

// minWait combines two RequeueAfter durations: the shorter positive one.
func minWait(a, b time.Duration) time.Duration {
	switch {
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}
