package appcat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Where an instance's metrics live. AppCat's user-workload Prometheus scrapes each instance's
// exporters in the instance namespace; the SLI exporter publishes appcat_probes_seconds. This
// project's platform also serves them on a scrape URL and a query URL written to the claim's
// status.metrics (extension).

// MetricNames are the metric names of an instance: the SLI probe histogram and the capacity
// series AppCat's customer alerts use.
var MetricNames = []string{
	"appcat_probes_seconds",
	"kubelet_volume_stats_capacity_bytes",
	"kubelet_volume_stats_used_bytes",
	"kubelet_volume_stats_available_bytes",
	"container_memory_working_set_bytes",
	"kube_pod_container_resource_limits",
}

// MetricsEndpoint is where one instance's metrics are.
type MetricsEndpoint struct {
	InstanceNamespace string
	// ScrapeURL and QueryURL are empty where the platform publishes none.
	ScrapeURL string
	QueryURL  string
}

// LabelSelector is the PromQL label selector that picks the instance's series.
func (e MetricsEndpoint) LabelSelector() string {
	return fmt.Sprintf(`{namespace=%q}`, e.InstanceNamespace)
}

// GetMetricsEndpoint reads where the metrics of an instance are. The instance must be
// provisioned (status.instanceNamespace set).
func (c *Client) GetMetricsEndpoint(ctx context.Context, k Kind, namespace, name string) (*MetricsEndpoint, error) {
	u, err := c.dynamic.Resource(k.GVR()).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	e := &MetricsEndpoint{}
	e.InstanceNamespace, _, _ = unstructured.NestedString(u.Object, "status", "instanceNamespace")
	e.ScrapeURL, _, _ = unstructured.NestedString(u.Object, "status", "metrics", "scrapeURL")
	e.QueryURL, _, _ = unstructured.NestedString(u.Object, "status", "metrics", "queryURL")
	if e.InstanceNamespace == "" {
		return nil, fmt.Errorf("%s %s/%s is not provisioned yet: it has no instance namespace", k.Kind, namespace, name)
	}
	return e, nil
}

// GrafanaDashboard is a Grafana dashboard (JSON model) for the instance: panels for its probes,
// disk and memory, against a Prometheus data source chosen by the dashboard's datasource
// variable.
func GrafanaDashboard(k Kind, namespace, name string, e MetricsEndpoint) (string, error) {
	sel := fmt.Sprintf(`namespace=%q`, e.InstanceNamespace)
	sum := sha256.Sum256([]byte(k.Kind + "/" + namespace + "/" + name))
	ds := map[string]any{"type": "prometheus", "uid": "${datasource}"}
	type panel struct {
		title, unit, desc string
		exprs             []string
	}
	panels := []panel{
		{"Probe results per second", "reqps", "SLI probes of the instance (appcat_probes_seconds), by result.",
			[]string{fmt.Sprintf(`sum by (reason) (rate(appcat_probes_seconds_count{%s}[5m]))`, sel)}},
		{"Probe latency (p99)", "s", "99th percentile of the SLI probes' latency.",
			[]string{fmt.Sprintf(`histogram_quantile(0.99, sum by (le) (rate(appcat_probes_seconds_bucket{%s}[5m])))`, sel)}},
		{"Disk usage", "percent", "Used share of the instance's volume (alert PersistentVolumeFillingUp below 3 % free).",
			[]string{fmt.Sprintf(`100 * kubelet_volume_stats_used_bytes{%s} / kubelet_volume_stats_capacity_bytes{%s}`, sel, sel)}},
		{"Disk available", "bytes", "Free bytes on the instance's volume, and its capacity.",
			[]string{fmt.Sprintf(`kubelet_volume_stats_available_bytes{%s}`, sel), fmt.Sprintf(`kubelet_volume_stats_capacity_bytes{%s}`, sel)}},
		{"Memory", "bytes", "Working set of the instance's containers against their memory limit (alert MemoryCritical above 85 %).",
			[]string{fmt.Sprintf(`container_memory_working_set_bytes{%s}`, sel), fmt.Sprintf(`kube_pod_container_resource_limits{%s,resource="memory"}`, sel)}},
	}
	var out []any
	for i, p := range panels {
		var targets []any
		for j, expr := range p.exprs {
			targets = append(targets, map[string]any{"refId": string(rune('A' + j)), "datasource": ds, "expr": expr})
		}
		out = append(out, map[string]any{
			"id": i + 1, "type": "timeseries", "title": p.title, "description": p.desc, "datasource": ds,
			"gridPos":     map[string]any{"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
			"fieldConfig": map[string]any{"defaults": map[string]any{"unit": p.unit}, "overrides": []any{}},
			"targets":     targets,
		})
	}
	dash := map[string]any{
		"uid":           "appcat-" + hex.EncodeToString(sum[:])[:16],
		"title":         fmt.Sprintf("AppCat %s %s/%s", k.Kind, namespace, name),
		"tags":          []string{"appcat", k.Kind},
		"timezone":      "utc",
		"schemaVersion": 39,
		"time":          map[string]any{"from": "now-6h", "to": "now"},
		"templating": map[string]any{"list": []any{map[string]any{
			"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
		}}},
		"panels": out,
	}
	raw, err := json.Marshal(dash)
	return string(raw), err
}
