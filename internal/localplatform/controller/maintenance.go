package controller

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Maintenance (README: "Extensions for backup, restore and maintenance"). A run starts at the
// claim's effective weekly window (status.schedules.maintenance dayOfWeek and timeOfDay, UTC
// platform time) once the claim is Ready, at most once per window:
//
//  1. a backup (as AppCat takes one first), unless backups are disabled;
//  2. the AppCat release step (skipped with disableAppcatRelease; nothing to observe locally);
//  3. the newest patch of the running version: the release tag (versions.go) moves to it (the
//     version, e.g. PostgreSQL's major, stays). The local platform's release catalog has one
//     newer patch for every run: <version> or <version>.<n> becomes <version>.<n+1>; with
//     maintenance.pinImageTag the run moves to that tag instead. The kind reports it as AppCat
//     does (Redis: status.currentReleaseTag; MariaDB: status.mariadbVersion);
//  4. memory.lastMaintenance {startedAt, completedAt, success, message, backupName} records it.
//
// The release tag is the version itself (or the pinned tag) when the claim is first Ready and
// again after a version change, as AppCat's maintenance.SetReleaseVersion chooses it. A window missed (the controller was down, the claim
// was not Ready) is made up for once; a changed window counts from the change.

var weekdays = map[string]int{"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6}

var secondsParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// maintenanceSchedule is the weekly window as a schedule.
func maintenanceSchedule(dayOfWeek, timeOfDay string) (cron.Schedule, error) {
	day, ok := weekdays[strings.ToLower(dayOfWeek)]
	if !ok {
		return nil, fmt.Errorf("maintenance dayOfWeek %q is not a day of the week", dayOfWeek)
	}
	t, err := time.Parse("15:04:05", timeOfDay)
	if err != nil {
		return nil, fmt.Errorf("maintenance timeOfDay %q is not hh:mm:ss", timeOfDay)
	}
	return secondsParser.Parse(fmt.Sprintf("%d %d %d * * %d", t.Second(), t.Minute(), t.Hour(), day))
}

// pinnedTag is the pinImageTag that applies to version, or "".
func pinnedTag(version, pin string) string {
	if pin != "" && (pin == version || strings.HasPrefix(pin, version+".") || strings.HasPrefix(pin, version+"-")) {
		return pin
	}
	return ""
}

// initialReleaseTag is the release tag a claim runs when provisioned with version.
func initialReleaseTag(version, pin string) string {
	if p := pinnedTag(version, pin); p != "" {
		return p
	}
	return version
}

// nextReleaseTag is the release tag a maintenance run moves to from current.
func nextReleaseTag(version, current, pin string) string {
	if p := pinnedTag(version, pin); p != "" {
		return p
	}
	if rest, ok := strings.CutPrefix(current, version+"."); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 {
			return fmt.Sprintf("%s.%d", version, n+1)
		}
	}
	return version + ".1"
}

// ensureReleaseTag sets the release tag for the running version when it does not belong to that
// version (first Ready, version changed).
func ensureReleaseTag(obj *unstructured.Unstructured, status map[string]any) {
	version := runningVersion(status)
	if version == "" {
		return
	}
	cur := runningReleaseTag(status)
	if cur != "" && (strings.HasPrefix(cur, version+".") || cur == pinnedTag(version, pinParam(obj))) {
		return
	}
	setRunningReleaseTag(status, initialReleaseTag(version, pinParam(obj)))
}

func pinParam(obj *unstructured.Unstructured) string {
	return stringParam(obj, "", "maintenance", "pinImageTag")
}

// runMaintenance runs the maintenance that is due, if the claim is Ready, and returns when the
// next window starts (platform time; zero: none, or due but waiting for Ready). A maintenance
// run starts at started (now, or later when the pass took a backup before it); clock gives the
// platform time as the run proceeds.
func (r *reconciler) runMaintenance(ctx context.Context, obj *unstructured.Unstructured, status map[string]any, clock platformClock, now, started time.Time, ready bool) (time.Time, error) {
	day, _, _ := unstructured.NestedString(status, "schedules", "maintenance", "dayOfWeek")
	tod, _, _ := unstructured.NestedString(status, "schedules", "maintenance", "timeOfDay")
	sched, err := maintenanceSchedule(day, tod)
	if err != nil {
		return time.Time{}, userError{msg: "cannot schedule maintenance: " + err.Error()}
	}
	lp := localPlatformStatus(status)
	from, ok := platformTimeAt(lp, keyMaintenanceFrom)
	oldDay, _, _ := unstructured.NestedString(obj.Object, "status", "schedules", "maintenance", "dayOfWeek")
	oldTod, _, _ := unstructured.NestedString(obj.Object, "status", "schedules", "maintenance", "timeOfDay")
	if !ok || (oldDay != "" && (oldDay != day || oldTod != tod)) {
		from = now.Truncate(time.Second)
		lp[keyMaintenanceFrom] = platformStamp(from)
	}
	due, slot, next := evalSchedule(sched, from, now)
	if !due {
		return next, nil
	}
	if !ready {
		return time.Time{}, nil // runs once the claim is Ready again
	}

	var steps []string
	backupName := ""
	switch {
	case r.kind.backup == nil:
		// A kind whose backups this platform does not serve (Keycloak's are its nested
		// PostgreSQL's): the window updates the release only.
		steps = append(steps, "no backup taken (no backups of this kind on this platform)")
	case boolParam(obj, true, "backup", "enabled"):
		name, err := r.takeBackup(ctx, obj, status, slot, started, backupPurposeMaintenance)
		if err != nil {
			return time.Time{}, err
		}
		if err := r.pruneBackups(ctx, obj); err != nil {
			return time.Time{}, err
		}
		backupName = name
		steps = append(steps, "backup "+name+" taken")
	default:
		steps = append(steps, "no backup taken (backups are disabled)")
	}
	if boolParam(obj, false, "maintenance", "disableAppcatRelease") {
		steps = append(steps, "AppCat release update skipped (disableAppcatRelease)")
	} else {
		steps = append(steps, "AppCat release up to date")
	}
	version := runningVersion(status)
	from0 := runningReleaseTag(status)
	to := nextReleaseTag(version, from0, pinParam(obj))
	if to == from0 {
		steps = append(steps, "release "+to+" is current")
	} else {
		steps = append(steps, fmt.Sprintf("updated from release %s to %s", from0, to))
	}
	setRunningReleaseTag(status, to)
	r.kind.report(obj, status)
	completed := clock.at(r.now())
	if completed.Before(started) {
		completed = started
	}
	last := map[string]any{
		"startedAt":   platformStamp(started),
		"completedAt": platformStamp(completed),
		"success":     true,
		"message":     strings.Join(steps, "; "),
	}
	if backupName != "" {
		last["backupName"] = backupName
	}
	status["lastMaintenance"] = last
	lp[keyMaintenanceFrom] = platformStamp(now)
	logr.FromContextOrDiscard(ctx).Info("maintenance run", "releaseTag", to, "backup", backupName)
	return sched.Next(now), nil
}
