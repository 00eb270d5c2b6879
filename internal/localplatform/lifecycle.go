package localplatform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// ErrNotRunning says no platform runs in a state dir.
var ErrNotRunning = errors.New("no local platform runs here")

// processNames in the order Down stops them.
var processNames = []string{"controller", kcmProcess, "kube-apiserver", "etcd"}

// Up starts a detached platform (opts.Detach is implied) unless one already runs in
// opts.StateDir and answers; then it returns that one and running=true. A platform that runs
// only in part (a process died) is stopped and started anew; a missing controller is restarted.
func Up(ctx context.Context, opts Options) (p *Platform, running bool, err error) {
	opts.Detach = true
	o, err := opts.withDefaults()
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(o.StateDir, 0o755); err != nil {
		return nil, false, err
	}
	unlock, err := lockDir(o.StateDir)
	if err != nil {
		return nil, false, err
	}
	defer unlock()

	if p, err := Open(o.StateDir); err == nil {
		if p.etcd != nil && p.apiserver != nil && p.Reachable(ctx) {
			if p.controller == nil && len(o.ControllerCommand) > 0 {
				cmd := o.ControllerCommand
				if p.controller, err = startProcess(o.StateDir, "controller", cmd[0], cmd[1:], nil, true); err != nil {
					return nil, false, err
				}
				fmt.Fprintln(o.Log, "restarted the controller")
			}
			return p, true, nil
		}
	}
	// Whatever is left of an earlier run goes; stale pid files are removed.
	if err := Down(o.StateDir, false, o.Log); err != nil {
		return nil, false, err
	}
	p, err = Start(ctx, o)
	return p, false, err
}

// Open attaches to the platform whose state is in stateDir, for status, env and down. The
// processes it finds by their pid files are stopped by Stop. It fails with ErrNotRunning when
// the state dir holds no started platform.
func Open(stateDir string) (*Platform, error) {
	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return nil, err
	}
	st, err := readState(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s has no %s)", ErrNotRunning, dir, stateFile)
	}
	if err != nil {
		return nil, err
	}
	k := &pki{dir: filepath.Join(dir, "pki")}
	if err := k.load(dir); err != nil {
		return nil, fmt.Errorf("certificates in %s: %w", dir, err)
	}
	nss := st.UserNamespaces
	if len(nss) == 0 {
		nss = []string{DefaultUserNamespace}
	}
	p := &Platform{stateDir: dir, host: st.Host, userNamespaces: nss, pki: k, log: io.Discard}
	p.admin, p.user = restConfigs(p.host, k)
	p.etcd = findProcess(dir, "etcd")
	p.apiserver = findProcess(dir, "kube-apiserver")
	p.kcm = findProcess(dir, kcmProcess)
	p.controller = findProcess(dir, "controller")
	return p, nil
}

// Down stops the processes of the platform in stateDir by their pid files: the controller, then
// kube-controller-manager, kube-apiserver and etcd. Nothing running is fine. purge removes the state dir as well.
func Down(stateDir string, purge bool, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range processNames {
		if proc := findProcess(dir, name); proc != nil {
			fmt.Fprintf(log, "stopping %s (pid %d)\n", name, proc.pid)
			if err := proc.stop(10 * time.Second); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if purge {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := os.RemoveAll(serverDir(dir)); err != nil {
			return err
		}
		fmt.Fprintf(log, "removed %s\n", dir)
	}
	return nil
}

// RunController runs the controller against the platform in stateDir until ctx ends
// (appcat-local controller).
func RunController(ctx context.Context, stateDir string, log io.Writer) error {
	p, err := Open(stateDir)
	if err != nil {
		return err
	}
	if log == nil {
		log = io.Discard
	}
	return runController(ctx, p.admin, p.stateDir, log)
}

// Reachable reports whether the API server answers /readyz.
func (p *Platform) Reachable(ctx context.Context) bool {
	client, err := rest.HTTPClientFor(p.admin)
	if err != nil {
		return false
	}
	return apiReady(ctx, client, p.host+"/readyz")
}

// ProcessStatus describes one process of the platform.
type ProcessStatus struct {
	Name     string
	PID      int   // 0: not running
	RSSBytes int64 // resident memory, from /proc; 0 if unknown
}

// Status is what `appcat-local status` reports.
type Status struct {
	StateDir  string
	Host      string
	Processes []ProcessStatus
	Reachable bool
	// Claims counts the claims of each kind (resource name) in all namespaces.
	Claims map[string]int
	// Servers are the claims with a real server (servers.go in the controller), and where it
	// listens.
	Servers []ServerStatus
}

// ServerStatus is one claim's real server.
type ServerStatus struct {
	Kind, Namespace, Name string
	Address               string // host:port on this machine
	// Version is the server's real version: the machine's, whatever the claim asks for.
	Version string
}

// ClaimResources are the resources of the platform's claim kinds (the controller's kind table)
// whose CRDs the manifests install.
var ClaimResources = manifests.MustClaimResources(controller.IsClaimKind)

// Status tells which processes run, whether the API answers and how many claims it holds.
func (p *Platform) Status(ctx context.Context) (*Status, error) {
	s := &Status{StateDir: p.stateDir, Host: p.host, Claims: map[string]int{}}
	for _, name := range []string{"etcd", "kube-apiserver", kcmProcess, "controller"} {
		ps := ProcessStatus{Name: name}
		if proc := p.proc(name); proc != nil && !proc.hasExited() {
			ps.PID = proc.pid
			ps.RSSBytes = rssBytes(proc.pid)
		}
		s.Processes = append(s.Processes, ps)
	}
	s.Reachable = p.Reachable(ctx)
	if !s.Reachable {
		return s, nil
	}
	dyn, err := dynamic.NewForConfig(p.admin)
	if err != nil {
		return s, err
	}
	for _, gvr := range ClaimResources {
		list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue // kind not installed
		}
		if err != nil {
			return s, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
		s.Claims[gvr.Resource] = len(list.Items)
		for _, c := range list.Items {
			s.Servers = append(s.Servers, p.serverOf(c)...)
		}
	}
	return s, nil
}

// serverOf is the claim's real server, if it has one: a kind with real servers and a data
// directory for the claim.
func (p *Platform) serverOf(claim unstructured.Unstructured) []ServerStatus {
	address, version, ok := controller.RealServer(claim.GetKind(), string(claim.GetUID()))
	if !ok {
		return nil
	}
	if _, err := os.Stat(filepath.Join(p.ServerDir(), string(claim.GetUID()))); err != nil {
		return nil
	}
	return []ServerStatus{{Kind: claim.GetKind(), Namespace: claim.GetNamespace(), Name: claim.GetName(), Address: address, Version: version}}
}

func (p *Platform) proc(name string) *process {
	switch name {
	case "etcd":
		return p.etcd
	case "kube-apiserver":
		return p.apiserver
	case kcmProcess:
		return p.kcm
	case "controller":
		return p.controller
	}
	return nil
}

// PIDs are the process ids of the platform's child processes by name (etcd, kube-apiserver,
// kube-controller-manager, and controller when it runs as a process).
func (p *Platform) PIDs() map[string]int {
	m := map[string]int{}
	for _, name := range []string{"etcd", "kube-apiserver", kcmProcess, "controller"} {
		if proc := p.proc(name); proc != nil {
			m[name] = proc.pid
		}
	}
	return m
}
