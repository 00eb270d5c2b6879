package controller

// Unit tests of the pure logic of the day-2 operations: platform clock, schedule evaluation,
// retention selection, data history, release tags.

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

var t0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC) // a Monday

func TestPlatformClock(t *testing.T) {
	// Without an anchor, platform time is wall time.
	var id platformClock
	if got := id.at(t0); !got.Equal(t0) {
		t.Errorf("identity clock at = %v", got)
	}
	if got := id.wallAt(t0); !got.Equal(t0) {
		t.Errorf("identity clock wallAt = %v", got)
	}

	c := platformClock{Speed: 3600, Wall: t0, Platform: t0}
	if got := c.at(t0.Add(time.Second)); !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("speed 3600: one wall second later = %v, want one platform hour later", got)
	}
	if got := c.wallAt(t0.Add(24 * time.Hour)); !got.Equal(t0.Add(24 * time.Second)) {
		t.Errorf("speed 3600: a platform day later at wall %v, want 24s later", got)
	}
	// wallAt rounds up: at the returned wall time the platform time has reached the target.
	odd := platformClock{Speed: 3, Wall: t0, Platform: t0}
	target := t0.Add(10 * time.Nanosecond)
	if w := odd.wallAt(target); odd.at(w).Before(target) {
		t.Errorf("wallAt(%v) = %v, where platform time is only %v", target, w, odd.at(w))
	}
	// Saturates instead of overflowing.
	far := platformClock{Speed: maxClockSpeed, Wall: t0, Platform: t0}
	if got := far.at(t0.Add(1000 * time.Hour)); got.Before(t0) {
		t.Errorf("overflow: %v", got)
	}
	if d := scaleDuration(time.Duration(math.MaxInt64/2), 4); d != time.Duration(math.MaxInt64) {
		t.Errorf("scaleDuration did not saturate: %v", d)
	}
}

func TestAdvanceClock(t *testing.T) {
	// No annotation, no anchor: wall time, nothing to store.
	if c, changed := advanceClock(platformClock{}, 0, false, t0); !c.identity() || changed {
		t.Errorf("no annotation: %+v changed %v", c, changed)
	}
	// First sight of the annotation anchors at now.
	c, changed := advanceClock(platformClock{}, 60, true, t0)
	if !changed || c.Speed != 60 || !c.Wall.Equal(t0) || !c.Platform.Equal(t0) {
		t.Fatalf("first sight: %+v changed %v", c, changed)
	}
	// Same speed later: unchanged, platform time ran 60x.
	later := t0.Add(10 * time.Second)
	c2, changed := advanceClock(c, 60, true, later)
	if changed || c2 != c || !c2.at(later).Equal(t0.Add(10*time.Minute)) {
		t.Errorf("same speed: %+v changed %v", c2, changed)
	}
	// A new speed re-anchors at the current platform time: no jump.
	c3, changed := advanceClock(c, 3600, true, later)
	if !changed || !c3.Platform.Equal(t0.Add(10*time.Minute)) || !c3.Wall.Equal(later) || c3.Speed != 3600 {
		t.Errorf("new speed: %+v changed %v", c3, changed)
	}
	// Annotation removed: speed 1 from the current platform time on.
	c4, changed := advanceClock(c3, 0, false, later.Add(time.Second))
	if !changed || c4.Speed != 1 || !c4.Platform.Equal(t0.Add(10*time.Minute+time.Hour)) {
		t.Errorf("removed: %+v changed %v", c4, changed)
	}
	if _, changed := advanceClock(c4, 0, false, later.Add(time.Hour)); changed {
		t.Error("speed 1 stored, no annotation: must not change again")
	}
}

func TestClaimClockRoundTrip(t *testing.T) {
	k := kindByName("VSHNRedis")
	obj := claim(k, "a", "uid-1", nil)
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	now := time.Date(2026, 5, 4, 10, 0, 0, 123456789, time.UTC)
	c, changed, err := claimClock(obj, now)
	if err != nil || !changed {
		t.Fatalf("claimClock: %v changed %v", err, changed)
	}
	obj.Object["status"] = map[string]any{statusLocalPlatform: map[string]any{"clock": c.toMap()}}
	again, changed, err := claimClock(obj, now.Add(time.Second))
	if err != nil || changed || again != c {
		t.Errorf("read back: %+v (changed %v, err %v), want %+v", again, changed, err, c)
	}
	for _, bad := range []string{"fast", "0", "-2", "NaN", "1e7"} {
		obj.SetAnnotations(map[string]string{clockSpeedAnnotation: bad})
		if _, _, err := claimClock(obj, now); err == nil || !strings.Contains(err.Error(), clockSpeedAnnotation) {
			t.Errorf("speed %q: err %v", bad, err)
		}
	}
}

