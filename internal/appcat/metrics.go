package appcat

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Where an instance's metrics are scraped from. AppCat's compositions deploy each service's
// exporter and a ServiceMonitor or PodMonitor (monitoring.coreos.com/v1) in the instance
// namespace: Redis and MariaDB through their Bitnami charts (metrics.serviceMonitor.enabled in
// appcat pkg/comp-functions/functions/vshnredis/redis_deploy.go, vshnmariadb/mariadb_deploy.go),
// PostgreSQL on StackGres a PodMonitor postgresql-podmonitor on port pgexporter
// (vshnpostgres/postgresql_deploy.go), on CloudNativePG the cluster chart's PodMonitor
// (vshnpostgrescnpg/deploy.go, cluster.monitoring.enabled). The user-workload Prometheus scrapes
// them. There is no status.metrics: this file reads those objects (metrics_targets.go).

// MetricNames are the metric names the customer's capacity alerts use, and the SLI probe
// histogram (served by VSHN's SLI exporter in its own namespace, not in the instance namespace).
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
	// Targets are the scrape targets found in the instance namespace.
	Targets []MetricsTarget
	// Notes say what could not be read (e.g. PodMonitors forbidden to the user).
	Notes []string
}

// LabelSelector is the PromQL label selector that picks the instance's series: the namespace
// label Prometheus gives every target in the instance namespace.
func (e MetricsEndpoint) LabelSelector() string {
	return fmt.Sprintf(`{namespace=%q}`, e.InstanceNamespace)
}

// GrafanaDashboard is a Grafana dashboard (JSON model) for the instance: panels for its probes,
// disk and memory, against a Prometheus data source chosen by the dashboard's datasource
// variable.
func GrafanaDashboard(k Kind, namespace, name string, e MetricsEndpoint) (string, error) {
	sel := fmt.Sprintf(`namespace=%q`, e.InstanceNamespace)
	// The SLI exporter labels its probes with the instance namespace (appcat
	// pkg/sliexporter/probes/manager.go); its own namespace is the series' namespace label.
	probeSel := fmt.Sprintf(`instance_namespace=%q`, e.InstanceNamespace)
	sum := sha256.Sum256([]byte(k.Kind + "/" + namespace + "/" + name))
	ds := map[string]any{"type": "prometheus", "uid": "${datasource}"}
	type panel struct {
		title, unit, desc string
		exprs             []string
	}
	panels := []panel{
		{"Probe results per second", "reqps", "SLI probes of the instance (appcat_probes_seconds, VSHN's SLI exporter), by result.",
			[]string{fmt.Sprintf(`sum by (reason) (rate(appcat_probes_seconds_count{%s}[5m]))`, probeSel)}},
		{"Probe latency (p99)", "s", "99th percentile of the SLI probes' latency.",
			[]string{fmt.Sprintf(`histogram_quantile(0.99, sum by (le) (rate(appcat_probes_seconds_bucket{%s}[5m])))`, probeSel)}},
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
