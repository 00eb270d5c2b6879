package controller

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The platform clock (extension): each claim has its own platform time, in which its schedules
// (backups, maintenance) are evaluated and its timestamps (data marker, backups, maintenance
// runs) are written. Without the annotation local.appcat.vshn.io/clock-speed it is wall time.
// With it, platform time runs that many times faster than wall time from the moment the
// controller first saw the annotation (or its current value): tests see a day of hourly backups
// in 24 seconds at speed 3600.
//
// The anchor is kept in memory.localPlatform.clock {speed, wallTime, platformTime}: at wallTime
// the platform time was platformTime, and since then it runs at speed. It survives controller
// restarts, and a client can compute a claim's platform time from it. A changed speed re-anchors
// at the current platform time, so platform time never jumps; removing the annotation means
// speed 1 from then on (platform time stays ahead of wall time by what it gained).

const (
	clockSpeedAnnotation = "local.appcat.vshn.io/clock-speed"
	// maxClockSpeed bounds the speed: platform time overflows Go's time arithmetic about 292
	// years after the anchor, which at this speed is 2.5 hours of wall time.
	maxClockSpeed = 1e6
)

// platformClock maps wall time to a claim's platform time. The zero value is wall time itself.
type platformClock struct {
	Speed    float64
	Wall     time.Time // anchor in wall time
	Platform time.Time // platform time at Wall
}

func (c platformClock) identity() bool { return c.Wall.IsZero() }

// at is the platform time at wall time w.
func (c platformClock) at(w time.Time) time.Time {
	if c.identity() {
		return w
	}
	return c.Platform.Add(scaleDuration(w.Sub(c.Wall), c.Speed))
}

// wallAt is the earliest wall time at which platform time has reached p.
func (c platformClock) wallAt(p time.Time) time.Time {
	if c.identity() {
		return p
	}
	d := float64(p.Sub(c.Platform)) / c.Speed
	return c.Wall.Add(time.Duration(math.Ceil(d)))
}

// scaleDuration is d*f, saturated at the limits of time.Duration.
func scaleDuration(d time.Duration, f float64) time.Duration {
	v := float64(d) * f
	switch {
	case v >= math.MaxInt64:
		return time.Duration(math.MaxInt64)
	case v <= math.MinInt64:
		return time.Duration(math.MinInt64)
	}
	return time.Duration(v)
}

// parseClockSpeed reads the clock-speed annotation's value.
func parseClockSpeed(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v <= 0 || v > maxClockSpeed {
		return 0, fmt.Errorf("annotation %s: %q is not a number greater than 0 and at most %g", clockSpeedAnnotation, s, float64(maxClockSpeed))
	}
	return v, nil
}

// advanceClock is the clock a claim runs on at wall time now, given the clock stored in its
// status (zero: none) and the speed its annotation asks for (annotated false: no annotation).
// changed tells whether the result must be stored.
func advanceClock(stored platformClock, speed float64, annotated bool, now time.Time) (c platformClock, changed bool) {
	if !annotated {
		speed = 1
	}
	now = now.Round(0).UTC() // as it reads back from the status
	if stored.identity() {
		if !annotated {
			return platformClock{}, false
		}
		return platformClock{Speed: speed, Wall: now, Platform: now}, true
	}
	if stored.Speed == speed {
		return stored, false
	}
	return platformClock{Speed: speed, Wall: now, Platform: stored.at(now)}, true
}

// claimClock is the claim's platform clock at wall time now; changed tells whether it differs
// from the one in its status.
func claimClock(obj *unstructured.Unstructured, now time.Time) (platformClock, bool, error) {
	speed := 1.0
	s, annotated := obj.GetAnnotations()[clockSpeedAnnotation]
	if annotated {
		v, err := parseClockSpeed(s)
		if err != nil {
			return platformClock{}, false, err
		}
		speed = v
	}
	c, changed := advanceClock(storedClock(obj.Object["status"]), speed, annotated, now)
	return c, changed, nil
}

// storedClock reads memory.localPlatform.clock; an unreadable one counts as none.
func storedClock(status any) platformClock {
	m, _ := status.(map[string]any)
	lp, _ := m[statusLocalPlatform].(map[string]any)
	cm, _ := lp["clock"].(map[string]any)
	if cm == nil {
		return platformClock{}
	}
	speed := toFloat(cm["speed"])
	wall, err1 := time.Parse(time.RFC3339Nano, fmt.Sprint(cm["wallTime"]))
	platform, err2 := time.Parse(time.RFC3339Nano, fmt.Sprint(cm["platformTime"]))
	if err1 != nil || err2 != nil || speed <= 0 || wall.IsZero() {
		return platformClock{}
	}
	return platformClock{Speed: speed, Wall: wall, Platform: platform}
}

func (c platformClock) toMap() map[string]any {
	return map[string]any{
		"speed":        c.Speed,
		"wallTime":     c.Wall.UTC().Format(time.RFC3339Nano),
		"platformTime": c.Platform.UTC().Format(time.RFC3339Nano),
	}
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	case int32:
		return float64(n)
	}
	return 0
}

// platformStamp formats a platform time as the platform writes it: RFC 3339 in UTC, to the
// second (the resolution of every platform timestamp, and of restore.recoveryTimeStamp).
func platformStamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }
