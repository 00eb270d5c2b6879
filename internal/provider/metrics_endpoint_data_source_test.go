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

// scrapeFindsInstance GETs the scrape URL and checks that the instance's probe and disk series
// are there, labelled with the instance.
func scrapeFindsInstance(ns, name string) func(string) error {
	return func(url string) error {
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		parser := expfmt.NewTextParser(model.LegacyValidation)
		families, err := parser.TextToMetricFamilies(resp.Body)
		if err != nil {
			return fmt.Errorf("GET %s: not the Prometheus text format: %w", url, err)
		}
		probes := families["appcat_probes_seconds"]
		if probes == nil || len(probes.GetMetric()) == 0 {
			return fmt.Errorf("GET %s: no appcat_probes_seconds", url)
		}
		labels := map[string]string{}
		for _, l := range probes.GetMetric()[0].GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["name"] != name || labels["claim_namespace"] != ns || labels["service"] != "VSHNRedis" || labels["reason"] != "success" {
			return fmt.Errorf("GET %s: appcat_probes_seconds labels %v do not name Redis instance %s/%s", url, labels, ns, name)
		}
		if families["kubelet_volume_stats_used_bytes"] == nil {
			return fmt.Errorf("GET %s: no disk usage", url)
		}
		return nil
	}
}

// TestAccMetricsEndpoint: the data source names a scrape URL that answers with the instance's
// metrics, a query URL, the selector and a Grafana dashboard; the instance resource says where its
// logs are.
func TestAccMetricsEndpoint(t *testing.T) {
	k := redisAcc
	ns, name := testNamespace(t), k.name()
	addr := "data.appcat_metrics_endpoint.db"
	config := adminProvider(ns) + k.instance("db", name) + block("data", "appcat_metrics_endpoint", "db", k.attachedTo("db")...)
	k.test(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("scrape_url"), knownvalue.StringRegexp(regexp.MustCompile(`^http://127\.0\.0\.1:\d+/instances/`+ns+`/VSHNRedis/`+name+`/metrics$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("query_url"), knownvalue.StringRegexp(regexp.MustCompile(`^http://127\.0\.0\.1:\d+/api/v1/query$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("metric_names"), knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringExact("appcat_probes_seconds")})),
			stateAttrCheck{addr, "scrape_url", scrapeFindsInstance(ns, name)},
			// Logs: the instance namespace, and a LogQL selector of it.
			statecheck.ExpectKnownValue("appcat_redis.db", tfjsonpath.New("logs").AtMapKey("query"),
				knownvalue.StringRegexp(regexp.MustCompile(`^\{namespace="`+k.instanceNamespace(name)+`"\}$`))),
			statecheck.CompareValuePairs("appcat_redis.db", tfjsonpath.New("logs").AtMapKey("namespace"),
				"appcat_redis.db", tfjsonpath.New("instance_namespace"), compare.ValuesSame()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("label_selector"), knownvalue.StringRegexp(regexp.MustCompile(`^\{namespace="`+k.instanceNamespace(name)+`"\}$`))),
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
	})
}
