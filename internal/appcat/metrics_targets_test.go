package appcat

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func obj(o map[string]any) unstructured.Unstructured { return unstructured.Unstructured{Object: o} }

func service(name string, labels map[string]any, ports ...map[string]any) unstructured.Unstructured {
	ps := make([]any, len(ports))
	for i, p := range ports {
		ps[i] = p
	}
	return obj(map[string]any{
		"metadata": map[string]any{"name": name, "namespace": "vshn-redis-cache-abcde", "labels": labels},
		"spec":     map[string]any{"ports": ps, "selector": map[string]any{"app.kubernetes.io/name": "redis"}},
	})
}

// TestServiceMonitorTargets: an endpoint's port is resolved on the Services the monitor selects,
// with the operator's defaults for path and scheme; a monitor that selects nothing still shows.
func TestServiceMonitorTargets(t *testing.T) {
	services := []unstructured.Unstructured{
		service("redis-headless", map[string]any{"app.kubernetes.io/name": "redis"}, map[string]any{"name": "tcp-redis", "port": int64(6379)}),
		service("redis-metrics", map[string]any{"app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "metrics"},
			map[string]any{"name": "http-metrics", "port": int64(9121)}),
	}
	sm := obj(map[string]any{
		"metadata": map[string]any{"name": "redis"},
		"spec": map[string]any{
			"selector":  map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/component": "metrics"}},
			"endpoints": []any{map[string]any{"port": "http-metrics"}},
		},
	})
	got := serviceMonitorTargets(&sm, services)
	if len(got) != 1 || got[0].Service != "redis-metrics" || got[0].PortNumber != 9121 || got[0].Path != "/metrics" || got[0].Scheme != "http" ||
		got[0].ScrapeURL != "http://redis-metrics.vshn-redis-cache-abcde.svc:9121/metrics" || got[0].Monitor != "redis" {
		t.Errorf("targets %+v", got)
	}
	none := obj(map[string]any{
		"metadata": map[string]any{"name": "other"},
		"spec": map[string]any{
			"selector":  map[string]any{"matchLabels": map[string]any{"app": "nothing"}},
			"endpoints": []any{map[string]any{"port": "web", "path": "/m", "scheme": "https"}},
		},
	})
	if got := serviceMonitorTargets(&none, services); len(got) != 1 || got[0].Service != "" || got[0].ScrapeURL != "" || got[0].Path != "/m" || got[0].Scheme != "https" {
		t.Errorf("unmatched monitor: %+v", got)
	}
	// Without the monitors: only Services with a metrics port, not those already found.
	if got := metricsServiceTargets(services, nil); len(got) != 1 || got[0].Source != "Service" || got[0].Service != "redis-metrics" || got[0].PortNumber != 9121 {
		t.Errorf("metrics services %+v", got)
	}
	if got := metricsServiceTargets(services, serviceMonitorTargets(&sm, services)); len(got) != 0 {
		t.Errorf("metrics services already found: %+v", got)
	}
}

func TestPodMonitorTargets(t *testing.T) {
	pm := obj(map[string]any{
		"metadata": map[string]any{"name": "postgresql"},
		"spec": map[string]any{
			"selector":            map[string]any{"matchLabels": map[string]any{"cnpg.io/cluster": "postgresql"}},
			"podMetricsEndpoints": []any{map[string]any{"port": "metrics"}},
		},
	})
	got := podMonitorTargets(&pm)
	if len(got) != 1 || got[0].Source != "PodMonitor" || got[0].Port != "metrics" || got[0].Selector["cnpg.io/cluster"] != "postgresql" || got[0].ScrapeURL != "" {
		t.Errorf("targets %+v", got)
	}
}
