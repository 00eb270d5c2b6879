package controller

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SLA figures (README: "SLA reports and metrics"). Pure functions: the month's availability from
// the instance's downtime intervals, and the service credit tier that applies.
//
// availability = 100 × (1 − downtime / length of the month), as AppCat's monthly job computes
// it from the mean SLI error ratio. The tiers are evaluated on the exact ratio in integer
// arithmetic, and the percentage is rounded down to hundredths, so a reported 99.25 always means
// the target was met.

// slaTargetPercent is AppCat's SLA target.
const slaTargetPercent = 99.25

// downInterval is a period in which the instance counted as down, in platform time.
type downInterval struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"` // NotReady or Injected
}

// slaFigures are the figures of one month's report.
type slaFigures struct {
	Month                  string
	MonthSeconds           int64
	DownSeconds            int64
	AvailabilityHundredths int64 // percent × 100, rounded down
	Met                    bool
	Credit                 int64 // percent of the month's fee
	Final                  bool
}

func (f slaFigures) availabilityPercent() float64 { return float64(f.AvailabilityHundredths) / 100 }

// downtimeMinutes is the downtime rounded up to whole minutes.
func (f slaFigures) downtimeMinutes() int64 { return (f.DownSeconds + 59) / 60 }

// monthStart is the first instant of t's month (UTC).
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func monthName(t time.Time) string { return t.UTC().Format("2006-01") }

// creditTier is whether the target is met and the service credit in percent, for down seconds
// of a month of monthSeconds: 0 at or above 99.25 %, 10 below it down to 99 %, 25 below 99 %
// down to 95 %, 100 below 95 %.
func creditTier(down, month int64) (met bool, credit int64) {
	switch {
	case month <= 0 || down*400 <= 3*month: // down/month ≤ 0.75 %
		return true, 0
	case down*100 <= month: // ≥ 99 %
		return false, 10
	case down*20 <= month: // ≥ 95 %
		return false, 25
	}
	return false, 100
}

// availabilityHundredths is 100 × 100 × (1 − down/month), rounded down.
func availabilityHundredths(down, month int64) int64 {
	if month <= 0 {
		return 10000
	}
	down = min(max(down, 0), month)
	return (month - down) * 10000 / month
}

// monthFigures computes the report of the month starting at start from the down intervals, as of
// platform time now (later downtime is not counted yet; the rest of the month counts as up).
func monthFigures(start time.Time, down []downInterval, now time.Time) slaFigures {
	start = monthStart(start)
	end := start.AddDate(0, 1, 0)
	upTo := end
	if now.Before(upTo) {
		upTo = now
	}
	monthSecs := int64(end.Sub(start) / time.Second)
	downSecs := int64(downWithin(down, start, upTo) / time.Second)
	met, credit := creditTier(downSecs, monthSecs)
	return slaFigures{
		Month:                  monthName(start),
		MonthSeconds:           monthSecs,
		DownSeconds:            downSecs,
		AvailabilityHundredths: availabilityHundredths(downSecs, monthSecs),
		Met:                    met,
		Credit:                 credit,
		Final:                  !now.Before(end),
	}
}

// downWithin is the length of the union of the intervals within [from, to).
func downWithin(down []downInterval, from, to time.Time) time.Duration {
	type span struct{ s, e time.Time }
	var spans []span
	for _, d := range down {
		s, e := d.Start, d.End
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		if e.After(s) {
			spans = append(spans, span{s, e})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.s.Compare(b.s) })
	var total time.Duration
	var cur span
	for i, sp := range spans {
		switch {
		case i == 0:
			cur = sp
		case !sp.s.After(cur.e):
			if sp.e.After(cur.e) {
				cur.e = sp.e
			}
		default:
			total += cur.e.Sub(cur.s)
			cur = sp
		}
	}
	if len(spans) > 0 {
		total += cur.e.Sub(cur.s)
	}
	return total
}

// injectDowntimeAnnotation is the test hook: "<RFC 3339 start>/<Go duration>" adds that
// downtime (platform time) to the instance's probe history; each new value adds one interval.
const injectDowntimeAnnotation = "local.appcat.vshn.io/inject-downtime"

// parseInjectedDowntime reads the annotation's value.
func parseInjectedDowntime(v string) (downInterval, error) {
	s, d, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return downInterval{}, fmt.Errorf("annotation %s: %q is not <RFC 3339 start>/<duration>", injectDowntimeAnnotation, v)
	}
	start, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return downInterval{}, fmt.Errorf("annotation %s: start %q is not an RFC 3339 time", injectDowntimeAnnotation, s)
	}
	dur, err := time.ParseDuration(d)
	if err != nil || dur <= 0 {
		return downInterval{}, fmt.Errorf("annotation %s: %q is not a positive Go duration (e.g. 30m)", injectDowntimeAnnotation, d)
	}
	return downInterval{Start: start.UTC(), End: start.UTC().Add(dur), Reason: "Injected"}, nil
}

// reportMonths are the starts of the months a probe history has reports for: from the earliest
// of since and the intervals' starts to now, at most maxReportMonths.
func reportMonths(since time.Time, down []downInterval, now time.Time) []time.Time {
	first := since
	for _, d := range down {
		if first.IsZero() || d.Start.Before(first) {
			first = d.Start
		}
	}
	if first.IsZero() || first.After(now) {
		first = now
	}
	last := monthStart(now)
	m := monthStart(first)
	if limit := last.AddDate(0, -(maxReportMonths - 1), 0); m.Before(limit) {
		m = limit
	}
	var out []time.Time
	for ; !m.After(last); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// maxReportMonths bounds the reports kept up to date per instance (13: a year back).
const maxReportMonths = 13
