package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// BenchmarkScale measures what a user feels with many instances in one namespace: apply, a
// no-change plan and a refresh of N PostgreSQL instances (APPCAT_BENCH_INSTANCES, default 50)
// with the platform's provisioning delay at 0, through the real terraform CLI. It counts the
// provider's API requests in the platform's audit log (what the server saw, not what the
// provider says it sent). Run with make bench BENCH=Scale.
func BenchmarkScale(b *testing.B) {
	n := 50
	if s := os.Getenv("APPCAT_BENCH_INSTANCES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("APPCAT_BENCH_INSTANCES=%q is not a positive number", s)
		}
	}
	for b.Loop() {
		ns := testNamespace(b)
		cli := newTerraformCLI(b, adminProvider(ns)+fmt.Sprintf(`
resource "appcat_postgresql" "db" {
  count               = %d
  name                = "db-${count.index}"
  deletion_protection = false
}
`, n))
		audit := platformtest.Platform().AuditLogPath()

		mark := auditMark(b, audit)
		apply := cli.timed("apply", "-auto-approve", "-no-color")
		applyRequests := providerRequests(b, audit, mark)

		mark = auditMark(b, audit)
		plan := cli.timed("plan", "-no-color", "-detailed-exitcode") // exit 2 (changes) fails the run
		planRequests := providerRequests(b, audit, mark)

		mark = auditMark(b, audit)
		refresh := cli.timed("apply", "-refresh-only", "-auto-approve", "-no-color")
		refreshRequests := providerRequests(b, audit, mark)

		destroy := cli.timed("destroy", "-auto-approve", "-no-color")

		b.ReportMetric(float64(n), "instances")
		b.ReportMetric(apply.Seconds(), "apply-s")
		b.ReportMetric(plan.Seconds(), "plan-s")
		b.ReportMetric(refresh.Seconds(), "refresh-s")
		b.ReportMetric(destroy.Seconds(), "destroy-s")
		b.ReportMetric(float64(applyRequests.total), "apply-requests")
		b.ReportMetric(float64(planRequests.total), "plan-requests")
		b.ReportMetric(float64(planRequests.total)/float64(n), "plan-requests/instance")
		b.ReportMetric(float64(refreshRequests.total), "refresh-requests")
		b.Logf("%d instances: apply %s (%s), no-change plan %s (%s), refresh %s (%s), destroy %s",
			n, apply, applyRequests, plan, planRequests, refresh, refreshRequests, destroy)
	}
}

// auditMark is the current end of the audit log.
func auditMark(tb testing.TB, path string) int64 {
	tb.Helper()
	info, err := os.Stat(path)
	if err != nil {
		tb.Fatalf("audit log: %v", err)
	}
	return info.Size()
}

type requestCount struct {
	total  int
	byVerb map[string]int
}

func (r requestCount) String() string {
	var parts []string
	for _, verb := range sortedKeys(r.byVerb) {
		parts = append(parts, fmt.Sprintf("%s %d", verb, r.byVerb[verb]))
	}
	return fmt.Sprintf("%d requests: %s", r.total, strings.Join(parts, ", "))
}

// providerRequests counts the requests the provider (by its user agent) made since mark.
func providerRequests(tb testing.TB, path string, mark int64) requestCount {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("audit log: %v", err)
	}
	defer f.Close()
	if _, err := f.Seek(mark, 0); err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	count := requestCount{byVerb: map[string]int{}}
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	for scanner.Scan() {
		var event struct {
			AuditID   string `json:"auditID"`
			Verb      string `json:"verb"`
			UserAgent string `json:"userAgent"`
			ObjectRef struct {
				Resource string `json:"resource"`
			} `json:"objectRef"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &event); err != nil {
			continue
		}
		// A watch logs when its response starts and when it ends: count each request once.
		if !strings.HasPrefix(event.UserAgent, "terraform-provider-appcat") || seen[event.AuditID] {
			continue
		}
		seen[event.AuditID] = true
		count.total++
		count.byVerb[event.Verb+" "+event.ObjectRef.Resource]++
	}
	if err := scanner.Err(); err != nil {
		tb.Fatal(err)
	}
	return count
}
