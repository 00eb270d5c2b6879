package controller_test

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
)

// BenchmarkClaimReady measures, with provisioning delay 0, the time from creating a
// PostgreSQL claim with a connection secret until a watching client sees it Ready for its
// current generation (the connection secret is complete by then). Cleanup is not timed.
func BenchmarkClaimReady(b *testing.B) {
	setDelay(b, "0s")
	a := admin(b)
	res := a.dyn.Resource(postgres.GVR).Namespace(userNS())
	// Warm up: right after the platform starts, the controller's informers may still be
	// syncing (the API server answers the first watches of new CRDs with Retry-After).
	warm := uniqueName("bench-warm")
	if _, err := res.Create(context.Background(), newClaim(postgres, warm, warm+"-conn", nil), metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	waitReady(b, a, postgres, userNS(), warm)
	deleteClaimAndWait(b, postgres, userNS(), warm)

	var total time.Duration
	for b.Loop() {
		name := uniqueName("bench")
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		w, err := res.Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if _, err := res.Create(ctx, newClaim(postgres, name, name+"-conn", nil), metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		ready := false
		for ev := range w.ResultChan() {
			if obj, ok := ev.Object.(*unstructured.Unstructured); ok && ev.Type != watch.Deleted && readyNow(obj) {
				ready = true
				break
			}
		}
		elapsed := time.Since(t0)
		w.Stop()
		cancel()
		if !ready {
			b.Fatalf("claim %s not Ready within %s", name, waitTimeout)
		}
		total += elapsed

		b.StopTimer()
		deleteClaimAndWait(b, postgres, userNS(), name)
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/ready")
}

// setDelay sets provisioningDelay in the platform config for the benchmark (the platform
// test harness starts with 0 already; this makes the figure independent of that default).
func setDelay(b *testing.B, d string) {
	b.Helper()
	cms := admin(b).kube.CoreV1().ConfigMaps("appcat-system")
	ctx := context.Background()
	cm, err := cms.Get(ctx, "platform-config", metav1.GetOptions{})
	if err != nil {
		b.Fatalf("platform-config: %v", err)
	}
	if cm.Data["provisioningDelay"] == d {
		return
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["provisioningDelay"] = d
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		b.Fatal(err)
	}
}
