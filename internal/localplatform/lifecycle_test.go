package localplatform_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// controllerMain is `appcat-local controller` for the detached platforms of these tests.
func controllerMain(args []string) int {
	fs := flag.NewFlagSet("controller", flag.ContinueOnError)
	dir := fs.String("state-dir", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	if err := localplatform.RunController(ctx, *dir, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func detachedOptions(t *testing.T, dir string) localplatform.Options {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return localplatform.Options{
		StateDir:          dir,
		ControllerCommand: []string{self, "controller", "--state-dir", dir},
	}
}

// gone waits until pid has ended (or is a zombie waiting to be reaped).
func gone(pid int) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func TestStartStop(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := localplatform.Start(ctx, localplatform.Options{StateDir: dir, UserNamespaces: []string{"team-a", "team-b"}})
	if err != nil {
		t.Fatal(err)
	}
	pids := p.PIDs()
	if pids["etcd"] == 0 || pids["kube-apiserver"] == 0 || pids["kube-controller-manager"] == 0 {
		t.Fatalf("PIDs = %v", pids)
	}
	if got := p.UserNamespace(); got != "team-a" {
		t.Errorf("UserNamespace() = %q, want team-a", got)
	}
	cs := kubernetes.NewForConfigOrDie(p.UserConfig())
	for _, ns := range []string{"team-a", "team-b"} {
		if _, err := dynamic.NewForConfigOrDie(p.UserConfig()).Resource(postgresGVR).Namespace(ns).List(ctx, metav1.ListOptions{}); err != nil {
			t.Errorf("user lists claims in %s: %v", ns, err)
		}
	}
	if _, err := localplatform.Start(ctx, localplatform.Options{StateDir: dir}); err == nil {
		t.Error("a second Start in the same state dir succeeded")
	}

	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	for name, pid := range pids {
		if !gone(pid) {
			t.Errorf("%s (pid %d) still runs after Stop", name, pid)
		}
	}
	if _, err := cs.Discovery().ServerVersion(); err == nil {
		t.Error("the API still answers after Stop")
	}
	for _, f := range []string{"etcd.log", "kube-apiserver.log", "controller.log", "kubeconfig", "user.token"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("state dir: %v", err)
		}
	}
}

// TestUpTwiceAndDown is the CLI's path: appcat-local up, up again, status, down.
func TestUpTwiceAndDown(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Cleanup(func() { _ = localplatform.Down(dir, false, nil) })
	opts := detachedOptions(t, dir)

	p1, running, err := localplatform.Up(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if running {
		t.Fatal("first Up says the platform already ran")
	}
	pids := p1.PIDs()
	if len(pids) != 4 {
		t.Fatalf("PIDs after up = %v, want etcd, kube-apiserver, kube-controller-manager and controller", pids)
	}

	t.Run("up again", func(t *testing.T) {
		p2, running, err := localplatform.Up(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !running {
			t.Error("second Up started a new platform")
		}
		if p2.Host() != p1.Host() {
			t.Errorf("host changed: %s, then %s", p1.Host(), p2.Host())
		}
		if got := p2.PIDs(); fmt.Sprint(got) != fmt.Sprint(pids) {
			t.Errorf("PIDs changed: %v, then %v", pids, got)
		}
	})

	t.Run("controller process", func(t *testing.T) {
		claims := dynamic.NewForConfigOrDie(p1.UserConfig()).Resource(postgresGVR).Namespace(p1.UserNamespace())
		if _, err := claims.Create(ctx, postgresClaim("survivor"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			obj, err := claims.Get(ctx, "survivor", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if condition(obj, "Ready") == "True" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("claim not Ready; controller.log:\n%s", readFile(filepath.Join(dir, "controller.log")))
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	// A real PostgreSQL server (where the binaries are) stops with the platform and comes back
	// with it, its data kept; purging the platform removes its data.
	realServers := platformtest.HasServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	var real platformtest.PostgresEndpoint
	if realServers {
		t.Run("real server", func(t *testing.T) {
			real = realServerWithRow(ctx, t, p1)
		})
	}

	t.Run("status", func(t *testing.T) {
		p, err := localplatform.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := p.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Reachable {
			t.Error("status: API not reachable")
		}
		for _, ps := range s.Processes {
			if ps.PID != pids[ps.Name] {
				t.Errorf("status: %s pid %d, want %d", ps.Name, ps.PID, pids[ps.Name])
			}
			if ps.RSSBytes <= 0 {
				t.Errorf("status: %s has no RSS", ps.Name)
			}
		}
		if s.Claims["vshnpostgresqls"] < 1 {
			t.Errorf("status: claims = %v, want at least one vshnpostgresql", s.Claims)
		}
		// The real server is listed where a client reaches it, with the version it really is.
		if realServers {
			want := localplatform.ServerStatus{Kind: "VSHNPostgreSQL", Namespace: p.UserNamespace(), Name: "real",
				Address: net.JoinHostPort(real.Host, real.Port), Version: postgresServerVersion(t)}
			if !slices.Contains(s.Servers, want) {
				t.Errorf("status: real servers %+v, want %+v among them", s.Servers, want)
			}
		}
	})

	t.Run("down", func(t *testing.T) {
		if err := localplatform.Down(dir, false, nil); err != nil {
			t.Fatal(err)
		}
		for name, pid := range pids {
			if !gone(pid) {
				t.Errorf("%s (pid %d) still runs after down", name, pid)
			}
			if _, err := os.Stat(filepath.Join(dir, name+".pid")); !os.IsNotExist(err) {
				t.Errorf("%s.pid left behind: %v", name, err)
			}
		}
		if err := localplatform.Down(dir, false, nil); err != nil {
			t.Errorf("down when nothing runs: %v", err)
		}
		if realServers {
			if c, err := net.DialTimeout("tcp", net.JoinHostPort(real.Host, real.Port), time.Second); err == nil {
				c.Close()
				t.Error("the real server still listens after down")
			}
		}
		p, err := localplatform.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := p.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Reachable {
			t.Error("status after down: API reachable")
		}
		for _, ps := range s.Processes {
			if ps.PID != 0 {
				t.Errorf("status after down: %s pid %d", ps.Name, ps.PID)
			}
		}
	})

	t.Run("up after down with stale pid files keeps the data", func(t *testing.T) {
		// A pid that runs but is no process of this state dir: must be left alone.
		for _, name := range []string{"etcd", "kube-apiserver", "controller"} {
			if err := os.WriteFile(filepath.Join(dir, name+".pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		p, running, err := localplatform.Up(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if running {
			t.Fatal("Up took stale pid files for a running platform")
		}
		claims := dynamic.NewForConfigOrDie(p.UserConfig()).Resource(postgresGVR).Namespace(p.UserNamespace())
		if _, err := claims.Get(ctx, "survivor", metav1.GetOptions{}); err != nil {
			t.Errorf("claim created before down: %v", err)
		}
		if p.Host() != p1.Host() {
			t.Logf("port changed across down/up: %s, then %s", p1.Host(), p.Host())
		}
		if realServers {
			var body string
			var err error
			deadline := time.Now().Add(time.Minute)
			for time.Now().Before(deadline) {
				if body, err = readRow(ctx, real); err == nil {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if err != nil || body != "kept" {
				t.Errorf("the real server after up: %q, %v; want the row written before down", body, err)
			}
		}
	})

	t.Run("down purge", func(t *testing.T) {
		if err := localplatform.Down(dir, true, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("state dir after purge: %v", err)
		}
		if _, err := os.Stat(p1.ServerDir()); !os.IsNotExist(err) {
			t.Errorf("real servers' data after purge: %v", err)
		}
	})
}

func readFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(data)
}

// BenchmarkStart measures a warm start (binaries built) to ready, controller included, in a
// fresh state dir, and the stop.
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		dir := b.TempDir()
		p, err := localplatform.Start(ctx, localplatform.Options{StateDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := p.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// realServerWithRow creates a PostgreSQL claim with a load balancer, waits until it is Ready and
// writes a row into its real server; it returns how to reach the server.
func realServerWithRow(ctx context.Context, t *testing.T, p *localplatform.Platform) platformtest.PostgresEndpoint {
	t.Helper()
	claims := dynamic.NewForConfigOrDie(p.UserConfig()).Resource(postgresGVR).Namespace(p.UserNamespace())
	claim := postgresClaim("real")
	_ = unstructured.SetNestedField(claim.Object, "LoadBalancer", "spec", "parameters", "network", "serviceType")
	if _, err := claims.Create(ctx, claim, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		obj, err := claims.Get(ctx, "real", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if condition(obj, "Ready") == "True" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("claim not Ready: %v", obj.Object["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
	s, err := kubernetes.NewForConfigOrDie(p.UserConfig()).CoreV1().Secrets(p.UserNamespace()).Get(ctx, "real-creds", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := platformtest.PostgresEndpoint{Host: string(s.Data["LOADBALANCER_IP"]), Port: string(s.Data["POSTGRESQL_PORT"]), Database: "postgres",
		User: string(s.Data["POSTGRESQL_USER"]), Password: string(s.Data["POSTGRESQL_PASSWORD"]), CACertPEM: s.Data["ca.crt"]}
	conn, err := e.Connect(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, _, err := platformtest.WriteAndReadRow(ctx, conn, "notes", "kept"); err != nil {
		t.Fatal(err)
	}
	return e
}

// readRow reads the row realServerWithRow wrote.
func readRow(ctx context.Context, e platformtest.PostgresEndpoint) (string, error) {
	conn, err := e.Connect(ctx, false)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var body string
	err = conn.QueryRow(ctx, "SELECT body FROM notes WHERE id = 1").Scan(&body)
	return body, err
}

// postgresServerVersion is the version the machine's postgres binary reports, e.g. "15.18".
func postgresServerVersion(t *testing.T) string {
	t.Helper()
	bins, _ := filepath.Glob(platformtest.PostgreSQLBinaries[0])
	if len(bins) == 0 {
		t.Fatal("no postgres binary")
	}
	slices.Sort(bins)
	out, err := exec.Command(bins[len(bins)-1], "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	// "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
	fields := strings.Fields(string(out))
	if len(fields) < 3 {
		t.Fatalf("postgres --version: %q", out)
	}
	return fields[2]
}
