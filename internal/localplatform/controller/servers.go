package controller

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// Real servers (issue 17). Where the database server binaries are on the machine, an instance
// that asks to be reachable (service type LoadBalancer) gets one real server process, listening
// on the loopback address the platform assigns as its load balancer IP, with the instance's
// admin credentials and a server certificate from the platform's CA. A Redis instance cannot ask
// (upstream's claim has no service type): every one gets its server, at the address a
// port-forward would give (servers_redis.go). Without the binaries the platform behaves as
// before: connection details for a server that does not exist.
//
// The servers are children of the controller: they stop with it (Pdeathsig) and the next
// controller starts them again from their data directories as it reconciles the claims.
// Deleting the claim stops its server and removes its data.

// serverEngine runs one kind's real server.
type serverEngine interface {
	// name is the server's name for logs and messages, e.g. "PostgreSQL".
	name() string
	// available tells whether the binaries are on this machine; why not otherwise.
	available() (bool, string)
	// version is the server's version, as its binary reports it: the machine's, whatever
	// version the claim asks for.
	version() string
	// wanted tells whether the claim gets a real server.
	wanted(obj *unstructured.Unstructured) bool
	// describe adds to spec what the kind's server takes from the claim beyond the common
	// fields: the host names of its certificate, its TLS settings.
	describe(obj *unstructured.Unstructured, instanceNS string, spec *serverSpec)
	// prepare makes the data directory of a new server (initdb) and writes its configuration and
	// certificates; it runs before every start, so a changed certificate takes effect.
	prepare(ctx context.Context, dir string, spec serverSpec) error
	// command is the server process for dir.
	command(dir string, spec serverSpec) *exec.Cmd
	// port is the port the server listens on at its load balancer IP: the service's usual one,
	// as each instance has an address of its own.
	port() int
	// shutdownSignal is the signal on which the server shuts down fast, without waiting for
	// its clients; it gets it when the controller stops or dies.
	shutdownSignal() syscall.Signal
	// ready tells whether the started server accepts connections.
	ready(ctx context.Context, dir string, spec serverSpec) error
	// dump writes a dump of the whole server (roles and databases) to out.
	dump(ctx context.Context, dir string, spec serverSpec, out string) error
	// load loads a dump into the fresh server and gives the admin back its own password.
	load(ctx context.Context, dir string, spec serverSpec, path string) error
	// applyUsers makes the instance's database users (spec.users) on the running server; it
	// runs after every start and whenever the users change.
	applyUsers(ctx context.Context, dir string, spec serverSpec) error
}

// serverSpec is what a server is started with, from the claim and its connection secret.
type serverSpec struct {
	uid      string
	ip       string // the load balancer IP it listens on
	port     int
	password string     // the admin password
	ca       *authority // the instance's CA: it signs the server certificate for ip
	// dnsNames are the host names the server certificate names besides ip: those of the
	// connection secret, for a server that clients reach under the service's name.
	dnsNames []string
	// plainText serves without TLS, where the claim turns it off; clientCerts requires
	// clients to present a certificate from the platform's CA.
	plainText, clientCerts bool
	users                  []serverUser
	// restore, for a restored instance, names the dump its new server loads ("" for none);
	// it runs with the slot of uid locked and may dump the source, locking its slot (servers_backups.go).
	restore func(ctx context.Context) (string, error)
	// exited is called when the server, once ready, exits without being stopped: the
	// controller reconciles the claim, which starts it again.
	exited func()
}

// serverPool is the real servers of one controller.
type serverPool struct {
	// root holds one directory per server, named by the claim's UID.
	root  string
	mu    sync.Mutex             // guards slots
	slots map[string]*serverSlot // by claim UID
	log   logr.Logger
	// unavailable remembers the servers whose missing binaries were logged.
	unavailable sync.Map
}

// serverSlot is the place of one claim's server in the pool. Its lock is held while that server
// starts, stops or is dumped (seconds, for a first start), so servers of other claims start
// meanwhile.
type serverSlot struct {
	mu     sync.Mutex
	server *runningServer // nil: none runs
}

// slot is the slot of uid, made on first use.
func (p *serverPool) slot(uid string) *serverSlot {
	p.mu.Lock()
	defer p.mu.Unlock()
	sl := p.slots[uid]
	if sl == nil {
		sl = &serverSlot{}
		p.slots[uid] = sl
	}
	return sl
}

// existingSlot is the slot of uid, or nil when its server was never started.
func (p *serverPool) existingSlot(uid string) *serverSlot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slots[uid]
}

type runningServer struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	spec serverSpec
	// users are the database users last applied, as applyUsers got them.
	users []serverUser
	// shutdown is the server's shutdown signal (serverEngine.shutdownSignal).
	shutdown syscall.Signal
	// ready: it has accepted connections; stopping: the pool asked it to shut down.
	ready, stopping atomic.Bool
}

