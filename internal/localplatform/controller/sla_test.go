package controller

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestSLAInjectedDowntimeParse(t *testing.T) {
	for _, bad := range []string{"", "2026-09-10T00:00:00Z", "yesterday/30m", "2026-09-10T00:00:00Z/-5m", "2026-09-10T00:00:00Z/soon"} {
		if _, err := parseInjectedDowntime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	d, err := parseInjectedDowntime("2026-09-10T00:00:00Z/30m")
	if err != nil || d.End.Sub(d.Start) != 30*time.Minute || d.Reason != "Injected" {
		t.Errorf("%+v %v", d, err)
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestSLISeriesMeanErrorRatio: the mean of the 5-minute error ratio over the reporter's 30 days
// is the downtime over 30 days, whatever the interval's alignment; samples outside the monitored
// time do not count.
func TestSLISeriesMeanErrorRatio(t *testing.T) {
	now := utc("2026-12-02T03:00:00Z")
	end := utc("2026-09-30T23:59:59Z")
	for _, c := range []struct {
		name string
		down []downInterval
		want float64 // down minutes in the 30 days
	}{
		{"none", nil, 0},
		{"30 minutes", []downInterval{{Start: utc("2026-09-10T00:00:00Z"), End: utc("2026-09-10T00:30:00Z")}}, 30},
		{"unaligned, overlapping", []downInterval{
			{Start: utc("2026-09-10T00:00:30Z"), End: utc("2026-09-10T00:20:30Z")},
			{Start: utc("2026-09-10T00:10:30Z"), End: utc("2026-09-10T00:30:30Z")}}, 30},
		{"ten hours", []downInterval{{Start: utc("2026-09-03T10:00:00Z"), End: utc("2026-09-03T20:00:00Z")}}, 600},
		{"outside the window", []downInterval{{Start: utc("2026-10-01T10:00:00Z"), End: utc("2026-10-01T20:00:00Z")}}, 0},
	} {
		h := probeHistory{Since: utc("2026-09-01T00:00:00Z"), Down: c.down}
		s := newSLISeries(nil, h, now)
		ratio, ok := s.meanErrorRatio(end, 30*24*time.Hour)
		if !ok || math.Abs(ratio-c.want/43200) > 1e-12 {
			t.Errorf("%s: ratio %v (%v), want %v", c.name, ratio, ok, c.want/43200)
		}
	}
	// Monitored only since the 16th: the mean covers the monitored samples only.
	h := probeHistory{Since: utc("2026-09-16T00:00:00Z")}
	s := newSLISeries(nil, h, utc("2026-09-20T00:00:00Z"))
	if s.from != utc("2026-09-01T00:00:00Z") {
		t.Errorf("series from %s, want the month's start", s.from)
	}
	if _, ok := s.meanErrorRatio(utc("2026-08-20T00:00:00Z"), 24*time.Hour); ok {
		t.Error("samples before monitoring started")
	}
	// The open interval counts up to now.
	h = probeHistory{Since: utc("2026-09-01T00:00:00Z"), DownSince: ptrTime(utc("2026-09-19T23:00:00Z"))}
	s = newSLISeries(nil, h, utc("2026-09-20T00:00:00Z"))
	if ratio, _ := s.meanErrorRatio(utc("2026-09-20T00:00:00Z"), 2*time.Hour); math.Abs(ratio-60.0/120) > 0.05 {
		t.Errorf("open interval: ratio %v, want about 0.5", ratio)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// TestParseReporterQuery: exactly the reporter's queries are recognised, with any range and
// whitespace; anything else is not.
func TestParseReporterQuery(t *testing.T) {
	q := strings.ReplaceAll(reporterAvailabilityQuery, "{{DURATION}}", "30d")
	got, ok, err := parseReporterQuery(q)
	if !ok || err != nil || got.availabilityRange != 30*24*time.Hour {
		t.Errorf("reporter query: %+v %v %v", got, ok, err)
	}
	got, ok, err = parseReporterQuery(strings.ReplaceAll(strings.ReplaceAll(reporterAvailabilityQuery, "\n", " "), "{{DURATION}}", "97200s"))
	if !ok || err != nil || got.availabilityRange != 27*time.Hour {
		t.Errorf("one line, seconds: %+v %v %v", got, ok, err)
	}
	if _, ok, err = parseReporterQuery(strings.Replace(strings.ReplaceAll(reporterAvailabilityQuery, "{{DURATION}}", "30d"), "30d", "7d", 1)); !ok || err == nil {
		t.Errorf("different ranges: %v %v", ok, err)
	}
	got, ok, _ = parseReporterQuery(`sla:objective:ratio{service="VSHNRedis"}`)
	if !ok || got.objectiveService != "VSHNRedis" {
		t.Errorf("target query: %+v %v", got, ok)
	}
	for _, other := range []string{
		`slo:sli_error:ratio_rate5m`,
		`sum_over_time(slo:sli_error:ratio_rate5m[30d])`,
		strings.ReplaceAll(strings.Replace(reporterAvailabilityQuery, "max without(prometheus_replica)", "min without(prometheus_replica)", 1), "{{DURATION}}", "30d"),
		`sla:objective:ratio`,
	} {
		if _, ok, _ := parseReporterQuery(other); ok {
			t.Errorf("%s recognised", other)
		}
	}
}

func TestReporterQueryEval(t *testing.T) {
	labels := map[string]string{"service": "VSHNRedis", "name": "db-abcde"}
	h := probeHistory{Since: utc("2026-09-01T00:00:00Z"), Down: []downInterval{{Start: utc("2026-09-10T00:00:00Z"), End: utc("2026-09-10T00:30:00Z")}}}
	series := []sliSeries{newSLISeries(labels, h, utc("2026-12-01T00:00:00Z"))}
	out := reporterQuery{availabilityRange: 30 * 24 * time.Hour}.eval(series, utc("2026-09-30T23:59:59Z"))
	if len(out) != 1 || out[0].metric["name"] != "db-abcde" || math.Abs(out[0].value-100*(1-30.0/43200)) > 1e-9 {
		t.Errorf("availability: %+v", out)
	}
	if out := (reporterQuery{availabilityRange: 24 * time.Hour}).eval(series, utc("2026-08-01T00:00:00Z")); len(out) != 0 {
		t.Errorf("before monitoring: %+v", out)
	}
	out = reporterQuery{objectiveService: "VSHNRedis"}.eval(nil, time.Now())
	if len(out) != 1 || out[0].value != 99.25 || out[0].metric["service"] != "VSHNRedis" {
		t.Errorf("target: %+v", out)
	}
	if out = (reporterQuery{objectiveService: "VSHNNothing"}).eval(nil, time.Now()); len(out) != 0 {
		t.Errorf("target of an unknown service: %+v", out)
	}
}
