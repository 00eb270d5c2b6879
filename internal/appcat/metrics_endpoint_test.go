package appcat

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// fakeCluster has one provisioned Redis claim and the Services given; monitors, when set, is the
// answer to listing servicemonitors and podmonitors.
func fakeCluster(t *testing.T, monitors error, objects ...runtime.Object) *Client {
	t.Helper()
	claim := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": ClaimGroupVersion.String(), "kind": Redis.Kind,
		"metadata": map[string]any{"name": "cache", "namespace": "shop"},
		"status":   map[string]any{"instanceNamespace": "vshn-redis-cache-abcde"},
	}}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		Redis.GVR(): "VSHNRedisList", serviceGVR: "ServiceList", ServiceMonitorGVR: "ServiceMonitorList", PodMonitorGVR: "PodMonitorList",
	})
	// Added with their resources (the tracker would guess "vshnredises" from the kind).
	if err := dyn.Tracker().Create(Redis.GVR(), claim, "shop"); err != nil {
		t.Fatal(err)
	}
	for _, o := range objects {
		if err := dyn.Tracker().Create(serviceGVR, o, "vshn-redis-cache-abcde"); err != nil {
			t.Fatal(err)
		}
	}
	if monitors != nil {
		for _, res := range []string{"servicemonitors", "podmonitors"} {
			dyn.PrependReactor("list", res, func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, monitors })
		}
	}
	return newClient(dyn, Options{})
}

// TestMetricsEndpointSaysWhatIsMissing: a cluster without the Prometheus Operator's CRDs, or an
// instance namespace with nothing to scrape, is an error that names what is missing.
func TestMetricsEndpointSaysWhatIsMissing(t *testing.T) {
	ctx := context.Background()
	noCRD := apierrors.NewNotFound(schema.GroupResource{Group: "monitoring.coreos.com", Resource: "servicemonitors"}, "")
	_, err := fakeCluster(t, noCRD).GetMetricsEndpoint(ctx, Redis, "shop", "cache")
	for _, want := range []string{
		"instance namespace vshn-redis-cache-abcde of VSHNRedis shop/cache has no ServiceMonitor, no PodMonitor and no Service with a metrics port",
		"the cluster has no ServiceMonitor CRD (servicemonitors.monitoring.coreos.com/v1)",
		"the cluster has no PodMonitor CRD (podmonitors.monitoring.coreos.com/v1)",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("without CRDs: %v, want %q", err, want)
		}
	}
	_, err = fakeCluster(t, nil).GetMetricsEndpoint(ctx, Redis, "shop", "cache")
	if err == nil || !strings.Contains(err.Error(), "has no ServiceMonitor, no PodMonitor and no Service with a metrics port: nothing scrapes") || strings.Contains(err.Error(), "CRD") {
		t.Errorf("empty namespace: %v", err)
	}
	// Without the CRDs a metrics Service still shows, with the note.
	svc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "redis-metrics", "namespace": "vshn-redis-cache-abcde"},
		"spec":     map[string]any{"ports": []any{map[string]any{"name": "http-metrics", "port": int64(9121)}}},
	}}
	e, err := fakeCluster(t, noCRD, svc).GetMetricsEndpoint(ctx, Redis, "shop", "cache")
	if err != nil || len(e.Targets) != 1 || e.Targets[0].Source != "Service" || len(e.Notes) != 2 {
		t.Errorf("Service without CRDs: %+v %v", e, err)
	}
}
