package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Test aid of the local platform (internal/localplatform/README.md): downtime injected into the
// probe history from which its Prometheus-compatible API answers the SLA reporter's queries.
const injectDowntimeAnnotation = "local.appcat.vshn.io/inject-downtime"

// platformMonitoring reads where the local platform's monitoring stand-in listens (ConfigMap
// appcat-system/monitoring): its Prometheus-compatible API, and the base URL that answers for
// the in-cluster URLs of metrics Services.
func platformMonitoring(t *testing.T) (prometheusURL, servicesURL string) {
	t.Helper()
	testAccPreCheck(t)
	cs := adminClientset(t)
	var data map[string]string
	// The controller publishes it right after it starts.
	eventually(t, 30*time.Second, "ConfigMap appcat-system/monitoring", func() bool {
		cm, err := cs.CoreV1().ConfigMaps("appcat-system").Get(context.Background(), "monitoring", metav1.GetOptions{})
		if err != nil {
			return false
		}
		data = cm.Data
		return data["prometheusURL"] != ""
	})
	return data["prometheusURL"], data["servicesURL"]
}

// guaranteedRedis is a Redis instance with an SLA (guaranteed needs three instances) and injected
// downtime.
func guaranteedRedis(label, name, downtime string) string {
	return redisAcc.instance(label, name, `service_level = "guaranteed"`, "instances = 3",
		fmt.Sprintf(`annotations = { %q = %q }`, injectDowntimeAnnotation, downtime))
}

func expectAttrs(addr string, values map[string]knownvalue.Check) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for attr, v := range values {
		out = append(out, statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v))
	}
	return out
}

// TestAccSLAReport: the figures are what VSHN's reporter computes from the SLI series: 30
// injected minutes in September (30 days) are 99.93 %, target met, no credit; ten hours in June
// are 98.61 %, missed, 25 % credit. Without an endpoint the error names prometheus_url; a month
// without SLI series is an error; a besteffort instance has no SLA and needs no endpoint.
func TestAccSLAReport(t *testing.T) {
	k := redisAcc
	ns, name, besteffort := testNamespace(t), k.name(), k.name()
	promURL, _ := platformMonitoring(t)
	instances := func(downtime string) string {
		return adminProvider(ns) + guaranteedRedis("db", name, downtime) + k.instance("be", besteffort)
	}
	report := func(label, month string, more ...string) string {
		return block("data", "appcat_sla_report", label, append(append(k.attachedTo("db"), fmt.Sprintf("month = %q", month)), more...)...)
	}
	withURL := fmt.Sprintf("prometheus_url = %q", promURL)
	september := map[string]knownvalue.Check{
		"sla":                    knownvalue.Bool(true),
		"reason":                 knownvalue.Null(),
		"service_level":          knownvalue.StringExact("guaranteed"),
		"availability_percent":   knownvalue.Float64Exact(99.93),
		"target_percent":         knownvalue.Float64Exact(99.25),
		"met":                    knownvalue.Bool(true),
		"downtime_minutes":       knownvalue.Int64Exact(30),
		"service_credit_percent": knownvalue.Int64Exact(0),
		"final":                  knownvalue.Bool(true),
		"window_start":           knownvalue.StringExact("2026-08-31T23:59:59Z"),
		"window_end":             knownvalue.StringExact("2026-09-30T23:59:59Z"),
		"id":                     knownvalue.StringExact(ns + "/" + name + "/2026-09"),
	}
	k.test(t,
		resource.TestStep{
			// Rejected at plan time, before anything is created.
			Config:      instances("2026-09-10T00:00:00Z/30m") + report("bad", "2026-13", withURL),
			ExpectError: regexp.MustCompile(wrapped(`must be a month as yyyy-mm`)),
		},
		resource.TestStep{Config: instances("2026-09-10T00:00:00Z/30m")},
		resource.TestStep{
			Config:      instances("2026-09-10T00:00:00Z/30m") + report("sep", "2026-09"),
			ExpectError: regexp.MustCompile(`(?s)No Prometheus endpoint configured.*with data.appcat_sla_report.sep.*Set prometheus_url`),
		},
		resource.TestStep{
			Config: instances("2026-09-10T00:00:00Z/30m") + report("sep", "2026-09", withURL) +
				// No SLA: no endpoint needed, null figures, the reason.
				block("data", "appcat_sla_report", "be", `kind = "redis"`, "instance_id = "+k.ref("be", "id"), `month = "2026-09"`),
			ConfigStateChecks: append(expectAttrs("data.appcat_sla_report.sep", september), expectAttrs("data.appcat_sla_report.be", map[string]knownvalue.Check{
				"sla":                  knownvalue.Bool(false),
				"service_level":        knownvalue.StringExact("besteffort"),
				"reason":               knownvalue.StringRegexp(regexp.MustCompile(`serviceLevel is besteffort: only instances with serviceLevel guaranteed have an SLA`)),
				"availability_percent": knownvalue.Null(),
				"met":                  knownvalue.Null(),
			})...),
		},
		resource.TestStep{
			// Ten hours in June (30 days): below 99 %, above 95 %; September unchanged.
			Config: instances("2026-06-03T10:00:00Z/10h") + report("sep", "2026-09", withURL) + report("jun", "2026-06", withURL),
			ConfigStateChecks: append(expectAttrs("data.appcat_sla_report.sep", september), expectAttrs("data.appcat_sla_report.jun", map[string]knownvalue.Check{
				"availability_percent":   knownvalue.Float64Exact(98.61),
				"met":                    knownvalue.Bool(false),
				"downtime_minutes":       knownvalue.Int64Exact(600),
				"service_credit_percent": knownvalue.Int64Exact(25),
			})...),
		},
		resource.TestStep{
			Config:      instances("2026-06-03T10:00:00Z/10h") + report("old", "2020-01", withURL),
			ExpectError: regexp.MustCompile(wrapped(`No SLI series of Redis instance .* in 2020-01`)),
		},
		resource.TestStep{
			// The last configuration is what destroy runs with: a valid one.
			Config: instances("2026-06-03T10:00:00Z/10h"),
		},
	)
}

