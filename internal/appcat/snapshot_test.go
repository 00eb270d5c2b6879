package appcat

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// TestSnapshotLifetime: reads keep a namespace's snapshot fresh for ttl after the last one, up to
// maxAge after its LIST; an idle provider, and a snapshot older than maxAge, list again.
func TestSnapshotLifetime(t *testing.T) {
	claim := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": PostgreSQL.APIVersion(), "kind": PostgreSQL.Kind,
		"metadata": map[string]any{"name": "db", "namespace": "ns"},
	}}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{PostgreSQL.GVR(): "VSHNPostgreSQLList"}, claim)
	var lists atomic.Int32
	dyn.PrependReactor("list", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		lists.Add(1)
		return false, nil, nil
	})
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	s := newSnapshots(dyn, 10*time.Second)
	s.now = func() time.Time { return clock }

	read := func(after time.Duration, wantLists int32, why string) {
		t.Helper()
		clock = clock.Add(after)
		obj, found, err := s.get(context.Background(), PostgreSQL.GVR(), "ns", "db")
		if err != nil || !found || obj.GetName() != "db" {
			t.Fatalf("%s: get = %v, %v, %v", why, obj, found, err)
		}
		if got := lists.Load(); got != wantLists {
			t.Errorf("%s: %d LISTs so far, want %d", why, got, wantLists)
		}
	}
	read(0, 1, "first read")
	// A refresh longer than ttl whose reads come every few seconds: one LIST.
	for range 10 {
		read(8*time.Second, 1, "read 8 s after the last")
	}
	read(11*time.Second, 2, "read after ttl without reads")
	for range 13 { // up to 117 s after the second LIST
		read(9*time.Second, 2, "read within ttl of the last")
	}
	// 126 s after the second LIST: older than maxAge, however busy.
	read(9*time.Second, 3, "read past maxAge")
}
