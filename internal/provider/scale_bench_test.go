package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// BenchmarkScale measures what a user feels with many instances: apply, a no-change plan, a
// plan with -refresh=false, a refresh and a destroy of N PostgreSQL instances
// (APPCAT_BENCH_INSTANCES, default 50) spread over APPCAT_BENCH_NAMESPACES namespaces (default 1),
// with the platform's provisioning delay at 0, through the real terraform CLI. Beside each command
// it runs the same command on N terraform_data resources, terraform core alone: the floor no
// provider can go below, measured on the same machine at the same moment, so the ratio means
// something on a noisy machine where the absolute times do not.
//
// A second floor, the state floor, runs beside them once the provider's state exists: N
// terraform_data resources, each holding a string that makes its state as large as one instance's.
// Terraform core writes the whole state again after every resource it changes, so with many
// instances its own time grows with the state's size: the state floor is what core alone spends on
// a state of that size, and the rest is the provider's and its schema's. With
// APPCAT_BENCH_STORE_CREDENTIALS=false the instances keep their credentials and certificates out
// of the state (store_credentials = false).
//
// It counts the provider's API requests in the platform's audit log (what the server saw, not what
// the provider says it sent), and reports the state's size per instance and, apart from terraform
// core's, the provider's peak memory, its CPU time and the heap it still held when it exited (the
// provider writes them when it exits, see profile.go). That last heap grows with the instances
// when something keeps every request's data. With APPCAT_BENCH_PROFILE_DIR set, the provider's
// CPU and allocation profiles are kept there, one directory per command, for go tool pprof; the
// peak memory is then not the provider's own, so measure it in a run without. Run with make bench
// BENCH=Scale.
func BenchmarkScale(b *testing.B) {
	n := benchEnvInt(b, "APPCAT_BENCH_INSTANCES", 50)
	namespaces := benchEnvInt(b, "APPCAT_BENCH_NAMESPACES", 1)
	keep := os.Getenv("APPCAT_BENCH_PROFILE_DIR")
	storeCredentials := "true"
	if v := os.Getenv("APPCAT_BENCH_STORE_CREDENTIALS"); v != "" {
		if v != "true" && v != "false" {
			b.Fatalf("APPCAT_BENCH_STORE_CREDENTIALS=%q is neither true nor false", v)
		}
		storeCredentials = v
	}
	for b.Loop() {
		profiles := b.TempDir()
		if keep != "" {
			var err error
			if profiles, err = os.MkdirTemp(keep, "scale-"); err != nil {
				b.Fatal(err)
			}
		}
		var nsList []string
		for range namespaces {
			nsList = append(nsList, fmt.Sprintf("%q", testNamespace(b)))
		}
		cli := newTerraformCLI(b, adminProvider(strings.Trim(nsList[0], `"`))+fmt.Sprintf(`
locals {
  namespaces = [%s]
}

resource "appcat_postgresql" "db" {
  count               = %d
  name                = "db-${count.index}"
  namespace           = local.namespaces[count.index %% length(local.namespaces)]
  deletion_protection = false
  store_credentials   = %s
}
`, strings.Join(nsList, ", "), n, storeCredentials))
		floor := newFloorCLI(b, fmt.Sprintf(`
resource "terraform_data" "db" {
  count = %d
  input = "db-${count.index}"
}
`, n))
		var stateFloor *terraformCLI // written once the provider's state size is known
		audit := platformtest.Platform().AuditLogPath()
		var peakKiB, liveKiB int64
		// compareToStateFloor runs the command on the state floor and reports the provider's wall
		// time against it.
		compareToStateFloor := func(name string, wall time.Duration, args ...string) string {
			sWall, sCPU := stateFloor.measured(nil, args...)
			b.ReportMetric(sWall.Seconds(), name+"-statefloor-s")
			b.ReportMetric(wall.Seconds()/sWall.Seconds(), name+"-x-statefloor")
			return fmt.Sprintf("; state floor %s, %.2fx, core CPU %s", sWall.Round(time.Millisecond), wall.Seconds()/sWall.Seconds(), sCPU.Round(time.Millisecond))
		}
		// step runs one command on the floor, then on the provider (and then on the state floor,
		// once there is one), and reports them.
		step := func(name string, args ...string) time.Duration {
			fWall, fCPU := floor.measured(nil, args...)
			dir := filepath.Join(profiles, name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			mark := auditMark(b, audit)
			env := []string{"APPCAT_PROVIDER_USAGE_DIR=" + dir}
			if keep != "" {
				// Profiling raises the provider's resident memory (profile.go): its peak then
				// says little.
				env = append(env, "APPCAT_PROVIDER_PROFILE_DIR="+dir)
			}
			wall, cpu := cli.measured(env, args...)
			requests := providerRequests(b, audit, mark)
			usage := providerUsage(b, dir)
			peakKiB = max(peakKiB, usage.peakKiB)
			liveKiB = max(liveKiB, usage.liveKiB)
			stateFloorNote := ""
			if stateFloor != nil {
				stateFloorNote = compareToStateFloor(name, wall, args...)
			}
			b.ReportMetric(wall.Seconds(), name+"-s")
			b.ReportMetric(fWall.Seconds(), name+"-floor-s")
			b.ReportMetric(wall.Seconds()/fWall.Seconds(), name+"-x-floor")
			b.ReportMetric(float64(requests.total)/float64(namespaces), name+"-requests/ns")
			b.Logf("%s: %s (floor %s, %.2fx%s); CPU: provider %s in %d processes, terraform core %s (floor %s); provider peak %.1f MiB, held at exit %.1f MiB; %s",
				name, wall.Round(time.Millisecond), fWall.Round(time.Millisecond), wall.Seconds()/fWall.Seconds(), stateFloorNote,
				usage.cpu, usage.processes, (cpu - usage.cpu).Round(time.Millisecond), fCPU.Round(time.Millisecond),
				float64(usage.peakKiB)/1024, float64(usage.liveKiB)/1024, requests)
			return wall
		}

		applyWall := step("apply", "apply", "-auto-approve", "-no-color")
		b.ReportMetric(float64(stateSize(b, cli))/float64(n), "state-B/instance")
		b.ReportMetric(float64(stateSize(b, floor))/float64(n), "state-floor-B/instance")
		stateFloor = newStateFloorCLI(b, n, int((stateSize(b, cli)-stateSize(b, floor))/int64(n)))
		b.Logf("apply%s", compareToStateFloor("apply", applyWall, "apply", "-auto-approve", "-no-color"))
		b.Logf("state per instance: %d bytes (floor %d, state floor %d)",
			stateSize(b, cli)/int64(n), stateSize(b, floor)/int64(n), stateSize(b, stateFloor)/int64(n))
		if keep != "" {
			// Beside the profiles: what the state holds per instance, to see what could be cut.
			state, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate"))
			if err != nil {
				b.Fatal(err)
			}
			writeFile(b, filepath.Join(profiles, "terraform.tfstate"), string(state))
		}
		step("plan", "plan", "-no-color", "-detailed-exitcode") // exit 2 (changes) fails the run
		step("plan-norefresh", "plan", "-refresh=false", "-no-color", "-detailed-exitcode")
		step("refresh", "apply", "-refresh-only", "-auto-approve", "-no-color")
		step("destroy", "destroy", "-auto-approve", "-no-color")

		b.ReportMetric(float64(n), "instances")
		b.ReportMetric(float64(namespaces), "namespaces")
		b.ReportMetric(float64(peakKiB)/1024, "provider-peak-MiB")
		b.ReportMetric(float64(liveKiB)/1024, "provider-held-at-exit-MiB")
		b.Logf("%d instances in %d namespaces; provider profiles in %s", n, namespaces, profiles)
	}
}

// newFloorCLI is a terraform working directory with only terraform's built-in provider.
func newFloorCLI(tb testing.TB, mainTF string) *terraformCLI {
	tb.Helper()
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		tb.Fatal("TF_ACC_TERRAFORM_PATH must point at the terraform binary")
	}
	dir := tb.TempDir()
	cli := &terraformCLI{tb: tb, terraform: terraform, cliConfig: filepath.Join(dir, "terraformrc"), dir: filepath.Join(dir, "work")}
	writeFile(tb, cli.cliConfig, "")
	writeFile(tb, filepath.Join(cli.dir, "main.tf"), mainTF)
	return cli
}

