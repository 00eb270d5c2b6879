package controller_test

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var serviceMonitorGVR = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "servicemonitors"}

// reporterQuery is VSHN's SLA reporter's query (appcat pkg/slareport/prom.go), as it sends it.
const reporterQuery = `(1 - max without(prometheus_replica) (sum_over_time(slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[30d])
/ ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[30d])
) >= 0) * 100`

// monitoringURLs reads where the platform's monitoring stand-in listens.
func monitoringURLs(t *testing.T) (prometheus, services string) {
	t.Helper()
	cm, err := admin(t).kube.CoreV1().ConfigMaps("appcat-system").Get(ctxFor(t), "monitoring", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("ConfigMap appcat-system/monitoring: %v", err)
	}
	return cm.Data["prometheusURL"], cm.Data["servicesURL"]
}

// TestMonitoringStandIn: the instance namespace holds the metrics Service and ServiceMonitor as
// AppCat's Redis composition names them (readable by admins, the Service also by the customer,
// the monitor not); the Service's exporter answers in the Prometheus text format; the
// Prometheus-compatible API answers the SLA reporter's instant and range queries from the probe
// history (30 injected minutes in September: 99.93 %) and its target query, a selector, and
// refuses anything else.
func TestMonitoringStandIn(t *testing.T) {
	u := user(t)
	name := uniqueName("mon")
	obj := newClaim(redis, name, "", map[string]any{"size": map[string]any{"disk": "10Gi"}})
	obj.SetAnnotations(map[string]string{"local.appcat.vshn.io/inject-downtime": "2026-09-10T00:00:00Z/30m"})
	createClaim(t, u, redis, obj)
	ready := waitReady(t, u, redis, userNS(), name)
	instanceNS := str(ready, "status", "instanceNamespace")
	composite := str(ready, "spec", "resourceRef", "name")
	promURL, servicesURL := monitoringURLs(t)
	if !strings.HasPrefix(promURL, "http://127.0.0.1:") || servicesURL != promURL+"/services" {
		t.Fatalf("monitoring ConfigMap: %q, %q", promURL, servicesURL)
	}

	sm, err := admin(t).dyn.Resource(serviceMonitorGVR).Namespace(instanceNS).Get(ctxFor(t), "redis", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("ServiceMonitor redis in %s: %v", instanceNS, err)
	}
	endpoints, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
	if len(endpoints) != 1 || endpoints[0].(map[string]any)["port"] != "http-metrics" {
		t.Errorf("ServiceMonitor endpoints %v", endpoints)
	}
	svc, err := u.kube.CoreV1().Services(instanceNS).Get(ctxFor(t), "redis-metrics", metav1.GetOptions{})
	if err != nil || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http-metrics" || svc.Spec.Ports[0].Port != 9121 {
		t.Fatalf("the customer reading Service redis-metrics: %v %v", svc, err)
	}
	sel, _, _ := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
	for k, v := range sel {
		if svc.Labels[k] != v {
			t.Errorf("the ServiceMonitor's selector %v does not select the Service (labels %v)", sel, svc.Labels)
		}
	}
	if _, err := u.dyn.Resource(serviceMonitorGVR).Namespace(instanceNS).List(ctxFor(t), metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("the customer listing ServiceMonitors: %v, want Forbidden (appcat:services:read has no monitors)", err)
	}

	scrape := fmt.Sprintf("%s/%s/redis-metrics/9121/metrics", servicesURL, instanceNS)
	resp, err := http.Get(scrape)
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil || families["redis_up"] == nil || families["redis_up"].GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("GET %s: %v %v, want redis_up 1", scrape, families, err)
	}
	if resp, err := http.Get(fmt.Sprintf("%s/%s/redis-metrics/9999/metrics", servicesURL, instanceNS)); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a port the Service does not have: %v %v", resp, err)
	}

	client, err := api.NewClient(api.Config{Address: promURL})
	if err != nil {
		t.Fatal(err)
	}
	prom := promv1.NewAPI(client)
	end := time.Date(2026, 9, 30, 23, 59, 59, 0, time.UTC)
	want := 100 * (1 - 30.0/43200)
	var got float64
	waitFor(t, "the reporter's availability of the instance", func() (bool, error) {
		v, _, err := prom.Query(ctxFor(t), reporterQuery, end)
		if err != nil {
			return false, err
		}
		for _, s := range v.(model.Vector) {
			if string(s.Metric["name"]) == composite {
				got = float64(s.Value)
				if s.Metric["service"] != "VSHNRedis" || s.Metric["sla"] != "besteffort" || s.Metric["sloth_service"] != "appcat-vshn-redis" {
					return false, fmt.Errorf("labels %v", s.Metric)
				}
				return math.Abs(got-want) < 1e-9, fmt.Errorf("availability %v, want %v", got, want)
			}
		}
		return false, fmt.Errorf("no series named %s in %v", composite, v)
	})
	m, _, err := prom.QueryRange(ctxFor(t), reporterQuery, promv1.Range{Start: end.Add(-time.Hour), End: end, Step: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range m.(model.Matrix) {
		if string(s.Metric["name"]) == composite {
			found = true
			if last := s.Values[len(s.Values)-1]; len(s.Values) != 13 || float64(last.Value) != got {
				t.Errorf("range query: %d points, last %v; want 13 (both ends) and %v", len(s.Values), last, got)
			}
		}
	}
	if !found {
		t.Errorf("range query without the instance: %v", m)
	}
	v, _, err := prom.Query(ctxFor(t), `sla:objective:ratio{service="VSHNRedis"}`, end)
	if err != nil || len(v.(model.Vector)) != 1 || v.(model.Vector)[0].Value != 99.25 {
		t.Errorf("target: %v %v", v, err)
	}
	v, _, err = prom.Query(ctxFor(t), `kubelet_volume_stats_capacity_bytes{namespace="`+instanceNS+`"}`, time.Now())
	if err != nil || len(v.(model.Vector)) != 1 || v.(model.Vector)[0].Value != 10*(1<<30) {
		t.Errorf("selector: %v %v", v, err)
	}
	bad, err := http.Get(promURL + "/api/v1/query?query=" + url.QueryEscape(`rate(x[5m])`))
	if err != nil {
		t.Fatal(err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("unsupported query: %s, want 400", bad.Status)
	}
}

var podMonitorGVR = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "podmonitors"}

// TestMonitorsAsUpstreamNamesThem: PostgreSQL (CloudNativePG) gets the cluster chart's PodMonitor
// postgresql; MariaDB the Bitnami chart's <composite>-metrics Service and <composite>
// ServiceMonitor, whose exporter answers mysql_up; deleting the instance deletes them.
func TestMonitorsAsUpstreamNamesThem(t *testing.T) {
	u := user(t)
	pg, maria := uniqueName("monpg"), uniqueName("monmdb")
	createClaim(t, u, postgres, newClaim(postgres, pg, "", nil))
	createClaim(t, u, mariadb, newClaim(mariadb, maria, "", nil))
	_, servicesURL := monitoringURLs(t)

	pgNS := str(waitReady(t, u, postgres, userNS(), pg), "status", "instanceNamespace")
	pm, err := admin(t).dyn.Resource(podMonitorGVR).Namespace(pgNS).Get(ctxFor(t), "postgresql", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("PodMonitor postgresql in %s: %v", pgNS, err)
	}
	endpoints, _, _ := unstructured.NestedSlice(pm.Object, "spec", "podMetricsEndpoints")
	sel, _, _ := unstructured.NestedStringMap(pm.Object, "spec", "selector", "matchLabels")
	if len(endpoints) != 1 || endpoints[0].(map[string]any)["port"] != "metrics" || sel["cnpg.io/cluster"] != "postgresql" {
		t.Errorf("PodMonitor postgresql: endpoints %v, selector %v", endpoints, sel)
	}

	ready := waitReady(t, u, mariadb, userNS(), maria)
	mdbNS, composite := str(ready, "status", "instanceNamespace"), str(ready, "spec", "resourceRef", "name")
	if _, err := admin(t).dyn.Resource(serviceMonitorGVR).Namespace(mdbNS).Get(ctxFor(t), composite, metav1.GetOptions{}); err != nil {
		t.Errorf("ServiceMonitor %s in %s: %v", composite, mdbNS, err)
	}
	svc, err := u.kube.CoreV1().Services(mdbNS).Get(ctxFor(t), composite+"-metrics", metav1.GetOptions{})
	if err != nil || svc.Spec.Ports[0].Name != "http-metrics" || svc.Spec.Ports[0].Port != 9104 {
		t.Fatalf("Service %s-metrics: %v %v", composite, svc, err)
	}
	resp, err := http.Get(fmt.Sprintf("%s/%s/%s-metrics/9104/metrics", servicesURL, mdbNS, composite))
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil || families["mysql_up"] == nil {
		t.Errorf("MariaDB exporter: %v %v, want mysql_up", families, err)
	}

	deleteClaimAndWait(t, mariadb, userNS(), maria)
	if list, err := admin(t).kube.CoreV1().Services(mdbNS).List(ctxFor(t), metav1.ListOptions{}); err != nil || len(list.Items) != 0 {
		t.Errorf("Services left in %s after deleting the instance: %v %v", mdbNS, list, err)
	}
	if list, err := admin(t).dyn.Resource(serviceMonitorGVR).Namespace(mdbNS).List(ctxFor(t), metav1.ListOptions{}); err != nil || len(list.Items) != 0 {
		t.Errorf("ServiceMonitors left in %s after deleting the instance: %v %v", mdbNS, list, err)
	}
	deleteClaimAndWait(t, postgres, userNS(), pg)
}
