package controller

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

// The PromQL the local platform's Prometheus-compatible API evaluates besides plain selectors:
// exactly the queries of VSHN's SLA reporter (appcat pkg/slareport/prom.go), recognised by their
// text with any range duration. Anything else is answered 400 bad_data. A real PromQL engine
// (github.com/prometheus/prometheus/promql) would need that module's 260-odd requirements and a
// TSDB for two query shapes.

// reporterAvailabilityQuery is metricQuery of pkg/slareport/prom.go.
const reporterAvailabilityQuery = `(1 - max without(prometheus_replica) (sum_over_time(slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[{{DURATION}}])
/ ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[{{DURATION}}])
) >= 0) * 100`

// slaObjectivePattern is slaQuery of pkg/slareport/prom.go: the target recording rule of one service.
var slaObjectivePattern = regexp.MustCompile(`^sla:objective:ratio\s*\{\s*service\s*=\s*"([A-Za-z]+)"\s*\}$`)

// slaObjectivePercent is the value of sla:objective:ratio for every service (component-appcat
// class/defaults.yml: sla 99.25; component/prometheus.libsonnet records vector(<sla>)).
const slaObjectivePercent = 99.25

var availabilityPattern = func() *regexp.Regexp {
	parts := strings.Split(normalizePromQL(reporterAvailabilityQuery), "{{DURATION}}")
	return regexp.MustCompile("^" + regexp.QuoteMeta(parts[0]) + `([0-9a-z]+)` + regexp.QuoteMeta(parts[1]) + `([0-9a-z]+)` + regexp.QuoteMeta(parts[2]) + "$")
}()

// normalizePromQL collapses whitespace so that line breaks and indentation do not matter.
func normalizePromQL(q string) string { return strings.Join(strings.Fields(q), " ") }

// reporterQuery is a recognised reporter query.
type reporterQuery struct {
	availabilityRange time.Duration // set for the availability query
	objectiveService  string        // set for the target query
}

// parseReporterQuery recognises the reporter's queries; ok is false for anything else, err set
// when it is the availability query with an invalid range.
func parseReporterQuery(q string) (reporterQuery, bool, error) {
	n := normalizePromQL(q)
	if m := slaObjectivePattern.FindStringSubmatch(n); m != nil {
		return reporterQuery{objectiveService: m[1]}, true, nil
	}
	m := availabilityPattern.FindStringSubmatch(n)
	if m == nil {
		return reporterQuery{}, false, nil
	}
	if m[1] != m[2] {
		return reporterQuery{}, true, fmt.Errorf("the two ranges differ: %s and %s", m[1], m[2])
	}
	d, err := model.ParseDuration(m[1])
	if err != nil || d <= 0 {
		return reporterQuery{}, true, fmt.Errorf("invalid range %q", m[1])
	}
	return reporterQuery{availabilityRange: time.Duration(d)}, true, nil
}

// promSample is one series' value at one time.
type promSample struct {
	metric map[string]string
	value  float64
}

// eval evaluates the query at time at over the instances' SLI series.
func (q reporterQuery) eval(series []sliSeries, at time.Time) []promSample {
	var out []promSample
	if q.objectiveService != "" {
		if kindByName(q.objectiveService) != nil {
			out = append(out, promSample{metric: map[string]string{"service": q.objectiveService}, value: slaObjectivePercent})
		}
		return out
	}
	for _, s := range series {
		ratio, ok := s.meanErrorRatio(at, q.availabilityRange)
		if !ok || math.IsNaN(ratio) || 1-ratio < 0 {
			continue // no samples, or filtered by ">= 0"
		}
		out = append(out, promSample{metric: s.labels, value: (1 - ratio) * 100})
	}
	return out
}
