package controller_test

import (
	"encoding/json"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestDataMarker: each new value of the write-data annotation is one write that chains the
// checksum; the history of states is kept in the instance namespace.
func TestDataMarker(t *testing.T) {
	u, a := user(t), admin(t)
	name := uniqueName("data")
	createClaim(t, u, mariadb, newClaim(mariadb, name, "", nil))
	obj := waitReady(t, u, mariadb, userNS(), name)
	c0, w0, at0 := dataOf(t, obj)
	if c0 != emptyChecksum || w0 != 0 {
		t.Fatalf("new instance holds %s with %d writes", c0, w0)
	}
	if _, err := time.Parse(time.RFC3339, at0); err != nil {
		t.Errorf("updatedAt %q: %v", at0, err)
	}

	obj = writeData(t, u, mariadb, name, "alpha", 1)
	c1, _, _ := dataOf(t, obj)
	if c1 != sha256Hex(c0+"alpha") {
		t.Errorf("after alpha: %s, want sha256(empty+alpha)", c1)
	}
	obj = writeData(t, u, mariadb, name, "beta", 2)
	c2, _, _ := dataOf(t, obj)
	if c2 != sha256Hex(c1+"beta") {
		t.Errorf("after beta: %s", c2)
	}
	// The same value again is not a new write; another annotation does not write either.
	touched := setAnnotation(t, u, mariadb, name, "example.com/other", "x")
	time.Sleep(500 * time.Millisecond)
	now, err := u.dyn.Resource(mariadb.GVR).Namespace(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c, w, _ := dataOf(t, now); c != c2 || w != 2 || now.GetResourceVersion() != touched.GetResourceVersion() {
		t.Errorf("unchanged payload: checksum %s writes %d, claim rewritten %v", c, w, now.GetResourceVersion() != touched.GetResourceVersion())
	}
	// alpha again after beta is a new write.
	obj = writeData(t, u, mariadb, name, "alpha", 3)
	c3, _, _ := dataOf(t, obj)
	if c3 != sha256Hex(c2+"alpha") {
		t.Errorf("alpha again: %s", c3)
	}

	cm, err := a.kube.CoreV1().ConfigMaps(str(obj, "status", "instanceNamespace")).Get(ctxFor(t), "data-history", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("data-history: %v", err)
	}
	var h []struct {
		Time     string `json:"time"`
		Checksum string `json:"checksum"`
		Writes   int64  `json:"writes"`
	}
	if err := json.Unmarshal([]byte(cm.Data["history"]), &h); err != nil {
		t.Fatal(err)
	}
	want := []string{c0, c1, c2, c3}
	if len(h) != len(want) {
		t.Fatalf("history has %d entries, want %d: %v", len(h), len(want), h)
	}
	for i, e := range h {
		if e.Checksum != want[i] || e.Writes != int64(i) {
			t.Errorf("history[%d] = %+v, want checksum %s writes %d", i, e, want[i], i)
		}
		if _, err := time.Parse(time.RFC3339, e.Time); err != nil {
			t.Errorf("history[%d].time %q", i, e.Time)
		}
	}

	// The history goes with the instance.
	ns := str(obj, "status", "instanceNamespace")
	deleteClaimAndWait(t, mariadb, userNS(), name)
	if _, err := a.kube.CoreV1().ConfigMaps(ns).Get(ctxFor(t), "data-history", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("data-history left behind (err %v)", err)
	}
}

// TestRestore: PostgreSQL (CloudNativePG) restores from a named backup, from a point in time and
// from the latest state into new instances: each holds the source's data as of then — not the
// later change — and credentials of its own. Redis restores from a named backup.
func TestRestore(t *testing.T) {
	u := user(t)
	src := uniqueName("src")
	obj := newClaim(postgres, src, src+"-conn", map[string]any{"backup": map[string]any{"schedule": "0 * * * *"}})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	createClaim(t, u, postgres, obj)
	waitReady(t, u, postgres, userNS(), src)
	srcPassword := string(getSecret(t, u, userNS(), src+"-conn").Data["POSTGRESQL_PASSWORD"])

	afterA := writeData(t, u, postgres, src, "A", 1)
	sumA, _, atA := dataOf(t, afterA)
	backup := waitBackups(t, u, postgres, src, "a backup holding A", func(items []unstructured.Unstructured) bool {
		return len(items) > 0 && backupData(t, u, postgres, src, items[0].GetName()) == sumA
	})[0]
	afterB := writeData(t, u, postgres, src, "B", 2)
	sumB, _, atB := dataOf(t, afterB)
	if atA >= atB {
		t.Fatalf("writes A (%s) and B (%s) not apart in platform time", atA, atB)
	}

	restoreInto := func(t *testing.T, restore map[string]any, composition ...string) (*unstructured.Unstructured, string) {
		t.Helper()
		name := uniqueName("rst")
		o := newClaim(postgres, name, name+"-conn", map[string]any{"restore": restore})
		for _, c := range composition {
			if err := unstructured.SetNestedField(o.Object, c, "spec", "compositionRef", "name"); err != nil {
				t.Fatal(err)
			}
		}
		createClaim(t, u, postgres, o)
		ready := waitReady(t, u, postgres, userNS(), name)
		pw := string(getSecret(t, u, userNS(), name+"-conn").Data["POSTGRESQL_PASSWORD"])
		if pw == "" || pw == srcPassword {
			t.Errorf("restored instance has the source's password (or none)")
		}
		return ready, pw
	}

	t.Run("FromBackup", func(t *testing.T) {
		// StackGres restores the named backup (vshnpostgres/postgresql_deploy.go).
		got, _ := restoreInto(t, map[string]any{"claimName": src, "backupName": backup.GetName()}, compositionStackGres)
		if c, w, _ := dataOf(t, got); c != sumA || w != 0 {
			t.Errorf("restored from backup %s: checksum %s (writes %d), want A's %s (B's is %s)", backup.GetName(), c, w, sumA, sumB)
		}
	})
	t.Run("CloudNativePGIgnoresBackupName", func(t *testing.T) {
		// CloudNativePG recovers from the continuous backup to its end, whatever backup is
		// named (vshnpostgrescnpg/restore.go).
		got, _ := restoreInto(t, map[string]any{"claimName": src, "backupName": backup.GetName()})
		if c, _, _ := dataOf(t, got); c != sumB {
			t.Errorf("CloudNativePG restore naming backup %s: checksum %s, want the latest state B's %s", backup.GetName(), c, sumB)
		}
	})
	t.Run("StackGresWithoutBackupNameStartsEmpty", func(t *testing.T) {
		got, _ := restoreInto(t, map[string]any{"claimName": src}, compositionStackGres)
		if c, _, _ := dataOf(t, got); c != emptyChecksum {
			t.Errorf("StackGres restore without backupName: checksum %s, want the empty dataset as on AppCat", c)
		}
	})
	t.Run("PointInTime", func(t *testing.T) {
		got, _ := restoreInto(t, map[string]any{"claimName": src, "recoveryTimeStamp": atA})
		if c, _, _ := dataOf(t, got); c != sumA {
			t.Errorf("restored to %s: checksum %s, want A's %s (B's is %s)", atA, c, sumA, sumB)
		}
		before, _ := time.Parse(time.RFC3339, atA)
		got, _ = restoreInto(t, map[string]any{"claimName": src, "recoveryTimeStamp": before.Add(-time.Second).Format(time.RFC3339)})
		if c, _, _ := dataOf(t, got); c != emptyChecksum {
			t.Errorf("restored to just before A: checksum %s, want the empty dataset", c)
		}
	})
	t.Run("Latest", func(t *testing.T) {
		got, _ := restoreInto(t, map[string]any{"claimName": src})
		if c, _, _ := dataOf(t, got); c != sumB {
			t.Errorf("restored to the latest state: checksum %s, want B's %s", c, sumB)
		}
		// The restored instance is an instance of its own: writes to it do not touch the source.
		name := got.GetName()
		after := writeData(t, u, postgres, name, "C", 1)
		if c, _, _ := dataOf(t, after); c != sha256Hex(sumB+"C") {
			t.Errorf("write to the restored instance: %s", c)
		}
		srcNow, err := u.dyn.Resource(postgres.GVR).Namespace(userNS()).Get(ctxFor(t), src, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if c, _, _ := dataOf(t, srcNow); c != sumB {
			t.Errorf("source changed by a write to the restored instance: %s", c)
		}
	})

	t.Run("Redis", func(t *testing.T) {
		rsrc := uniqueName("rsrc")
		// Kept long enough for the restore: with the default retention (keepDaily 6), each new
		// backup of the same platform day prunes the one before.
		o := newClaim(redis, rsrc, "", map[string]any{"backup": map[string]any{"schedule": "15 * * * *",
			"retention": map[string]any{"keepLast": int64(1000)}}})
		o.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
		createClaim(t, u, redis, o)
		waitReady(t, u, redis, userNS(), rsrc)
		sum, _, _ := dataOf(t, writeData(t, u, redis, rsrc, "cache-1", 1))
		b := waitBackups(t, u, redis, rsrc, "a backup holding cache-1", func(items []unstructured.Unstructured) bool {
			return len(items) > 0 && backupData(t, u, redis, rsrc, items[0].GetName()) == sum
		})[0]
		writeData(t, u, redis, rsrc, "cache-2", 2)
		name := uniqueName("rrst")
		createClaim(t, u, redis, newClaim(redis, name, "", map[string]any{"restore": map[string]any{"claimName": rsrc, "backupName": b.GetName()}}))
		if c, _, _ := dataOf(t, waitReady(t, u, redis, userNS(), name)); c != sum {
			t.Errorf("Redis restored from %s: %s, want %s", b.GetName(), c, sum)
		}
	})
}

// TestRestoreFailures: a restore that cannot be done fails the claim with a message that says
// why, provisions nothing, and converges once the cause is gone.
func TestRestoreFailures(t *testing.T) {
	u, a := user(t), admin(t)
	src := uniqueName("fsrc")
	createClaim(t, u, postgres, newClaim(postgres, src, "", nil))
	waitReady(t, u, postgres, userNS(), src)

	cases := []struct {
		name    string
		k       kindInfo
		restore map[string]any
		want    []string
		// composition, where not the kind's default
		composition string
	}{
		{"MissingBackup", postgres, map[string]any{"claimName": src, "backupName": "nope"}, []string{`backup "nope"`, "not found", src}, compositionStackGres},
		// A standalone restore that sets claimType fails as AppCat's copy job would.
		{"ClaimType", postgres, map[string]any{"claimName": src, "claimType": "VSHNPostgreSQL"}, []string{"claimType", "parent service", `"SHNPostgreSQL"`}, ""},
		{"MissingSource", postgres, map[string]any{"claimName": "ghost-db"}, []string{`source instance VSHNPostgreSQL "ghost-db" not found`}, ""},
		{"Future", postgres, map[string]any{"claimName": src, "recoveryTimeStamp": "2099-01-01T00:00:00Z"}, []string{"in the future"}, ""},
		{"RedisNeedsBackupName", redis, map[string]any{"claimName": "some-cache"}, []string{"backupName is required"}, ""},
		{"MariaDBNotSelfService", mariadb, map[string]any{"claimName": "some-db", "backupName": "abcdef12"}, []string{"not self-service"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := uniqueName("frst")
			o := newClaim(c.k, name, name+"-conn", map[string]any{"restore": c.restore})
			if c.composition != "" {
				if err := unstructured.SetNestedField(o.Object, c.composition, "spec", "compositionRef", "name"); err != nil {
					t.Fatal(err)
				}
			}
			createClaim(t, u, c.k, o)
			obj, msg := syncedFalse(t, u, c.k, name)
			wantContains(t, "Synced message", msg, append([]string{"cannot restore"}, c.want...)...)
			if r := cond(obj, "Ready"); r == nil || r["status"] != "False" || r["reason"] != "ReconcileError" {
				t.Errorf("Ready = %v", r)
			}
			if str(obj, "status", "instanceNamespace") != "" {
				t.Error("a failed restore got an instance")
			}
			if _, err := a.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), name+"-conn", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("a failed restore got a connection secret (err %v)", err)
			}
		})
	}

	t.Run("SourceAppearsLater", func(t *testing.T) {
		later := uniqueName("later")
		name := uniqueName("frst")
		createClaim(t, u, postgres, newClaim(postgres, name, "", map[string]any{"restore": map[string]any{"claimName": later}}))
		syncedFalse(t, u, postgres, name)
		createClaim(t, u, postgres, newClaim(postgres, later, "", nil))
		waitReady(t, u, postgres, userNS(), later)
		if c, _, _ := dataOf(t, waitReady(t, u, postgres, userNS(), name)); c != emptyChecksum {
			t.Errorf("restored from an empty source: %s", c)
		}
	})
}
