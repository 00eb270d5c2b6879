package controller_test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Names of the day-2 extensions (README: "Extensions for backup, restore and maintenance").
const (
	clockSpeedAnnotation = "local.appcat.vshn.io/clock-speed"
	writeDataAnnotation  = "local.appcat.vshn.io/write-data"
	apiGroup             = "api.appcat.vshn.io"
)

var backupGVRs = map[string]schema.GroupVersionResource{
	postgres.Kind: {Group: apiGroup, Version: "v1", Resource: "vshnpostgresbackups"},
	redis.Kind:    {Group: apiGroup, Version: "v1", Resource: "vshnredisbackups"},
	mariadb.Kind:  {Group: apiGroup, Version: "v1", Resource: "vshnmariadbbackups"},
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// emptyChecksum is the data marker of an instance nobody wrote to.
var emptyChecksum = sha256Hex("")

// backupTime is when a backup was taken (platform time).
func backupTime(t testing.TB, b *unstructured.Unstructured) time.Time {
	t.Helper()
	s := str(b, "status", "date")
	if s == "" {
		s = str(b, "status", "process", "timing", "end")
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("backup %s: time %q: %v", b.GetName(), s, err)
	}
	return at
}

// listBackups lists the backups of a claim as c sees them, newest first.
func listBackups(t testing.TB, c clients, k kindInfo, claimName string) []unstructured.Unstructured {
	t.Helper()
	// As on AppCat: the namespace's backups, each naming its claim in its status.
	list, err := c.dyn.Resource(backupGVRs[k.Kind]).Namespace(userNS()).List(ctxFor(t), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing %s: %v", backupGVRs[k.Kind].Resource, err)
	}
	instanceField := map[string]string{"VSHNPostgreSQL": "databaseInstance", "VSHNRedis": "instance", "VSHNMariaDB": "instance"}[k.Kind]
	items := slices.DeleteFunc(list.Items, func(u unstructured.Unstructured) bool {
		return str(&u, "status", instanceField) != claimName // or its status is still being written
	})
	slices.SortFunc(items, func(a, b unstructured.Unstructured) int { return backupTime(t, &b).Compare(backupTime(t, &a)) })
	return items
}

// waitBackups polls the claim's backups until ok accepts them.
func waitBackups(t testing.TB, c clients, k kindInfo, claimName, what string, ok func([]unstructured.Unstructured) bool) []unstructured.Unstructured {
	t.Helper()
	var items []unstructured.Unstructured
	waitFor(t, what, func() (bool, error) {
		items = listBackups(t, c, k, claimName)
		return ok(items), nil
	})
	return items
}

func backupNames(items []unstructured.Unstructured) []string {
	var out []string
	for _, b := range items {
		out = append(out, b.GetName())
	}
	return out
}

// setAnnotation sets one annotation of a claim.
func setAnnotation(t testing.TB, c clients, k kindInfo, name, key, value string) *unstructured.Unstructured {
	t.Helper()
	return updateClaim(t, c, k, userNS(), name, func(o *unstructured.Unstructured) {
		ann := o.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[key] = value
		o.SetAnnotations(ann)
	})
}

// dataOf reads the data marker of a claim's instance from the platform's memory.
func dataOf(t testing.TB, obj *unstructured.Unstructured) (checksum string, writes int64, updatedAt string) {
	t.Helper()
	mem := memoryOf(t, obj)
	checksum = str(mem, "data", "checksum")
	writes, _, _ = unstructured.NestedInt64(mem.Object, "data", "writes")
	updatedAt = str(mem, "data", "updatedAt")
	return
}

// writeData writes payload through the data hook and waits until the instance holds it; it
// returns the claim then.
func writeData(t testing.TB, c clients, k kindInfo, name, payload string, wantWrites int64) *unstructured.Unstructured {
	t.Helper()
	setAnnotation(t, c, k, name, writeDataAnnotation, payload)
	waitMemory(t, c, k, userNS(), name, "write "+payload+" applied", func(mem *unstructured.Unstructured) bool {
		w, _, _ := unstructured.NestedInt64(mem.Object, "data", "writes")
		return w == wantWrites
	})
	obj, err := c.dyn.Resource(k.GVR).Namespace(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// backupData is the checksum of the data a backup holds, as the platform's memory of its claim
// records it; "" while it is not recorded (the record lands with the claim's next status).
func backupData(t testing.TB, c clients, k kindInfo, claimName, backupName string) string {
	t.Helper()
	claim, err := c.dyn.Resource(k.GVR).Namespace(userNS()).Get(ctxFor(t), claimName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	list, _, _ := unstructured.NestedSlice(memoryOf(t, claim).Object, "localPlatform", "backups")
	for _, e := range list {
		if m, _ := e.(map[string]any); m["name"] == backupName {
			s, _ := m["checksum"].(string)
			return s
		}
	}
	return ""
}

// syncedFalse waits until the claim fails and returns its Synced message.
func syncedFalse(t testing.TB, c clients, k kindInfo, name string) (*unstructured.Unstructured, string) {
	t.Helper()
	obj := waitClaim(t, c, k, userNS(), name, "Synced False", func(o *unstructured.Unstructured) bool {
		s := cond(o, "Synced")
		return s != nil && s["status"] == "False"
	})
	msg, _ := cond(obj, "Synced")["message"].(string)
	return obj, msg
}

func wantContains(t testing.TB, what, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%s %q does not contain %q", what, s, p)
		}
	}
}
