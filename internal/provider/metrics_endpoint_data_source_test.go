package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// stateAttrCheck runs check on a string attribute of a resource or data source in the state.
type stateAttrCheck struct {
	addr, attr string
	check      func(string) error
}

func (c stateAttrCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.addr {
			v, _ := r.AttributeValues[c.attr].(string)
			resp.Error = c.check(v)
			return
		}
	}
	resp.Error = fmt.Errorf("%s not in the state", c.addr)
}

// scrapeAnswers maps the in-cluster scrape URL http://<service>.<namespace>.svc:<port>/metrics to
// the local platform's stand-in for that Service (servicesURL/<namespace>/<service>/<port>/metrics),
// GETs it and checks that the exporter answers in the Prometheus text format with upMetric 1.
func scrapeAnswers(servicesURL, upMetric string) func(string) error {
	inCluster := regexp.MustCompile(`^http://([a-z0-9-]+)\.([a-z0-9-]+)\.svc:(\d+)/metrics$`)
	return func(scrape string) error {
		m := inCluster.FindStringSubmatch(scrape)
		if m == nil {
			return fmt.Errorf("scrape_url %q is not an in-cluster Service URL", scrape)
		}
		url := fmt.Sprintf("%s/%s/%s/%s/metrics", servicesURL, m[2], m[1], m[3])
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s (for %s): %s", url, scrape, resp.Status)
		}
		parser := expfmt.NewTextParser(model.LegacyValidation)
		families, err := parser.TextToMetricFamilies(resp.Body)
		if err != nil {
			return fmt.Errorf("GET %s: not the Prometheus text format: %w", url, err)
		}
		if f := families[upMetric]; f == nil || f.GetMetric()[0].GetGauge().GetValue() != 1 {
			return fmt.Errorf("GET %s: no %s 1 in %v", url, upMetric, families)
		}
		return nil
	}
}

// TestAccMetricsEndpoint: the data source lists the instance namespace's ServiceMonitor and the
// Service it selects as AppCat's Redis composition names them, with an in-cluster scrape URL whose
// exporter answers; the customer, who may not read monitors, gets the metrics Service and a note
// saying why; the query URL comes from prometheus_url; the instance resource says where its logs
// are.
func TestAccMetricsEndpoint(t *testing.T) {
	k := redisAcc
	name := k.name()
	ns := platformtest.Platform().UserNamespace()
	promURL, servicesURL := platformMonitoring(t)
	addr, userAddr := "data.appcat_metrics_endpoint.db", "data.appcat_metrics_endpoint.user"
	instance := k.instance("db", name)
	userConfig := userProvider(platformtest.Platform().UserNamespace()) + instance + block("data", "appcat_metrics_endpoint", "user", k.attachedTo("db")...)
	adminConfig := adminProvider(ns) + instance +
		block("data", "appcat_metrics_endpoint", "db", append(k.attachedTo("db"), fmt.Sprintf("prometheus_url = %q", promURL))...)
	instanceNS := k.instanceNamespace(name)
	k.test(t, resource.TestStep{
		// The customer: the Service, and why the monitors are missing.
		Config: userConfig,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("targets"), knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"source": knownvalue.StringExact("Service"), "monitor": knownvalue.Null(), "service": knownvalue.StringExact("redis-metrics"),
				"port": knownvalue.StringExact("http-metrics"), "port_number": knownvalue.Int64Exact(9121),
			})})),
			statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("notes"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringRegexp(regexp.MustCompile(`listing ServiceMonitors in vshn-redis-.* is forbidden`)),
				knownvalue.StringRegexp(regexp.MustCompile(`listing PodMonitors in vshn-redis-.* is forbidden`)),
			})),
			statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("query_url"), knownvalue.Null()),
			stateAttrCheck{userAddr, "scrape_url", scrapeAnswers(servicesURL, "redis_up")},
		},
	}, resource.TestStep{
		// The platform operator sees the ServiceMonitor.
		Config: adminConfig,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("targets"), knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
				"source":      knownvalue.StringExact("ServiceMonitor"),
				"monitor":     knownvalue.StringExact("redis"),
				"service":     knownvalue.StringExact("redis-metrics"),
				"port":        knownvalue.StringExact("http-metrics"),
				"port_number": knownvalue.Int64Exact(9121),
				"path":        knownvalue.StringExact("/metrics"),
				"scheme":      knownvalue.StringExact("http"),
				"selector":    knownvalue.MapExact(map[string]knownvalue.Check{"app.kubernetes.io/name": knownvalue.StringExact("redis"), "app.kubernetes.io/component": knownvalue.StringExact("metrics")}),
				"scrape_url":  knownvalue.StringRegexp(regexp.MustCompile(`^http://redis-metrics\.vshn-redis-` + name + `-[a-z0-9]{5}\.svc:9121/metrics$`)),
			})})),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("notes"), knownvalue.ListExact([]knownvalue.Check{})),
			stateAttrCheck{addr, "scrape_url", scrapeAnswers(servicesURL, "redis_up")},
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("query_url"), knownvalue.StringExact(promURL+"/api/v1/query")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("metric_names"), knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringExact("appcat_probes_seconds")})),
			// Logs: the instance namespace, and a LogQL selector of it.
			statecheck.ExpectKnownValue("appcat_redis.db", tfjsonpath.New("logs").AtMapKey("query"),
				knownvalue.StringRegexp(regexp.MustCompile(`^\{namespace="`+instanceNS+`"\}$`))),
			statecheck.CompareValuePairs("appcat_redis.db", tfjsonpath.New("logs").AtMapKey("namespace"),
				"appcat_redis.db", tfjsonpath.New("instance_namespace"), compare.ValuesSame()),
			statecheck.CompareValuePairs(addr, tfjsonpath.New("instance_namespace"), "appcat_redis.db", tfjsonpath.New("instance_namespace"), compare.ValuesSame()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("label_selector"), knownvalue.StringRegexp(regexp.MustCompile(`^\{namespace="`+instanceNS+`"\}$`))),
			stateAttrCheck{addr, "grafana_dashboard_json", func(v string) error {
				var dash struct {
					Panels []struct{ Title string }
				}
				if err := json.Unmarshal([]byte(v), &dash); err != nil || len(dash.Panels) < 3 {
					return fmt.Errorf("grafana_dashboard_json is not a dashboard with panels (%v): %.200s", err, v)
				}
				return nil
			}},
		},
	}, resource.TestStep{
		// Nothing scrapes the instance any more: the error says what the namespace lacks.
		PreConfig:   func() { removeMonitoring(t, name) },
		Config:      adminConfig,
		ExpectError: regexp.MustCompile(wrapped(`instance namespace vshn-redis-\S+ of VSHNRedis \S+ has no ServiceMonitor, no PodMonitor and no Service with a metrics port: nothing scrapes the instance's metrics`)),
	}, resource.TestStep{
		Config: userProvider(platformtest.Platform().UserNamespace()) + instance,
	})
}

// removeMonitoring deletes the metrics Service and ServiceMonitor of a Redis instance, as if its
// composition had created none.
func removeMonitoring(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	dyn := adminDynamic(t)
	list, err := adminClientset(t).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range list.Items {
		if !regexp.MustCompile(`^vshn-redis-` + name + `-[a-z0-9]{5}$`).MatchString(ns.Name) {
			continue
		}
		if err := adminClientset(t).CoreV1().Services(ns.Name).Delete(ctx, "redis-metrics", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		gvr := schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "servicemonitors"}
		if err := dyn.Resource(gvr).Namespace(ns.Name).Delete(ctx, "redis", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("no instance namespace of %s", name)
}
