package controller

import (
	"slices"
	"time"
)

// The recorded SLI of one instance, as the local platform derives it from its probe history
// (sla_probes.go). On AppCat, sloth records slo:sli_error:ratio_rate5m from the SLI exporter's
// appcat_probes_seconds: the share of failed probes in the last five minutes, one sample per
// rule evaluation (component-appcat tests/golden/.../sli_exporter/70_slo_vshn_redis.yaml). Here
// a sample is taken every whole minute: the share of the five minutes before it that lie in a
// down interval.

const (
	sliSampleStep = time.Minute
	sliRateWindow = 5 * time.Minute
)

// sliSeries is one instance's slo:sli_error:ratio_rate5m.
type sliSeries struct {
	labels map[string]string
	// Samples exist at the whole minutes in [from, to].
	from, to time.Time
	down     []downInterval // merged, sorted
}

// newSLISeries builds the series of a probe history as of platform time now. Monitoring counts
// from the first day of the month of the history's earliest entry (its start or an injected
// interval), so that an injected interval falls into a fully monitored month.
func newSLISeries(labels map[string]string, h probeHistory, now time.Time) sliSeries {
	down := mergeIntervals(h.intervals(now))
	first := h.Since
	for _, d := range down {
		if first.IsZero() || d.Start.Before(first) {
			first = d.Start
		}
	}
	if first.IsZero() {
		first = now
	}
	return sliSeries{labels: labels, from: monthStart(first), to: now.Truncate(sliSampleStep), down: down}
}

// mergeIntervals sorts the intervals and joins those that overlap or touch.
func mergeIntervals(in []downInterval) []downInterval {
	out := make([]downInterval, 0, len(in))
	for _, d := range in {
		if d.End.After(d.Start) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b downInterval) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, d := range out {
		if n := len(merged); n > 0 && !d.Start.After(merged[n-1].End) {
			if d.End.After(merged[n-1].End) {
				merged[n-1].End = d.End
			}
			continue
		}
		merged = append(merged, d)
	}
	return merged
}

// samplesIn is the first and last sample time in the range (at-rng, at], and whether there is one.
func (s sliSeries) samplesIn(at time.Time, rng time.Duration) (time.Time, time.Time, bool) {
	first := at.Add(-rng).Truncate(sliSampleStep).Add(sliSampleStep) // first whole minute after at-rng
	if first.Before(s.from) {
		first = s.from
	}
	last := at.Truncate(sliSampleStep)
	if last.After(s.to) {
		last = s.to
	}
	return first, last, !last.Before(first)
}

// meanErrorRatio is sum_over_time(series[rng]) / count_over_time(series[rng]) at time at, and
// whether the range holds a sample.
func (s sliSeries) meanErrorRatio(at time.Time, rng time.Duration) (float64, bool) {
	first, last, ok := s.samplesIn(at, rng)
	if !ok {
		return 0, false
	}
	count := int64(last.Sub(first)/sliSampleStep) + 1
	// Sum of the samples' down time in their five minutes: each interval only touches the
	// samples from its start to five minutes after its end.
	var downSum time.Duration
	for _, d := range s.down {
		t := d.Start.Truncate(sliSampleStep)
		if t.Before(first) {
			t = first
		}
		stop := d.End.Add(sliRateWindow)
		for ; !t.After(last) && !t.After(stop); t = t.Add(sliSampleStep) {
			downSum += overlap(d.Start, d.End, t.Add(-sliRateWindow), t)
		}
	}
	return float64(downSum) / float64(sliRateWindow) / float64(count), true
}

// overlap is the length of [a1, a2) ∩ [b1, b2).
func overlap(a1, a2, b1, b2 time.Time) time.Duration {
	s, e := a1, a2
	if b1.After(s) {
		s = b1
	}
	if b2.Before(e) {
		e = b2
	}
	if e.After(s) {
		return e.Sub(s)
	}
	return 0
}
