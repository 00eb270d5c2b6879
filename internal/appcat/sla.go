package appcat

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// SLA figures as VSHN's SLA reporter computes them. Real AppCat has no Kubernetes API for SLA
// reports: the reporter (appcat cmd/slareport.go, pkg/slareport/prom.go), run monthly by a
// CronJob (component-appcat component/appcat_sla_reporter.jsonnet, flag --previousmonth), queries
// the recorded SLI error ratio of every instance from a Prometheus-compatible endpoint (Mimir)
// and renders PDFs. This file holds its queries and the pure arithmetic around them; sla_query.go
// runs them.

// sliAvailabilityQuery is the reporter's query (pkg/slareport/prom.go, metricQuery), unchanged:
// the mean of the sloth-recorded 5-minute SLI error ratio over the range, as availability in
// percent, one series per instance (labels service, namespace, name, organization, sla, sloth_*).
const sliAvailabilityQuery = `(1 - max without(prometheus_replica) (sum_over_time(slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[{{DURATION}}])
/ ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[{{DURATION}}])
) >= 0) * 100`

// slaTargetQuery is the reporter's target query (pkg/slareport/prom.go, slaQuery). The recording
// rule behind it is vector(<sla>) labelled with the service kind (component-appcat
// component/prometheus.libsonnet, promRecordingRuleSLA; the value is the service's `sla`
// parameter, 99.25 in class/defaults.yml). The reporter has no fallback when it is missing.
const slaTargetQuery = `sla:objective:ratio{service="{{SERVICE}}"}`

// slaReportedServices are the services the reporter puts into reports (allowedServices in
// pkg/slareport/prom.go, compared with the lower-cased `service` label, i.e. the claim kind).
var slaReportedServices = []string{"vshnpostgresql", "vshnredis", "vshnminio"}

// ServiceLevelGuaranteed is the service level that carries an SLA; the default is besteffort
// (apis/vshn/v1 BestEffort; the SLI exporter uses it when the field is empty).
const (
	ServiceLevelGuaranteed = "guaranteed"
	ServiceLevelBestEffort = "besteffort"
)

// reporterRange is the range the monthly reporter evaluates (cmd/slareport.go setPreviousMonth).
const reporterRange = 30 * 24 * time.Hour

// MonthFormat is a report's month, yyyy-mm.
var MonthFormat = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// SLIAvailabilityQuery is the reporter's availability query over rangeDuration (PromQL syntax).
func SLIAvailabilityQuery(rangeDuration string) string {
	return strings.ReplaceAll(sliAvailabilityQuery, "{{DURATION}}", rangeDuration)
}

// SLATargetQuery is the reporter's query of a service's SLA target (service: the claim kind).
func SLATargetQuery(service string) string {
	return strings.Replace(slaTargetQuery, "{{SERVICE}}", service, 1)
}

// SLAWindow is the period one month's figures cover.
type SLAWindow struct {
	Month string
	// Start and End bound the evaluated range; the query is evaluated at End.
	Start, End time.Time
	// Range is End-Start in PromQL duration syntax.
	Range string
	// Final is false while the month is still running.
	Final bool
}

// MonthWindow is the window of month (yyyy-mm, UTC) as of now. A finished month is evaluated
// like the reporter's --previousmonth run: at the month's last day, 23:59:59 UTC, over 30 days
// (so a 31-day month's first day is outside the window and a 28-day month's window reaches into
// the month before). The running month is evaluated at now over the time since its first day.
func MonthWindow(month string, now time.Time) (SLAWindow, error) {
	if !MonthFormat.MatchString(month) {
		return SLAWindow{}, fmt.Errorf("%q is not a month as yyyy-mm", month)
	}
	first, err := time.Parse("2006-01", month)
	if err != nil {
		return SLAWindow{}, err
	}
	now = now.UTC().Truncate(time.Second)
	if !now.After(first) {
		return SLAWindow{}, fmt.Errorf("month %s has not started yet", month)
	}
	end := first.AddDate(0, 1, 0).Add(-time.Second)
	if now.Before(end) {
		secs := max(int64(now.Sub(first)/time.Second), 1)
		return SLAWindow{Month: month, Start: first, End: now, Range: fmt.Sprintf("%ds", secs)}, nil
	}
	return SLAWindow{Month: month, Start: end.Add(-reporterRange), End: end, Range: "30d", Final: true}, nil
}

// SLACoverage says whether VSHN reports an SLA for an instance of kind (the claim kind, e.g.
// VSHNRedis) with serviceLevel, and if not, why.
func SLACoverage(kind, serviceLevel string) (bool, string) {
	if serviceLevel == "" {
		serviceLevel = ServiceLevelBestEffort
	}
	if serviceLevel != ServiceLevelGuaranteed {
		return false, fmt.Sprintf("spec.parameters.service.serviceLevel is %s: only instances with serviceLevel guaranteed have an SLA", serviceLevel)
	}
	if !slices.Contains(slaReportedServices, strings.ToLower(kind)) {
		return false, fmt.Sprintf("VSHN's SLA reporter does not report on %s instances (it covers VSHNPostgreSQL, VSHNRedis and VSHNMinio)", kind)
	}
	return true, ""
}

// SLAFigures are one instance's figures for one month.
type SLAFigures struct {
	// AvailabilityPercent is rounded to two decimals, as the reporter prints it (%.2f).
	AvailabilityPercent float64
	TargetPercent       float64
	// Met compares the exact availability with the target, as the reporter colours it.
	Met bool
	// DowntimeMinutes is the mean error ratio times the window's length, rounded.
	DowntimeMinutes int64
	ServiceCredit   int64
	Final           bool
}

// ComputeSLAFigures turns the reporter's outcome (availability in percent) and target into the
// month's figures.
func ComputeSLAFigures(availability, target float64, w SLAWindow) SLAFigures {
	met, credit := ServiceCredit(availability, target)
	windowMinutes := w.End.Sub(w.Start).Minutes()
	return SLAFigures{
		AvailabilityPercent: math.Round(availability*100) / 100,
		TargetPercent:       target,
		Met:                 met,
		DowntimeMinutes:     int64(math.Round((100 - availability) / 100 * windowMinutes)),
		ServiceCredit:       credit,
		Final:               w.Final,
	}
}

// ServiceCredit is whether the target is met and the service credit in percent of the month's
// fee (VSHN's service levels): 0 at or above the target, 10 below it down to 99 %, 25 below
// 99 % down to 95 %, 100 below 95 %.
func ServiceCredit(availability, target float64) (met bool, credit int64) {
	switch {
	case availability >= target:
		return true, 0
	case availability >= 99:
		return false, 10
	case availability >= 95:
		return false, 25
	}
	return false, 100
}
