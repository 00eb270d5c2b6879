package controller_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestMetricsEndpoint: the scrape URL in the claim's status answers with the instance's metrics
// in the Prometheus text format, labelled with the instance; the query URL answers a selector.
func TestMetricsEndpoint(t *testing.T) {
	u := user(t)
	name := uniqueName("metrics")
	obj := newClaim(redis, name, "", map[string]any{"size": map[string]any{"disk": "10Gi"}})
	obj.SetAnnotations(map[string]string{"local.appcat.vshn.io/disk-usage-percent": "40"})
	createClaim(t, u, redis, obj)
	ready := waitReady(t, u, redis, userNS(), name)
	scrape, _, _ := unstructured.NestedString(ready.Object, "status", "metrics", "scrapeURL")
	query, _, _ := unstructured.NestedString(ready.Object, "status", "metrics", "queryURL")
	if !strings.HasPrefix(scrape, "http://127.0.0.1:") || !strings.HasPrefix(query, "http://127.0.0.1:") {
		t.Fatalf("status.metrics = %q, %q: want loopback URLs", scrape, query)
	}
	instanceNS := str(ready, "status", "instanceNamespace")

	resp, err := http.Get(scrape)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", scrape, resp.Status)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("the scrape is not in the Prometheus text format: %v", err)
	}
	probes := families["appcat_probes_seconds"]
	if probes == nil || len(probes.GetMetric()) != 1 {
		t.Fatalf("appcat_probes_seconds missing or not one series: %v", probes)
	}
	labels := map[string]string{}
	for _, l := range probes.GetMetric()[0].GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	want := map[string]string{"service": "VSHNRedis", "claim_namespace": userNS(), "instance_namespace": instanceNS, "name": name,
		"reason": "success", "ha": "false", "sla": "besteffort", "namespace": instanceNS}
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("appcat_probes_seconds label %s = %q, want %q", k, labels[k], v)
		}
	}
	for _, k := range []string{"organization", "maintenance"} {
		if _, ok := labels[k]; !ok {
			t.Errorf("appcat_probes_seconds has no label %s", k)
		}
	}
	if c := probes.GetMetric()[0].GetHistogram().GetSampleCount(); c < 1 {
		t.Errorf("appcat_probes_seconds_count = %d, want at least one probe", c)
	}
	gauge := func(name string) float64 {
		f := families[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Fatalf("%s missing", name)
		}
		return f.GetMetric()[0].GetGauge().GetValue()
	}
	if c, used := gauge("kubelet_volume_stats_capacity_bytes"), gauge("kubelet_volume_stats_used_bytes"); c != 10*(1<<30) || used != 4*(1<<30) {
		t.Errorf("volume capacity %v, used %v: want 10Gi and 40 %% of it", c, used)
	}

	qresp, err := http.Get(query + "?query=" + url.QueryEscape(`kubelet_volume_stats_capacity_bytes{namespace="`+instanceNS+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer qresp.Body.Close()
	body, _ := io.ReadAll(qresp.Body)
	var result struct {
		Status string
		Data   struct {
			ResultType string
			Result     []struct {
				Metric map[string]string
				Value  []any
			}
		}
	}
	if err := json.Unmarshal(body, &result); err != nil || result.Status != "success" || result.Data.ResultType != "vector" || len(result.Data.Result) != 1 {
		t.Fatalf("query answer %s (err %v): want one series", body, err)
	}
	if r := result.Data.Result[0]; r.Metric["persistentvolumeclaim"] == "" || len(r.Value) != 2 || r.Value[1] != "10737418240" {
		t.Errorf("query result %+v", r)
	}
	bad, err := http.Get(query + "?query=" + url.QueryEscape(`rate(x[5m])`))
	if err != nil {
		t.Fatal(err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("unsupported query: %s, want 400", bad.Status)
	}
}