// TestAccSLAReports: the per-namespace view has every instance, each with its own figures, and
// the besteffort one without an SLA, ordered by instance name.
func TestAccSLAReports(t *testing.T) {
	k := redisAcc
	ns := testNamespace(t)
	promURL, _ := platformMonitoring(t)
	first, second, third := "a-"+k.name(), "b-"+k.name(), "c-"+k.name()
	instances := adminProvider(ns) +
		guaranteedRedis("one", first, "2026-09-10T00:00:00Z/30m") +
		guaranteedRedis("two", second, "2026-09-03T10:00:00Z/10h") +
		k.instance("three", third)
	reports := block("data", "appcat_sla_reports", "sep", `month = "2026-09"`, fmt.Sprintf("prometheus_url = %q", promURL),
		"depends_on = [appcat_redis.one, appcat_redis.two, appcat_redis.three]")
	entry := func(name string, figures map[string]knownvalue.Check) knownvalue.Check {
		figures["kind"] = knownvalue.StringExact("redis")
		figures["instance"] = knownvalue.StringExact(name)
		figures["instance_id"] = knownvalue.StringExact(ns + "/" + name)
		return knownvalue.ObjectPartial(figures)
	}
	k.test(t,
		// The instances first: their probe history is complete before the query.
		resource.TestStep{Config: instances},
		resource.TestStep{
			Config: instances + reports,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.appcat_sla_reports.sep", tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
				statecheck.ExpectKnownValue("data.appcat_sla_reports.sep", tfjsonpath.New("reports"), knownvalue.ListExact([]knownvalue.Check{
					entry(first, map[string]knownvalue.Check{"sla": knownvalue.Bool(true), "availability_percent": knownvalue.Float64Exact(99.93),
						"met": knownvalue.Bool(true), "service_credit_percent": knownvalue.Int64Exact(0)}),
					entry(second, map[string]knownvalue.Check{"sla": knownvalue.Bool(true), "availability_percent": knownvalue.Float64Exact(98.61),
						"met": knownvalue.Bool(false), "service_credit_percent": knownvalue.Int64Exact(25)}),
					entry(third, map[string]knownvalue.Check{"sla": knownvalue.Bool(false), "availability_percent": knownvalue.Null(),
						"reason": knownvalue.StringRegexp(regexp.MustCompile(`besteffort`))}),
				})),
			},
		},
	)
}
