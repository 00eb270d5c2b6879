package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const injectDowntimeAnnotation = "local.appcat.vshn.io/inject-downtime"

// TestAccSLAReport: the platform's monthly SLA report matches injected downtime: 30 minutes in a
// 30-day month are 99.93 %, target met, no credit; ten hours are 98.61 %, missed, 25 % credit.
func TestAccSLAReport(t *testing.T) {
	k := redisAcc
	ns, name := testNamespace(t), k.name()
	withDowntime := func(v string) string {
		return adminProvider(ns) + k.instance("db", name, fmt.Sprintf(`annotations = { %q = %q }`, injectDowntimeAnnotation, v))
	}
	report := func(label, month string) string {
		return block("data", "appcat_sla_report", label, append(k.attachedTo("db"), fmt.Sprintf("month = %q", month))...)
	}
	expect := func(label string, values map[string]knownvalue.Check) []statecheck.StateCheck {
		var out []statecheck.StateCheck
		for attr, v := range values {
			out = append(out, statecheck.ExpectKnownValue("data.appcat_sla_report."+label, tfjsonpath.New(attr), v))
		}
		return out
	}
	september := map[string]knownvalue.Check{
		"availability_percent":   knownvalue.Float64Exact(99.93),
		"target_percent":         knownvalue.Float64Exact(99.25),
		"met":                    knownvalue.Bool(true),
		"downtime_minutes":       knownvalue.Int64Exact(30),
		"service_credit_percent": knownvalue.Int64Exact(0),
		"final":                  knownvalue.Bool(true),
		"id":                     knownvalue.StringExact(ns + "/" + name + "/2026-09"),
	}
	k.test(t,
		resource.TestStep{
			// Rejected at plan time, before anything is created.
			Config:      withDowntime("2026-09-10T00:00:00Z/30m") + report("bad", "2026-13"),
			ExpectError: regexp.MustCompile(wrapped(`must be a month as yyyy-mm`)),
		},
		resource.TestStep{
			Config:            withDowntime("2026-09-10T00:00:00Z/30m") + report("sep", "2026-09"),
			ConfigStateChecks: expect("sep", september),
		},
		resource.TestStep{
			// Ten hours in June (30 days): below 99 %, above 95 %.
			Config: withDowntime("2026-06-03T10:00:00Z/10h") + report("sep", "2026-09") + report("jun", "2026-06"),
			ConfigStateChecks: append(expect("sep", september), expect("jun", map[string]knownvalue.Check{
				"availability_percent":   knownvalue.Float64Exact(98.61),
				"met":                    knownvalue.Bool(false),
				"downtime_minutes":       knownvalue.Int64Exact(600),
				"service_credit_percent": knownvalue.Int64Exact(25),
			})...),
		},
		resource.TestStep{
			Config:      withDowntime("2026-06-03T10:00:00Z/10h") + report("old", "2020-01"),
			ExpectError: regexp.MustCompile(wrapped(`No SLA report for 2020-01 .*Months with a report: 2026-06, .*2026-09`)),
		},
		resource.TestStep{
			// The last configuration is what destroy runs with: a valid one.
			Config: withDowntime("2026-06-03T10:00:00Z/10h") + report("jun", "2026-06"),
		},
	)
}

// TestAccSLAReports: the per-namespace view lists every instance's report of the month, each with
// its own figures, ordered by instance name.
func TestAccSLAReports(t *testing.T) {
	k := redisAcc
	ns := testNamespace(t)
	first, second := "a-"+k.name(), "b-"+k.name()
	instances := adminProvider(ns) +
		k.instance("one", first, fmt.Sprintf(`annotations = { %q = "2026-09-10T00:00:00Z/30m" }`, injectDowntimeAnnotation)) +
		k.instance("two", second, fmt.Sprintf(`annotations = { %q = "2026-09-03T10:00:00Z/10h" }`, injectDowntimeAnnotation))
	reports := block("data", "appcat_sla_reports", "sep", `month = "2026-09"`,
		"depends_on = [appcat_redis.one, appcat_redis.two, data.appcat_sla_report.one, data.appcat_sla_report.two]") +
		// The single reports wait until the platform has published them.
		block("data", "appcat_sla_report", "one", append(k.attachedTo("one"), `month = "2026-09"`)...) +
		block("data", "appcat_sla_report", "two", append(k.attachedTo("two"), `month = "2026-09"`)...)
	entry := func(name string, availability float64, met bool, credit int64) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"kind":                   knownvalue.StringExact("redis"),
			"instance":               knownvalue.StringExact(name),
			"instance_id":            knownvalue.StringExact(ns + "/" + name),
			"availability_percent":   knownvalue.Float64Exact(availability),
			"met":                    knownvalue.Bool(met),
			"service_credit_percent": knownvalue.Int64Exact(credit),
		})
	}
	k.test(t, resource.TestStep{
		Config: instances + reports,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.appcat_sla_reports.sep", tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
			statecheck.ExpectKnownValue("data.appcat_sla_reports.sep", tfjsonpath.New("reports"), knownvalue.ListExact([]knownvalue.Check{
				entry(first, 99.93, true, 0),
				entry(second, 98.61, false, 25),
			})),
		},
	})
}
