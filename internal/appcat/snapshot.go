package appcat

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// snapshots answer many reads in one namespace with one LIST. A terraform refresh reads every
// resource of a configuration in parallel; with one GET per claim and one per secret, 300 claims
// cost 600 requests, with snapshots they cost two per namespace. Concurrent readers of the same
// namespace share one LIST in flight.
//
// A snapshot stays fresh while it is read: each read keeps it for ttl more, up to maxAge after it
// was taken. One refresh of 1,000 instances in 10 namespaces takes longer than ttl on a slow
// machine, and a fixed lifetime listed each namespace again mid-refresh (8.6 LISTs per namespace
// instead of 2). A refresh reads each object once, so an older answer within the same burst of
// reads is as good as a newer one; a provider process idle for ttl reads afresh, and none reads
// an answer older than maxAge.
type snapshots struct {
	dynamic dynamic.Interface
	ttl     time.Duration
	maxAge  time.Duration
	now     func() time.Time // time.Now; a test's clock in unit tests

	mu      sync.Mutex
	entries map[snapshotKey]*snapshot
}

type snapshotKey struct {
	gvr       schema.GroupVersionResource
	namespace string
}

type snapshot struct {
	done     chan struct{} // closed when the LIST has answered
	takenAt  time.Time
	lastRead time.Time // guarded by snapshots.mu
	items    map[string]*unstructured.Unstructured
	err      error
}

// snapshotMaxAge bounds how long reads can keep a snapshot fresh.
const snapshotMaxAge = 2 * time.Minute

func newSnapshots(dyn dynamic.Interface, ttl time.Duration) *snapshots {
	return &snapshots{dynamic: dyn, ttl: ttl, maxAge: max(ttl, snapshotMaxAge), now: time.Now, entries: map[snapshotKey]*snapshot{}}
}

// fresh says whether a snapshot whose LIST has answered may still answer a read at now.
func (s *snapshots) fresh(snap *snapshot, now time.Time) bool {
	return snap.err == nil && now.Sub(snap.lastRead) <= s.ttl && now.Sub(snap.takenAt) <= s.maxAge
}

// get returns the named object from a fresh-enough snapshot of its namespace, taking one if
// needed. found is false when the namespace holds no such object.
func (s *snapshots) get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (obj *unstructured.Unstructured, found bool, err error) {
	key := snapshotKey{gvr: gvr, namespace: namespace}
	now := s.now()
	s.mu.Lock()
	snap, ok := s.entries[key]
	if ok {
		select {
		case <-snap.done:
			if s.fresh(snap, now) {
				snap.lastRead = now
			} else {
				ok = false
			}
		default: // a LIST is in flight: wait for it below
		}
	}
	if !ok {
		snap = &snapshot{done: make(chan struct{})}
		s.entries[key] = snap
		go s.take(key, snap)
	}
	s.mu.Unlock()

	select {
	case <-snap.done:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	if snap.err != nil {
		return nil, false, snap.err
	}
	obj, found = snap.items[name]
	if found {
		obj = obj.DeepCopy()
	}
	return obj, found, nil
}

// take lists the namespace. It runs detached from any one reader's context, so a reader that
// gives up does not fail the others waiting for the same LIST.
func (s *snapshots) take(key snapshotKey, snap *snapshot) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	list, err := s.dynamic.Resource(key.gvr).Namespace(key.namespace).List(ctx, metav1.ListOptions{})
	taken := s.now()
	s.mu.Lock()
	snap.takenAt, snap.lastRead = taken, taken
	s.mu.Unlock()
	if err != nil {
		snap.err = err
	} else {
		snap.items = make(map[string]*unstructured.Unstructured, len(list.Items))
		for i := range list.Items {
			// Kept for the life of the snapshot, and no snapshot reader looks at managedFields
			// (only writes do, on exact reads): decoded, they were a large share of each claim.
			list.Items[i].SetManagedFields(nil)
			snap.items[list.Items[i].GetName()] = &list.Items[i]
		}
	}
	close(snap.done)
}
