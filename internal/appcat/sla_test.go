package appcat

import (
	"strings"
	"testing"
	"time"
)

func TestMonthWindowLikeTheReporter(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	w, err := MonthWindow("2026-09", now)
	if err != nil {
		t.Fatal(err)
	}
	// --previousmonth: the last day of the month at 23:59:59 UTC, range 30d.
	if want := time.Date(2026, 9, 30, 23, 59, 59, 0, time.UTC); !w.End.Equal(want) || w.Range != "30d" || !w.Final {
		t.Errorf("2026-09: end %s range %s final %v, want %s, 30d, final", w.End, w.Range, w.Final, want)
	}
	if want := time.Date(2026, 8, 31, 23, 59, 59, 0, time.UTC); !w.Start.Equal(want) {
		t.Errorf("2026-09: start %s, want %s", w.Start, want)
	}
	// A 31-day month: its first day is outside the reporter's 30 days.
	w, _ = MonthWindow("2026-10", now)
	if w.Start.Day() != 1 || w.Start.Hour() != 23 || w.End.Day() != 31 {
		t.Errorf("2026-10: %s .. %s", w.Start, w.End)
	}
	// The running month: up to now, since its first day.
	w, err = MonthWindow("2026-12", now)
	if err != nil || w.Final || !w.End.Equal(now) || w.Range != "97200s" || !w.Start.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2026-12: %+v %v", w, err)
	}
	if _, err := MonthWindow("2027-01", now); err == nil || !strings.Contains(err.Error(), "not started") {
		t.Errorf("a future month: %v", err)
	}
	if _, err := MonthWindow("2026-13", now); err == nil {
		t.Error("2026-13 accepted")
	}
}

func TestSLAQueriesAreTheReporters(t *testing.T) {
	q := SLIAvailabilityQuery("30d")
	if strings.Count(q, `slo:sli_error:ratio_rate5m{sloth_service=~"appcat-.+"}[30d]`) != 2 || strings.Contains(q, "{{") {
		t.Errorf("availability query %s", q)
	}
	if got := SLATargetQuery("VSHNRedis"); got != `sla:objective:ratio{service="VSHNRedis"}` {
		t.Errorf("target query %s", got)
	}
}

func TestSLACoverage(t *testing.T) {
	for _, c := range []struct {
		kind, level string
		has         bool
		reason      string
	}{
		{"VSHNRedis", "guaranteed", true, ""},
		{"VSHNPostgreSQL", "guaranteed", true, ""},
		{"VSHNRedis", "besteffort", false, "serviceLevel is besteffort"},
		{"VSHNRedis", "", false, "serviceLevel is besteffort"},
		{"VSHNMariaDB", "guaranteed", false, "does not report on VSHNMariaDB"},
	} {
		has, reason := SLACoverage(c.kind, c.level)
		if has != c.has || !strings.Contains(reason, c.reason) || (c.has && reason != "") {
			t.Errorf("%s %q: %v %q", c.kind, c.level, has, reason)
		}
	}
}

func TestServiceCreditTiers(t *testing.T) {
	for _, c := range []struct {
		availability float64
		met          bool
		credit       int64
	}{
		{100, true, 0}, {99.25, true, 0}, {99.2499, false, 10}, {99, false, 10},
		{98.99, false, 25}, {95, false, 25}, {94.99, false, 100}, {0, false, 100},
	} {
		met, credit := ServiceCredit(c.availability, 99.25)
		if met != c.met || credit != c.credit {
			t.Errorf("%v %%: met %v credit %d, want %v %d", c.availability, met, credit, c.met, c.credit)
		}
	}
}

func TestComputeSLAFigures(t *testing.T) {
	w, _ := MonthWindow("2026-09", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	// 30 minutes down in the reporter's 30 days.
	f := ComputeSLAFigures(100*(1-30.0/43200), 99.25, w)
	if f.AvailabilityPercent != 99.93 || !f.Met || f.ServiceCredit != 0 || f.DowntimeMinutes != 30 || !f.Final || f.TargetPercent != 99.25 {
		t.Errorf("30 minutes: %+v", f)
	}
	f = ComputeSLAFigures(100*(1-600.0/43200), 99.25, w)
	if f.AvailabilityPercent != 98.61 || f.Met || f.ServiceCredit != 25 || f.DowntimeMinutes != 600 {
		t.Errorf("10 hours: %+v", f)
	}
	// Printed as 99.25 but below the target: not met, as the reporter colours it red.
	if f = ComputeSLAFigures(99.2496, 99.25, w); f.AvailabilityPercent != 99.25 || f.Met {
		t.Errorf("99.2496: %+v", f)
	}
}