// newStateFloorCLI is the state floor: n terraform_data resources whose state is larger than
// that of newFloorCLI's by about extra bytes each, all of it one string that terraform core stores
// and compares but no provider reads.
func newStateFloorCLI(tb testing.TB, n, extra int) *terraformCLI {
	tb.Helper()
	return newFloorCLI(tb, fmt.Sprintf(`
resource "terraform_data" "db" {
  count            = %d
  input            = "db-${count.index}"
  triggers_replace = "${count.index}-%s"
}
`, n, strings.Repeat("x", max(extra-40, 1))))
}

func benchEnvInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		tb.Fatalf("%s=%q is not a positive number", name, s)
	}
	return v
}

// stateSize is the size of the working directory's state file.
func stateSize(tb testing.TB, cli *terraformCLI) int64 {
	tb.Helper()
	info, err := os.Stat(filepath.Join(cli.dir, "terraform.tfstate"))
	if err != nil {
		tb.Fatal(err)
	}
	return info.Size()
}

type providerUsageSum struct {
	processes int
	peakKiB   int64 // the largest peak of any one provider process
	liveKiB   int64 // the largest heap any one provider process still held when it exited
	cpu       time.Duration
}

// providerUsage sums what the provider processes of one command wrote into dir (profile.go).
// A command without any report fails: the figures would be silently missing.
func providerUsage(tb testing.TB, dir string) providerUsageSum {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "provider-*.usage"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no provider usage in %s (%v)", dir, err)
	}
	var sum providerUsageSum
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var kib, ms, liveKiB int64
		if _, err := fmt.Sscan(string(data), &kib, &ms, &liveKiB); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		sum.processes++
		sum.peakKiB = max(sum.peakKiB, kib)
		sum.liveKiB = max(sum.liveKiB, liveKiB)
		sum.cpu += time.Duration(ms) * time.Millisecond
	}
	return sum
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
