package controller_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// windowIn returns a maintenance window (dayOfWeek, timeOfDay in UTC) that starts d from now.
func windowIn(d time.Duration) map[string]any {
	w := time.Now().UTC().Add(d)
	return map[string]any{"dayOfWeek": strings.ToLower(w.Weekday().String()), "timeOfDay": w.Format("15:04:05")}
}

// TestMaintenanceRun: with the clock at 3600x and the window half a platform hour ahead, the
// maintenance runs within about a wall second: it takes a backup first, moves to the next patch
// release and records the run; it runs once per window.
func TestMaintenanceRun(t *testing.T) {
	u := user(t)
	name := uniqueName("mnt")
	window := windowIn(30 * time.Minute)
	obj := newClaim(redis, name, "", map[string]any{"maintenance": window})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	t0 := time.Now().UTC()
	createClaim(t, u, redis, obj)
	ready := waitReady(t, u, redis, userNS(), name)
	if m, _, _ := unstructured.NestedMap(ready.Object, "status", "schedules", "maintenance"); m["dayOfWeek"] != window["dayOfWeek"] || m["timeOfDay"] != window["timeOfDay"] {
		t.Errorf("effective window %v, want %v", m, window)
	}

	// The platform records the run in its memory before the claim shows the new release tag.
	done := waitClaim(t, u, redis, userNS(), name, "a maintenance run", func(o *unstructured.Unstructured) bool {
		return str(o, "status", "currentReleaseTag") == "7.2.1"
	})
	mem := memoryOf(t, done)
	if ok, _, _ := unstructured.NestedBool(mem.Object, "lastMaintenance", "success"); !ok {
		t.Errorf("lastMaintenance %v: want a successful run", mem.Object["lastMaintenance"])
	}
	last, _, _ := unstructured.NestedMap(mem.Object, "lastMaintenance")
	started, err1 := time.Parse(time.RFC3339, str(mem, "lastMaintenance", "startedAt"))
	completed, err2 := time.Parse(time.RFC3339, str(mem, "lastMaintenance", "completedAt"))
	windowStart := t0.Add(30 * time.Minute).Truncate(time.Second)
	if err1 != nil || err2 != nil || started.Before(windowStart) || completed.Before(started) || started.After(windowStart.Add(12*time.Hour)) {
		t.Errorf("lastMaintenance %v: want a run starting at the window %v (platform time)", last, windowStart)
	}
	if got := str(done, "status", "currentReleaseTag"); got != "7.2.1" {
		t.Errorf("currentReleaseTag after maintenance = %q, want 7.2.1 (from 7.2)", got)
	}
	if v := str(done, "status", "currentVersion"); v != "" {
		t.Errorf("currentVersion = %q: Redis reports its version in currentReleaseTag only", v)
	}
	wantContains(t, "lastMaintenance.message", str(mem, "lastMaintenance", "message"), "7.2 to 7.2.1", "backup")

	// The backup came first and holds the data as of the run.
	backupName := str(mem, "lastMaintenance", "backupName")
	var backup *unstructured.Unstructured
	for _, b := range listBackups(t, u, redis, name) {
		if b.GetName() == backupName {
			backup = &b
		}
	}
	if backup == nil {
		t.Fatalf("maintenance backup %q not found", backupName)
	}
	if at := backupTime(t, backup); at.After(completed) || at.Before(started) {
		t.Errorf("maintenance backup taken at %v, run %v..%v", at, started, completed)
	}
	if c := backupData(t, u, redis, name, backupName); c != emptyChecksum {
		t.Errorf("maintenance backup holds %s", c)
	}

	// Once per window: the next is a platform week (168 wall seconds) away.
	time.Sleep(2 * time.Second)
	now, err := u.dyn.Resource(redis.GVR).Namespace(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if memNow := memoryOf(t, now); str(memNow, "lastMaintenance", "startedAt") != str(mem, "lastMaintenance", "startedAt") || str(now, "status", "currentReleaseTag") != "7.2.1" {
		t.Errorf("a second run in the same window: %v", memNow.Object["lastMaintenance"])
	}
}

// TestMaintenanceAndScheduledBackupInOnePass: when the maintenance window and a scheduled backup
// fall on the same instant, one pass of the platform takes both backups. They are taken one after
// another, so no two backups of the instance carry the same time: a user picks a backup by it.
func TestMaintenanceAndScheduledBackupInOnePass(t *testing.T) {
	u := user(t)
	name := uniqueName("mntbk")
	at := time.Now().UTC().Add(30 * time.Minute).Truncate(time.Minute)
	obj := newClaim(redis, name, "", map[string]any{
		"maintenance": map[string]any{"dayOfWeek": strings.ToLower(at.Weekday().String()), "timeOfDay": at.Format("15:04:05")},
		"backup": map[string]any{
			"schedule":  fmt.Sprintf("%d * * * *", at.Minute()),
			"retention": map[string]any{"keepLast": int64(10), "keepDaily": int64(0)},
		},
	})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	createClaim(t, u, redis, obj)
	done := waitClaim(t, u, redis, userNS(), name, "a maintenance run", func(o *unstructured.Unstructured) bool {
		return str(o, "status", "currentReleaseTag") == "7.2.1"
	})

	maintenanceBackup := str(memoryOf(t, done), "lastMaintenance", "backupName")
	items := listBackups(t, u, redis, name)
	names := backupNames(items)
	if maintenanceBackup == "" || !slices.Contains(names, maintenanceBackup) || len(items) < 2 {
		t.Fatalf("backups %v: want the scheduled one and the maintenance's (%q)", names, maintenanceBackup)
	}
	byTime := map[time.Time][]string{}
	for i := range items {
		at := backupTime(t, &items[i])
		byTime[at] = append(byTime[at], items[i].GetName())
	}
	for at, same := range byTime {
		if len(same) > 1 {
			t.Errorf("backups %v carry the same time %v", same, at)
		}
	}
}

// TestMaintenancePinnedAndWithoutBackups: a pinned image tag is where maintenance goes; with
// backups disabled the run takes none and says so.
func TestMaintenancePinnedAndWithoutBackups(t *testing.T) {
	u := user(t)
	name := uniqueName("pin")
	maint := windowIn(20 * time.Minute)
	maint["pinImageTag"] = "16.4"
	maint["disableAppcatRelease"] = true
	obj := newClaim(postgres, name, "", map[string]any{
		"service":     map[string]any{"majorVersion": "16"},
		"maintenance": maint,
		"backup":      map[string]any{"enabled": false},
	})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	createClaim(t, u, postgres, obj)
	mem := waitMemory(t, u, postgres, userNS(), name, "a maintenance run", func(m *unstructured.Unstructured) bool {
		ok, _, _ := unstructured.NestedBool(m.Object, "lastMaintenance", "success")
		return ok
	})
	done := waitReady(t, u, postgres, userNS(), name)
	// CloudNativePG reports a pinned image tag as its current version (vshnpostgrescnpg/deploy.go).
	if got := str(done, "status", "currentVersion"); got != "16.4" {
		t.Errorf("currentVersion = %q, want the pinned 16.4", got)
	}
	if b := str(mem, "lastMaintenance", "backupName"); b != "" {
		t.Errorf("backupName %q with backups disabled", b)
	}
	wantContains(t, "message", str(mem, "lastMaintenance", "message"), "backups are disabled", "disableAppcatRelease")
	if items := listBackups(t, u, postgres, name); len(items) != 0 {
		t.Errorf("backups with backups disabled: %v", backupNames(items))
	}
}

// TestVersionUpgrade: a major upgrade of PostgreSQL (CloudNativePG) makes the claim not Ready
// (Updating) while the old version still runs, then Ready with the new version in
// currentVersion (and, as on AppCat's CloudNativePG, no previousVersion); the data stays.
func TestVersionUpgrade(t *testing.T) {
	u := user(t)
	name := uniqueName("upg")
	obj := newClaim(postgres, name, "", map[string]any{"service": map[string]any{"majorVersion": "15"}})
	obj.SetAnnotations(map[string]string{delayAnnotation: "1s"})
	createClaim(t, u, postgres, obj)
	ready := waitReady(t, u, postgres, userNS(), name)
	if v := str(ready, "status", "currentVersion"); v != "15" {
		t.Errorf("before: currentVersion %q", v)
	}
	sum, _, _ := dataOf(t, writeData(t, u, postgres, name, "rows", 1))

	updated := updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) { setParam(o, "16", "service", "majorVersion") })
	updating := waitClaim(t, u, postgres, userNS(), name, "Ready False (Updating)", func(o *unstructured.Unstructured) bool {
		c := cond(o, "Ready")
		return c != nil && c["status"] == "False" && condGen(c) >= updated.GetGeneration()
	})
	if c := cond(updating, "Ready"); c["reason"] != "Updating" {
		t.Errorf("Ready while upgrading = %v", c)
	}
	if v := str(updating, "status", "currentVersion"); v != "15" {
		t.Errorf("currentVersion while upgrading = %q, want 15 until Ready", v)
	}
	done := waitReady(t, u, postgres, userNS(), name)
	// CloudNativePG writes no previousVersion (vshnpostgrescnpg/deploy.go); StackGres does.
	if v, p := str(done, "status", "currentVersion"), str(done, "status", "previousVersion"); v != "16" || p != "" {
		t.Errorf("after: currentVersion %q previousVersion %q, want 16 and none", v, p)
	}
	if c, _, _ := dataOf(t, done); c != sum {
		t.Errorf("data changed by the upgrade: %s, want %s", c, sum)
	}
}
