package controller

import (
	"fmt"
	"strings"
	"time"
)

// Down intervals of the probe history (README: "SLA reports and metrics") and the test aid that
// injects them.

// downInterval is a period in which the instance counted as down, in platform time.
type downInterval struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"` // NotReady or Injected
}

// monthStart is the first instant of t's month (UTC).
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// injectDowntimeAnnotation is the test aid: "<RFC 3339 start>/<Go duration>" adds that
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
