package controller_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestPostgreSQLBackupsOnSchedule: with the clock at 3600x and an hourly schedule, a backup
// appears every wall second, as the user sees it, with the status AppCat gives it and the data
// it holds; retention 3 keeps the newest three; disabling stops them; deleting the claim deletes
// them.
func TestPostgreSQLBackupsOnSchedule(t *testing.T) {
	u, a := user(t), admin(t)
	name := uniqueName("bk")
	obj := newClaim(postgres, name, "", map[string]any{"backup": map[string]any{"schedule": "0 * * * *", "retention": int64(3)}})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	created := createClaim(t, u, postgres, obj)
	ready := waitReady(t, u, postgres, userNS(), name)
	mem := memoryOf(t, ready)
	if s, _, _ := unstructured.NestedFloat64(mem.Object, "localPlatform", "clock", "speed"); s != 3600 {
		if i, _, _ := unstructured.NestedInt64(mem.Object, "localPlatform", "clock", "speed"); i != 3600 {
			t.Errorf("the platform's clock of the claim = %v", mem.Object["localPlatform"])
		}
	}
	for _, k := range []string{"localPlatform", "data"} {
		if _, found := ready.Object["status"].(map[string]any)[k]; found {
			t.Errorf("status.%s: the claim's status carries only what AppCat writes there", k)
		}
	}
	if c, w, _ := dataOf(t, ready); c != emptyChecksum || w != 0 {
		t.Errorf("a new instance holds %s (%d writes), want the empty dataset", c, w)
	}

	// The first backup comes at the next full platform hour: within about a wall second.
	first := waitBackups(t, u, postgres, name, "a first backup", func(items []unstructured.Unstructured) bool { return len(items) > 0 })[0]
	slot := regexp.MustCompile("^" + regexp.QuoteMeta(name) + `-(\d{8}-\d{2})0000$`)
	if !slot.MatchString(first.GetName()) {
		t.Errorf("backup name %q is not <claim>-<hourly slot>", first.GetName())
	}
	if l := first.GetLabels(); len(l) != 0 {
		t.Errorf("labels %v: AppCat's backups carry none", l)
	}
	if refs := first.GetOwnerReferences(); len(refs) != 1 || refs[0].UID != created.GetUID() {
		t.Errorf("ownerReferences %v", refs)
	}
	if got := str(&first, "status", "databaseInstance"); got != name {
		t.Errorf("status.databaseInstance = %q", got)
	}
	if got := str(&first, "status", "process", "status"); got != "Completed" {
		t.Errorf("status.process.status = %q", got)
	}
	if str(&first, "status", "process", "jobPod") == "" || str(&first, "status", "backupInformation", "postgresVersion") != "15" {
		t.Errorf("process/backupInformation: %v", first.Object["status"])
	}
	start, err1 := time.Parse(time.RFC3339, str(&first, "status", "process", "timing", "start"))
	end, err2 := time.Parse(time.RFC3339, str(&first, "status", "process", "timing", "end"))
	if m := slot.FindStringSubmatch(first.GetName()); m != nil {
		at, err := time.Parse("20060102-15", m[1])
		// taken at its slot, give or take the controller's latency (a wall second is an hour)
		if err != nil || err1 != nil || err2 != nil || end.Before(start) || start.Before(at) || end.After(at.Add(24*time.Hour)) {
			t.Errorf("timing start %v end %v (%v %v), slot %v (%v)", start, end, err1, err2, at, err)
		}
	}
	waitFor(t, "the first backup's data recorded", func() (bool, error) { return backupData(t, u, postgres, name, first.GetName()) != "", nil })
	if c := backupData(t, u, postgres, name, first.GetName()); c != emptyChecksum {
		t.Errorf("first backup holds %s, want the empty dataset", c)
	}
	if _, found := first.Object["status"].(map[string]any)["dataChecksum"]; found {
		t.Error("status.dataChecksum: a backup's status carries only what AppCat writes there")
	}

	// Data written now is in the next backups.
	wrote := writeData(t, u, postgres, name, "orders-1", 1)
	sum, _, _ := dataOf(t, wrote)
	if sum != sha256Hex(emptyChecksum+"orders-1") {
		t.Errorf("checksum after a write %s", sum)
	}
	waitBackups(t, u, postgres, name, "a backup holding the write", func(items []unstructured.Unstructured) bool {
		return len(items) > 0 && backupData(t, u, postgres, name, items[0].GetName()) == sum
	})

	// Retention 3: more than three were taken by now or soon, three stay, the newest.
	seen := map[string]bool{}
	var kept []unstructured.Unstructured
	waitFor(t, "more than three backups taken", func() (bool, error) {
		kept = listBackups(t, a, postgres, name)
		for _, b := range kept {
			seen[b.GetName()] = true
		}
		if len(kept) > 3 {
			return false, fmt.Errorf("%d backups kept with retention 3: %v", len(kept), backupNames(kept))
		}
		return len(seen) >= 5, nil
	})
	if _, err := a.dyn.Resource(backupGVRs[postgres.Kind]).Namespace(userNS()).Get(ctxFor(t), first.GetName(), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the oldest backup %s was not pruned (err %v)", first.GetName(), err)
	}

	// Disabled: no new backups for three platform hours (three wall seconds).
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) { setParam(o, false, "backup", "enabled") })
	waitReady(t, u, postgres, userNS(), name)
	before := backupNames(listBackups(t, a, postgres, name))
	time.Sleep(3 * time.Second)
	if after := backupNames(listBackups(t, a, postgres, name)); !slices.Equal(before, after) {
		t.Errorf("backups changed while disabled: %v -> %v", before, after)
	}
	if len(before) == 0 {
		t.Error("disabling backups deleted the existing ones")
	}

	// Enabled again: they resume.
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) { setParam(o, true, "backup", "enabled") })
	waitBackups(t, u, postgres, name, "backups to resume", func(items []unstructured.Unstructured) bool {
		return len(items) > 0 && !slices.Contains(before, items[0].GetName())
	})

	// They go with the claim.
	deleteClaimAndWait(t, postgres, userNS(), name)
	if left := listBackups(t, a, postgres, name); len(left) != 0 {
		t.Errorf("backups left after the claim was deleted: %v", backupNames(left))
	}
}

