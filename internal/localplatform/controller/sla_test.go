package controller

import (
	"testing"
	"time"
)

func TestSLACreditTiers(t *testing.T) {
	const month = 30 * 24 * 3600 // 2 592 000 s
	cases := []struct {
		name   string
		down   int64
		avail  int64
		met    bool
		credit int64
	}{
		{"none", 0, 10000, true, 0},
		{"30 minutes", 30 * 60, 9993, true, 0},
		{"exactly at the target", month * 75 / 10000, 9925, true, 0},
		{"one second below the target", month*75/10000 + 1, 9924, false, 10},
		{"exactly 99 %", month / 100, 9900, false, 10},
		{"one second below 99 %", month/100 + 1, 9899, false, 25},
		{"exactly 95 %", month / 20, 9500, false, 25},
		{"one second below 95 %", month/20 + 1, 9499, false, 100},
		{"the whole month", month, 0, false, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			met, credit := creditTier(c.down, month)
			if got := availabilityHundredths(c.down, month); got != c.avail {
				t.Errorf("availability = %d hundredths, want %d", got, c.avail)
			}
			if met != c.met || credit != c.credit {
				t.Errorf("creditTier = (%v, %d), want (%v, %d)", met, credit, c.met, c.credit)
			}
		})
	}
}

func TestSLAMonthFigures(t *testing.T) {
	inj, err := parseInjectedDowntime("2026-09-10T00:00:00Z/30m")
	if err != nil {
		t.Fatal(err)
	}
	notReady := downInterval{Start: time.Date(2026, 9, 10, 0, 20, 0, 0, time.UTC), End: time.Date(2026, 9, 10, 0, 40, 0, 0, time.UTC), Reason: "NotReady"}
	// Overlapping downtime counts once: 00:00–00:40.
	f := monthFigures(time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC), []downInterval{inj, notReady}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if f.Month != "2026-09" || f.DownSeconds != 40*60 || f.downtimeMinutes() != 40 || f.availabilityPercent() != 99.90 || !f.Met || f.Credit != 0 || !f.Final {
		t.Errorf("figures = %+v", f)
	}
	// Downtime crossing a month boundary is split; the running month is provisional and counts
	// only elapsed downtime.
	cross := downInterval{Start: time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)}
	oct := monthFigures(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), []downInterval{cross}, time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC))
	if oct.DownSeconds != 3600 || oct.Final || oct.Month != "2026-10" {
		t.Errorf("october = %+v", oct)
	}
	sep := monthFigures(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), []downInterval{cross}, time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC))
	if sep.DownSeconds != 3600 || !sep.Final {
		t.Errorf("september = %+v", sep)
	}
}

func TestSLAInjectedDowntimeParse(t *testing.T) {
	for _, bad := range []string{"", "2026-09-10T00:00:00Z", "yesterday/30m", "2026-09-10T00:00:00Z/-5m", "2026-09-10T00:00:00Z/soon"} {
		if _, err := parseInjectedDowntime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSLAReportMonths(t *testing.T) {
	since := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	inj := downInterval{Start: time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 9, 10, 0, 30, 0, 0, time.UTC)}
	got := reportMonths(since, []downInterval{inj}, now)
	if len(got) != 3 || monthName(got[0]) != "2026-09" || monthName(got[2]) != "2026-11" {
		t.Errorf("months = %v", got)
	}
	old := downInterval{Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2020, 1, 1, 1, 0, 0, 0, time.UTC)}
	if got := reportMonths(since, []downInterval{old}, now); len(got) != maxReportMonths {
		t.Errorf("%d months, want at most %d", len(got), maxReportMonths)
	}
}