func TestEvalSchedule(t *testing.T) {
	hourly, err := cron.ParseStandard("0 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	from := t0.Add(5 * time.Minute) // 10:05
	due, slot, next := evalSchedule(hourly, from, t0.Add(30*time.Minute))
	if due || !slot.Equal(t0.Add(time.Hour)) || !next.Equal(t0.Add(time.Hour)) {
		t.Errorf("before the slot: due %v slot %v next %v", due, slot, next)
	}
	due, slot, next = evalSchedule(hourly, from, t0.Add(time.Hour))
	if !due || !slot.Equal(t0.Add(time.Hour)) || !next.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("at the slot: due %v slot %v next %v", due, slot, next)
	}
	// Several missed slots: one run, for the first missed slot; the next is after now.
	due, slot, next = evalSchedule(hourly, from, t0.Add(5*time.Hour+time.Minute))
	if !due || !slot.Equal(t0.Add(time.Hour)) || !next.Equal(t0.Add(6*time.Hour)) {
		t.Errorf("missed slots: due %v slot %v next %v", due, slot, next)
	}
	// A slot equal to from is not due again.
	if due, _, _ := evalSchedule(hourly, t0, t0.Add(time.Minute)); due {
		t.Error("slot at from counted again")
	}
	// The CRD's patterns are what robfig/cron parses.
	for _, s := range []string{"17 3 * * 1", "*/15 */2 1 1 0", "0 2 * * *", "59 23 31 12 6"} {
		if _, err := cron.ParseStandard(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestMaintenanceSchedule(t *testing.T) {
	s, err := maintenanceSchedule("tuesday", "21:30:15")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Next(t0) // Monday 10:00
	if want := time.Date(2026, 5, 5, 21, 30, 15, 0, time.UTC); !got.Equal(want) {
		t.Errorf("next window %v, want %v", got, want)
	}
	if got2 := s.Next(got); !got2.Equal(got.Add(7 * 24 * time.Hour)) {
		t.Errorf("window after that %v, want a week later", got2)
	}
	if s, err := maintenanceSchedule("sunday", "4:05:00"); err != nil || !s.Next(t0).Equal(time.Date(2026, 5, 10, 4, 5, 0, 0, time.UTC)) {
		t.Errorf("sunday 4:05: %v %v", s, err)
	}
	for _, bad := range [][2]string{{"someday", "10:00:00"}, {"monday", "25:00:00"}, {"monday", ""}} {
		if _, err := maintenanceSchedule(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func times(hoursAgo ...float64) []time.Time {
	var out []time.Time
	for _, h := range hoursAgo {
		out = append(out, t0.Add(-time.Duration(h*float64(time.Hour))))
	}
	return out
}

func TestRetentionSelection(t *testing.T) {
	// Hourly backups over three days, newest first.
	var hourly []float64
	for h := 0; h < 72; h++ {
		hourly = append(hourly, float64(h))
	}
	ts := times(hourly...)
	count := func(keep []bool) (n int) {
		for _, k := range keep {
			if k {
				n++
			}
		}
		return n
	}

	if keep := (keepPolicy{Last: 6}).kept(ts); count(keep) != 6 || !reflect.DeepEqual(keep[:7], []bool{true, true, true, true, true, true, false}) {
		t.Errorf("keepLast 6: %v", keep[:8])
	}
	// keepDaily 2: the newest of today (10:00) and of yesterday (23:00, 11 hours ago).
	keep := (keepPolicy{Daily: 2}).kept(ts)
	if count(keep) != 2 || !keep[0] || !keep[11] {
		t.Errorf("keepDaily 2 kept %d: %v", count(keep), keep[:13])
	}
	// keepLast and keepDaily together: the union.
	keep = (keepPolicy{Last: 3, Daily: 3}).kept(ts)
	if count(keep) != 5 || !keep[0] || !keep[1] || !keep[2] || !keep[11] || !keep[35] {
		t.Errorf("keepLast 3 + keepDaily 3 kept %d", count(keep))
	}
	// keepHourly with sparse backups counts hours that have one.
	keep = (keepPolicy{Hourly: 2}).kept(times(0.1, 0.5, 3, 7))
	if !reflect.DeepEqual(keep, []bool{true, false, true, false}) {
		t.Errorf("keepHourly 2: %v", keep)
	}
	// Weekly (ISO weeks start on Monday; t0 is one), monthly, yearly buckets.
	weeks := times(0, 24, 8*24, 15*24, 40*24, 400*24)
	if keep := (keepPolicy{Weekly: 3}).kept(weeks); !reflect.DeepEqual(keep, []bool{true, true, true, false, false, false}) {
		t.Errorf("keepWeekly 3: %v", keep)
	}
	if keep := (keepPolicy{Monthly: 2, Yearly: 2}).kept(weeks); !reflect.DeepEqual(keep, []bool{true, false, true, false, false, true}) {
		t.Errorf("keepMonthly 2 + keepYearly 2: %v", keep)
	}
	// Nothing set: everything stays.
	if keep := (keepPolicy{}).kept(ts); count(keep) != len(ts) {
		t.Errorf("empty policy kept %d of %d", count(keep), len(ts))
	}
	// Fewer backups than asked for.
	if keep := (keepPolicy{Last: 10}).kept(times(1, 2)); count(keep) != 2 {
		t.Errorf("keepLast 10 of 2: %v", keep)
	}
}

func TestRetentionPolicyFromClaim(t *testing.T) {
	pg, redis := kindByName("VSHNPostgreSQL"), kindByName("VSHNRedis")
	def := kindByName("VSHNPostgreSQL").backup.defaultRetention
	cases := []struct {
		obj  *unstructured.Unstructured
		def  keepPolicy
		want keepPolicy
	}{
		{claim(pg, "a", "u", nil), def, keepPolicy{Last: 6}},
		{claim(pg, "a", "u", map[string]any{"backup": map[string]any{"retention": int64(3)}}), def, keepPolicy{Last: 3}},
		{claim(pg, "a", "u", map[string]any{"backup": map[string]any{"retention": "4"}}), def, keepPolicy{Last: 4}},
		{claim(redis, "a", "u", nil), kindByName("VSHNRedis").backup.defaultRetention, keepPolicy{Daily: 6}},
		{claim(redis, "a", "u", map[string]any{"backup": map[string]any{"retention": map[string]any{"keepLast": int64(2)}}}),
			kindByName("VSHNRedis").backup.defaultRetention, keepPolicy{Last: 2, Daily: 6}},
		{claim(redis, "a", "u", map[string]any{"backup": map[string]any{"retention": map[string]any{"keepLast": int64(2), "keepDaily": int64(0), "keepWeekly": int64(1)}}}),
			kindByName("VSHNRedis").backup.defaultRetention, keepPolicy{Last: 2, Weekly: 1}},
	}
	for i, c := range cases {
		if got := retentionPolicy(c.obj, c.def); got != c.want {
			t.Errorf("case %d: %+v, want %+v", i, got, c.want)
		}
	}
}

func TestDataHistory(t *testing.T) {
	if emptyDataChecksum != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty checksum %s", emptyDataChecksum)
	}
	a := nextChecksum(emptyDataChecksum, "a")
	if a != sha256Hex(emptyDataChecksum+"a") || a == nextChecksum(emptyDataChecksum, "b") || nextChecksum(a, "b") == nextChecksum(a, "a") {
		t.Error("checksums do not chain")
	}
	h := []historyEntry{
		{Time: "2026-05-04T10:00:00Z", Checksum: "c0"},
		{Time: "2026-05-04T11:00:00Z", Checksum: "c1", Writes: 1},
		{Time: "2026-05-04T11:00:00Z", Checksum: "c2", Writes: 2},
		{Time: "2026-05-04T12:30:00Z", Checksum: "c3", Writes: 3},
	}
	for _, c := range []struct {
		at   string
		want string
	}{
		{"2026-05-04T10:00:00Z", "c0"}, {"2026-05-04T10:59:59Z", "c0"}, {"2026-05-04T11:00:00Z", "c2"},
		{"2026-05-04T12:00:00+01:00", "c2"}, {"2026-05-04T12:30:00Z", "c3"}, {"2030-01-01T00:00:00Z", "c3"},
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if e, ok := stateAt(h, at); !ok || e.Checksum != c.want {
			t.Errorf("state at %s = %v (%v), want %s", c.at, e.Checksum, ok, c.want)
		}
	}
	if _, ok := stateAt(h, t0.Add(-time.Hour)); ok {
		t.Error("a state before the first entry")
	}
	d := dataState{Checksum: "x", Writes: 2, UpdatedAt: time.Date(2026, 5, 4, 10, 0, 0, 700e6, time.UTC)}
	back, ok := readData(map[string]any{"data": d.toMap()})
	if !ok || back.Checksum != "x" || back.Writes != 2 || !back.UpdatedAt.Equal(d.UpdatedAt.Truncate(time.Second)) {
		t.Errorf("data round trip: %+v", back)
	}
}

func TestReleaseTags(t *testing.T) {
	cases := []struct{ version, current, pin, initial, next string }{
		// As AppCat's maintenance.SetReleaseVersion: a new instance runs the version's own tag.
		{"15", "15", "", "15", "15.1"},
		{"15", "15.9", "", "15", "15.10"},
		{"7.2", "7.2.3", "", "7.2", "7.2.4"},
		{"15", "15.2", "15.4", "15.4", "15.4"},
		{"16", "15.2", "", "16", "16.1"},   // after a major upgrade
		{"16", "16", "15.4", "16", "16.1"}, // a pin of another version does not apply
		{"11.8", "", "", "11.8", "11.8.1"},
	}
	for _, c := range cases {
		if got := initialReleaseTag(c.version, c.pin); got != c.initial {
			t.Errorf("initial(%s, pin %q) = %s, want %s", c.version, c.pin, got, c.initial)
		}
		if got := nextReleaseTag(c.version, c.current, c.pin); got != c.next {
			t.Errorf("next(%s, %s, pin %q) = %s, want %s", c.version, c.current, c.pin, got, c.next)
		}
	}
	k := kindByName("VSHNPostgreSQL")
	obj := claim(k, "a", "u", nil)
	status := map[string]any{}
	setRunningVersion(status, "15")
	ensureReleaseTag(obj, status)
	if got := runningReleaseTag(status); got != "15" {
		t.Errorf("first tag %v", got)
	}
	setRunningReleaseTag(status, "15.3")
	ensureReleaseTag(obj, status)
	if got := runningReleaseTag(status); got != "15.3" {
		t.Errorf("tag of the running version changed: %v", got)
	}
	setRunningVersion(status, "16")
	ensureReleaseTag(obj, status)
	if got := runningReleaseTag(status); got != "16" {
		t.Errorf("tag after the upgrade %v", got)
	}
}

func TestBackupNames(t *testing.T) {
	pg, redis := kindByName("VSHNPostgreSQL"), kindByName("VSHNRedis")
	slot := time.Date(2026, 5, 4, 3, 17, 0, 0, time.UTC)
	if n, id := backupNameFor(pg, claim(pg, "shop-db", "u1", nil), slot, ""); n != "shop-db-20260504-031700" || id != "" {
		t.Errorf("postgres name %q id %q", n, id)
	}
	if n, _ := backupNameFor(pg, claim(pg, "shop-db", "u1", nil), slot, backupPurposeMaintenance); n != "shop-db-maintenance-20260504-031700" {
		t.Errorf("postgres maintenance name %q", n)
	}
	n1, id1 := backupNameFor(redis, claim(redis, "cache", "u1", nil), slot, "")
	n2, _ := backupNameFor(redis, claim(redis, "cache", "u2", nil), slot, "")
	n3, _ := backupNameFor(redis, claim(redis, "cache", "u1", nil), slot, backupPurposeMaintenance)
	if len(n1) != 8 || len(id1) != 64 || !strings.HasPrefix(id1, n1) || n1 == n2 || n1 == n3 {
		t.Errorf("snapshot names %q %q %q id %q", n1, n2, n3, id1)
	}
	if again, _ := backupNameFor(redis, claim(redis, "cache", "u1", nil), slot, ""); again != n1 {
		t.Error("snapshot name not deterministic")
	}
}
