package controller

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Backup retention. Which backups of an instance survive a prune:
//
//   - PostgreSQL, spec.parameters.backup.retention (an integer, default 6): the newest that many
//     backups. (AppCat documents it as the retention in days; with the default daily schedule,
//     keeping the newest N backups is the same thing, and with an accelerated clock and an hourly
//     schedule a count is what a test can observe.)
//   - Redis and MariaDB, spec.parameters.backup.retention.keepLast/keepHourly/keepDaily/
//     keepWeekly/keepMonthly/keepYearly (keepDaily default 6), with restic's semantics as k8up
//     applies them: keepLast n keeps the n newest; keepHourly/Daily/Weekly/Monthly/Yearly n keep
//     the newest backup of each of the n newest hours/days/ISO weeks/months/years (UTC, platform
//     time) that have a backup; a backup kept by any rule stays. A policy of all zeros keeps
//     everything.

// keepPolicy is a restic-style retention policy.
type keepPolicy struct {
	Last, Hourly, Daily, Weekly, Monthly, Yearly int
}

func (p keepPolicy) keepsAll() bool {
	return p.Last <= 0 && p.Hourly <= 0 && p.Daily <= 0 && p.Weekly <= 0 && p.Monthly <= 0 && p.Yearly <= 0
}

// kept tells for each backup time, sorted newest first, whether the policy keeps it.
func (p keepPolicy) kept(newestFirst []time.Time) []bool {
	keep := make([]bool, len(newestFirst))
	if p.keepsAll() {
		for i := range keep {
			keep[i] = true
		}
		return keep
	}
	for i := 0; i < len(newestFirst) && i < p.Last; i++ {
		keep[i] = true
	}
	buckets := []struct {
		n      int
		bucket func(time.Time) string
	}{
		{p.Hourly, func(t time.Time) string { return t.Format("2006-01-02T15") }},
		{p.Daily, func(t time.Time) string { return t.Format("2006-01-02") }},
		{p.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }},
		{p.Monthly, func(t time.Time) string { return t.Format("2006-01") }},
		{p.Yearly, func(t time.Time) string { return t.Format("2006") }},
	}
	for _, b := range buckets {
		left, last := b.n, ""
		for i, t := range newestFirst {
			if left <= 0 {
				break
			}
			if k := b.bucket(t.UTC()); k != last {
				keep[i] = true
				last = k
				left--
			}
		}
	}
	return keep
}

// retention is the claim's retention policy for the kind's backups. A nested PostgreSQL instance
// keeps the claim's retention.keepDaily (default 6) as its retention, the newest that many.
func (b *backupSpec) retention(obj *unstructured.Unstructured) keepPolicy {
	if b.nestedSuffix == "" {
		return retentionPolicy(obj, b.defaultRetention)
	}
	if n, ok := paramField(obj, "backup", "retention", "keepDaily"); ok && toInt64(n) > 0 {
		return keepPolicy{Last: int(toInt64(n))}
	}
	return b.defaultRetention
}

// retentionPolicy reads spec.parameters.backup.retention of a claim: a number (PostgreSQL) or
// restic's keep* fields (Redis, MariaDB). def applies when it is missing.
func retentionPolicy(obj *unstructured.Unstructured, def keepPolicy) keepPolicy {
	v, ok := paramField(obj, "backup", "retention")
	if !ok {
		return def
	}
	switch r := v.(type) {
	case map[string]any:
		get := func(key string, d int) int {
			if x, ok := r[key]; ok && x != nil {
				return int(toInt64(x))
			}
			return d
		}
		return keepPolicy{
			Last: get("keepLast", 0), Hourly: get("keepHourly", 0), Daily: get("keepDaily", 6),
			Weekly: get("keepWeekly", 0), Monthly: get("keepMonthly", 0), Yearly: get("keepYearly", 0),
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(r)); err == nil && n > 0 {
			return keepPolicy{Last: n}
		}
		return def
	default:
		if n := toInt64(r); n > 0 {
			return keepPolicy{Last: int(n)}
		}
		return def
	}
}