// TestSnapshotBackups: Redis and MariaDB backups carry the k8up snapshot fields and follow
// restic-style retention (keepLast).
func TestSnapshotBackups(t *testing.T) {
	u := user(t)
	for _, k := range []kindInfo{redis, mariadb} {
		t.Run(k.Kind, func(t *testing.T) {
			name := uniqueName("snap")
			obj := newClaim(k, name, "", map[string]any{"backup": map[string]any{
				"schedule":  "30 * * * *",
				"retention": map[string]any{"keepLast": int64(2), "keepDaily": int64(0)},
			}})
			obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
			createClaim(t, u, k, obj)
			waitReady(t, u, k, userNS(), name)

			seen := map[string]bool{}
			var items []unstructured.Unstructured
			waitFor(t, "four backups taken", func() (bool, error) {
				items = listBackups(t, u, k, name)
				for _, b := range items {
					seen[b.GetName()] = true
				}
				if len(items) > 2 {
					return false, fmt.Errorf("%d backups kept with keepLast 2", len(items))
				}
				return len(seen) >= 4, nil
			})
			for _, b := range items {
				id := str(&b, "status", "id")
				if len(id) != 64 || id[:8] != b.GetName() {
					t.Errorf("backup %s: status.id %q, want a snapshot id starting with the name", b.GetName(), id)
				}
				if str(&b, "status", "instance") != name {
					t.Errorf("backup %s: status %v", b.GetName(), b.Object["status"])
				}
			}
			if len(items) == 2 && !backupTime(t, &items[0]).After(backupTime(t, &items[1])) {
				t.Errorf("kept backups are not two distinct slots: %v", backupNames(items))
			}
		})
	}
}

// TestInvalidClockSpeed: a bad annotation is reported like the delay annotation.
func TestInvalidClockSpeed(t *testing.T) {
	u := user(t)
	name := uniqueName("badclock")
	obj := newClaim(redis, name, "", nil)
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "fast"})
	createClaim(t, u, redis, obj)
	_, msg := syncedFalse(t, u, redis, name)
	wantContains(t, "Synced message", msg, clockSpeedAnnotation, `"fast"`)
	setAnnotation(t, u, redis, name, clockSpeedAnnotation, "60")
	waitReady(t, u, redis, userNS(), name)
}