func newServerPool(root string, log logr.Logger) *serverPool {
	if root == "" {
		return nil
	}
	return &serverPool{root: root, slots: map[string]*serverSlot{}, log: log}
}

// ensure has the server of spec.uid running and ready, starting it if needed.
func (p *serverPool) ensure(ctx context.Context, e serverEngine, spec serverSpec) error {
	sl := p.slot(spec.uid)
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if s := sl.server; s != nil {
		select {
		case <-s.done:
			sl.server = nil // exited: start it again
		default:
			if s.spec.startsLike(spec) {
				return p.applyUsersLocked(ctx, e, s, spec)
			}
			sl.stopLocked() // credentials, address or TLS changed: restart with the new ones
		}
	}
	// Open to the servers' system users (serverOwner), which must reach their own directories.
	if err := os.MkdirAll(p.root, 0o711); err != nil {
		return err
	}
	if err := os.Chmod(p.root, 0o711); err != nil {
		return err
	}
	dir := filepath.Join(p.root, spec.uid)
	fresh := !p.hasData(spec.uid)
	if err := e.prepare(ctx, dir, spec); err != nil {
		return fmt.Errorf("preparing the %s server: %w", e.name(), err)
	}
	cmd := e.command(dir, spec)
	logFile, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting the %s server: %w", e.name(), err)
	}
	s := &runningServer{cmd: cmd, done: make(chan struct{}), spec: spec, shutdown: e.shutdownSignal()}
	go func() {
		err := cmd.Wait()
		logFile.Close()
		close(s.done)
		if s.ready.Load() && !s.stopping.Load() {
			p.log.Info("real server exited; the claim's reconcile starts it again", "server", e.name(), "uid", spec.uid, "exit", fmt.Sprint(err))
			if spec.exited != nil {
				spec.exited()
			}
		}
	}()
	sl.server = s
	readyCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		err := e.ready(readyCtx, dir, spec)
		if err == nil {
			break
		}
		select {
		case <-s.done:
			sl.server = nil
			return fmt.Errorf("the %s server exited at start (%s): %w", e.name(), filepath.Join(dir, "server.log"), err)
		case <-readyCtx.Done():
			return fmt.Errorf("the %s server is not ready after %s: %w", e.name(), time.Since(start).Round(time.Second), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.ready.Store(true)
	p.log.Info("real server started", "server", e.name(), "version", e.version(), "uid", spec.uid, "address", net.JoinHostPort(spec.ip, fmt.Sprint(spec.port)),
		"startup", time.Since(start).Round(time.Millisecond).String())
	if fresh && spec.restore != nil {
		path, err := spec.restore(ctx)
		if err != nil {
			return err
		}
		if path != "" {
			if err := e.load(ctx, dir, spec, path); err != nil {
				return fmt.Errorf("restoring the %s server from %s: %w", e.name(), path, err)
			}
			p.log.Info("real server restored", "server", e.name(), "uid", spec.uid, "dump", path)
		}
	}
	return p.applyUsersLocked(ctx, e, s, spec)
}

// applyUsersLocked makes the database users of spec on the running server s, unless they are
// the ones it made last.
func (p *serverPool) applyUsersLocked(ctx context.Context, e serverEngine, s *runningServer, spec serverSpec) error {
	if s.users != nil && slices.EqualFunc(s.users, spec.users, sameServerUser) {
		return nil
	}
	if err := e.applyUsers(ctx, filepath.Join(p.root, spec.uid), spec); err != nil {
		return fmt.Errorf("making the database users on the %s server: %w", e.name(), err)
	}
	s.users = append([]serverUser{}, spec.users...)
	return nil
}

// startsLike tells whether a server started with s serves as one started with o would.
func (s serverSpec) startsLike(o serverSpec) bool {
	return s.password == o.password && s.ip == o.ip && slices.Equal(s.dnsNames, o.dnsNames) &&
		s.plainText == o.plainText && s.clientCerts == o.clientCerts
}

func sameServerUser(a, b serverUser) bool {
	return a.name == b.name && a.password == b.password && a.database == b.database && slices.Equal(a.privileges, b.privileges)
}

// remove stops the server of uid, if it runs, and deletes its data and its slot.
func (p *serverPool) remove(uid string) error {
	if sl := p.existingSlot(uid); sl != nil {
		sl.mu.Lock()
		defer sl.mu.Unlock()
		sl.stopLocked()
		p.mu.Lock()
		delete(p.slots, uid)
		p.mu.Unlock()
	}
	return os.RemoveAll(filepath.Join(p.root, uid))
}

// stop stops the server of uid, if it runs, and keeps its data.
func (p *serverPool) stop(uid string) {
	sl := p.existingSlot(uid)
	if sl == nil {
		return // never started: most claims that want no server
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	sl.stopLocked()
}

// noteUnavailable logs once per server why the platform runs none.
func (p *serverPool) noteUnavailable(server, why string) {
	if _, logged := p.unavailable.LoadOrStore(server, true); !logged {
		p.log.Info("no real servers: "+why, "server", server)
	}
}

// stopAll stops every server (the controller is stopping).
func (p *serverPool) stopAll() {
	p.mu.Lock()
	slots := maps.Clone(p.slots)
	p.mu.Unlock()
	for _, sl := range slots {
		sl.mu.Lock()
		sl.stopLocked()
		sl.mu.Unlock()
	}
}

// stopLocked asks the slot's server to shut down fast (its shutdown signal) and waits; it kills
// it when it takes longer than 10 s.
func (sl *serverSlot) stopLocked() {
	s := sl.server
	if s == nil {
		return
	}
	sl.server = nil
	s.stopping.Store(true)
	_ = s.cmd.Process.Signal(s.shutdown)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// writeServerCertificate writes server.crt and server.key for the server's address, signed by
// the instance's CA (instance_ca.go), and ca.crt; a certificate that still fits is kept.
func writeServerCertificate(dir string, spec serverSpec, owner *syscall.Credential) error {
	leaf := leafSpec{commonName: spec.ip, ips: []string{spec.ip}, dnsNames: spec.dnsNames}
	certPath, keyPath := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	oldCert, _ := os.ReadFile(certPath)
	oldKey, _ := os.ReadFile(keyPath)
	if oldCert == nil || !spec.ca.matches(leaf, oldCert, oldKey) {
		certPEM, keyPEM, err := spec.ca.issue(leaf)
		if err != nil {
			return fmt.Errorf("issuing the server certificate: %w", err)
		}
		if err := ownedFile(certPath, certPEM, 0o600, owner); err != nil {
			return err
		}
		if err := ownedFile(keyPath, keyPEM, 0o600, owner); err != nil {
			return err
		}
	}
	return ownedFile(filepath.Join(dir, "ca.crt"), spec.ca.certPEM, 0o600, owner)
}

// ensureServer runs the claim's real server when the kind has one, the claim wants it (asks for
// a load balancer, for most kinds), and the binaries are there; a claim that no longer wants
// one has its server stopped, its data kept.
func (r *reconciler) ensureServer(ctx context.Context, obj *unstructured.Unstructured, instanceNS string) error {
	if r.servers == nil || r.kind.server == nil {
		return nil
	}
	uid := string(obj.GetUID())
	if !r.kind.server.wanted(obj) {
		r.servers.stop(uid)
		return nil
	}
	if ok, why := r.kind.server.available(); !ok {
		r.servers.noteUnavailable(r.kind.server.name(), why)
		return nil
	}
	ps, err := r.secretsFor(ctx, obj, instanceNS)
	if err != nil {
		return err
	}
	spec := serverSpec{uid: uid, ip: loadBalancerIP(uid), port: r.kind.server.port(), password: ps.password(uid), ca: ps.ca, users: []serverUser{}}
	r.kind.server.describe(obj, instanceNS, &spec)
	key := claimKey(obj)
	spec.exited = func() {
		r.forget(key) // the claim has not changed: its next reconcile must not be skipped (skip.go)
		r.serverExits <- event.GenericEvent{Object: obj.DeepCopy()}
	}
	if r.kind.access != nil {
		users, err := parseAccess(obj, *r.kind.access)
		if err != nil {
			return err
		}
		for _, u := range users {
			spec.users = append(spec.users, serverUser{name: u.User, password: ps.accessPassword(obj.GetUID(), u.User), database: u.Database, privileges: u.Privileges})
		}
	}
	if spec.restore, err = r.restoreDump(ctx, obj); err != nil { // servers_backups.go
		return err
	}
	return r.servers.ensure(ctx, r.kind.server, spec)
}

// binaryVersions caches what binaryVersion found, by binary.
var binaryVersions sync.Map

var versionNumber = regexp.MustCompile(`\d+\.\d+(\.\d+)?`)

// binaryVersion is the first version number that `<path> --version` prints ("" for none).
func binaryVersion(path string) string {
	if v, ok := binaryVersions.Load(path); ok {
		return v.(string)
	}
	out, _ := exec.Command(path, "--version").Output()
	v := versionNumber.FindString(string(out))
	binaryVersions.Store(path, v)
	return v
}

// loadBalancedServer is what the servers of kinds whose claims ask for a load balancer share:
// such a claim wants a server, clients reach it at the load balancer IP, with TLS.
type loadBalancedServer struct{}

func (loadBalancedServer) wanted(obj *unstructured.Unstructured) bool { return wantsLoadBalancer(obj) }

func (loadBalancedServer) describe(*unstructured.Unstructured, string, *serverSpec) {}

// removeServer stops a deleted claim's server and removes its data.
func (r *reconciler) removeServer(obj *unstructured.Unstructured) error {
	if r.servers == nil || r.kind.server == nil {
		return nil
	}
	return r.servers.remove(string(obj.GetUID()))
}
