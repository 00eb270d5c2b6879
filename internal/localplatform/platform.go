package localplatform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/rest"
)

// DefaultUserNamespace is the namespace granted to appcat-user when Options.UserNamespaces is empty.
const DefaultUserNamespace = "my-app"

// Options configure Start.
type Options struct {
	// StateDir holds all state: certificates, etcd data, kubeconfig, logs, pid files. Required.
	StateDir string
	// BinDir holds etcd and kube-apiserver; empty: EnsureBinaries builds them if needed.
	BinDir string
	// Port is kube-apiserver's secure port on 127.0.0.1; 0 picks a free port (the port of the
	// last run in StateDir when it is still free).
	Port int
	// ProvisioningDelay is the initial value of provisioningDelay in ConfigMap
	// appcat-system/platform-config.
	ProvisioningDelay time.Duration
	// FailNamePattern is the initial value of failNamePattern in the same ConfigMap.
	FailNamePattern string
	// UserNamespaces are created and granted to appcat-user (RoleBinding appcat-customer);
	// default [DefaultUserNamespace].
	UserNamespaces []string
	// Log receives progress messages; nil discards them.
	Log io.Writer

	// Detach starts etcd and kube-apiserver in their own session so that they outlive this
	// process (appcat-local up), and runs the controller as ControllerCommand instead of in
	// this process. Stop still stops everything; Down does it from another process.
	Detach bool
	// ControllerCommand is the command line of the controller process when Detach is set; it
	// must mention StateDir (appcat-local passes `controller --state-dir <dir>`). Empty: no
	// controller runs.
	ControllerCommand []string
	// NoController skips the in-process controller (Detach unset): only the API is served.
	NoController bool
}

// Platform is a running local AppCat platform.
type Platform struct {
	stateDir       string
	host           string
	userNamespaces []string
	pki            *pki
	admin, user    *rest.Config
	log            io.Writer

	etcd, apiserver, kcm, controller *process

	ctrlCancel context.CancelFunc
	ctrlDone   chan struct{}
	ctrlErr    error

	stopOnce sync.Once
	stopErr  error
}

func (o Options) withDefaults() (Options, error) {
	if o.StateDir == "" {
		return o, errors.New("localplatform: Options.StateDir is required")
	}
	dir, err := filepath.Abs(o.StateDir)
	if err != nil {
		return o, err
	}
	o.StateDir = dir
	if len(o.UserNamespaces) == 0 {
		o.UserNamespaces = []string{DefaultUserNamespace}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o, nil
}

// Start starts etcd, kube-apiserver and kube-controller-manager as child processes, installs the AppCat API, starts the
// controller and returns once the API is ready, the CRDs are Established, the admission policies
// are enforced and appcat-user may use its namespaces. ctx bounds the start only; the platform
// runs until Stop.
func Start(ctx context.Context, opts Options) (_ *Platform, err error) {
	t0 := time.Now()
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.StateDir, 0o755); err != nil {
		return nil, err
	}
	if p := findProcess(o.StateDir, "kube-apiserver"); p != nil {
		return nil, fmt.Errorf("a platform already runs in %s (kube-apiserver pid %d)", o.StateDir, p.pid)
	}
	if p := findProcess(o.StateDir, "etcd"); p != nil {
		return nil, fmt.Errorf("a platform already runs in %s (etcd pid %d)", o.StateDir, p.pid)
	}
	if o.BinDir == "" {
		if o.BinDir, err = EnsureBinaries(ctx, "", o.Log); err != nil {
			return nil, err
		}
	}
	phase := newPhases(o.Log)

	k, err := ensurePKI(o.StateDir)
	if err != nil {
		return nil, err
	}
	prev, _ := readState(o.StateDir)
	ports, err := choosePorts(o.Port, prev)
	if err != nil {
		return nil, err
	}
	p := &Platform{
		stateDir:       o.StateDir,
		host:           hostURL(ports.APIServer),
		userNamespaces: o.UserNamespaces,
		pki:            k,
		log:            o.Log,
	}
	p.admin, p.user = restConfigs(p.host, k)
	defer func() {
		if err != nil {
			_ = p.Stop()
		}
	}()
	phase.done("certificates")

	if p.etcd, err = startEtcd(ctx, o.BinDir, o.StateDir, ports.EtcdClient, ports.EtcdPeer, o.Detach); err != nil {
		return nil, err
	}
	phase.done("etcd ready")
	if p.apiserver, err = startAPIServer(ctx, o.BinDir, o.StateDir, k, ports.APIServer, ports.EtcdClient, p.admin, o.Detach); err != nil {
		return nil, err
	}
	phase.done("kube-apiserver serving")
	if err := writeKubeconfig(p.KubeconfigPath(), p.host, p.UserNamespace(), k); err != nil {
		return nil, err
	}
	if err := writeState(o.StateDir, state{Host: p.host, Ports: ports, UserNamespaces: o.UserNamespaces}); err != nil {
		return nil, err
	}

	in, err := newInstaller(p.admin, &o)
	if err != nil {
		return nil, err
	}
	if err := in.install(ctx); err != nil {
		return nil, err
	}
	phase.done("AppCat API installed")
	if err := waitReady(ctx, p.apiserver, p.admin); err != nil {
		return nil, err
	}
	phase.done("kube-apiserver ready")
	if p.kcm, err = startNamespaceController(o.BinDir, o.StateDir, p.host, k, o.Detach); err != nil { // namespaces.go
		return nil, err
	}

	switch {
	case o.Detach && len(o.ControllerCommand) > 0:
		cmd := o.ControllerCommand
		if p.controller, err = startProcess(o.StateDir, "controller", cmd[0], cmd[1:], nil, true); err != nil {
			return nil, err
		}
	case !o.Detach && !o.NoController:
		if err := p.startController(); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(o.Log, "platform ready at %s in %s\n", p.host, time.Since(t0).Round(time.Millisecond))
	return p, nil
}

// startController runs the controller in this process until Stop. Its log goes to
// <state>/controller.log, as the detached controller's does.
func (p *Platform) startController() error {
	logFile, err := os.OpenFile(filepath.Join(p.stateDir, "controller.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.ctrlCancel = cancel
	p.ctrlDone = make(chan struct{})
	go func() {
		defer close(p.ctrlDone)
		defer logFile.Close()
		p.ctrlErr = runController(ctx, p.admin, p.stateDir, logFile)
		if p.ctrlErr != nil && ctx.Err() == nil {
			fmt.Fprintf(logFile, "controller stopped: %v\n", p.ctrlErr)
			fmt.Fprintf(p.log, "controller stopped: %v (see %s)\n", p.ctrlErr, logFile.Name())
		}
	}()
	return nil
}

// ControllerErr is the error the in-process controller stopped with, nil while it runs.
func (p *Platform) ControllerErr() error {
	if p.ctrlDone == nil {
		return nil
	}
	select {
	case <-p.ctrlDone:
		return p.ctrlErr
	default:
		return nil
	}
}

// Stop stops the controller, kube-controller-manager, kube-apiserver and etcd. It keeps the state dir. Calling it again
// does nothing.
func (p *Platform) Stop() error {
	p.stopOnce.Do(func() {
		var errs []error
		if p.ctrlCancel != nil {
			p.ctrlCancel()
			select {
			case <-p.ctrlDone:
			case <-time.After(10 * time.Second):
				errs = append(errs, errors.New("controller did not stop within 10s"))
			}
		}
		for _, proc := range []*process{p.controller, p.kcm, p.apiserver, p.etcd} {
			if proc != nil {
				if err := proc.stop(5 * time.Second); err != nil {
					errs = append(errs, err)
				}
			}
		}
		p.stopErr = errors.Join(errs...)
	})
	return p.stopErr
}

// AdminConfig is a client configuration of the platform operator (group system:masters).
func (p *Platform) AdminConfig() *rest.Config { return rest.CopyConfig(p.admin) }

// UserConfig is a client configuration of the customer appcat-user (client certificate),
// allowed to manage claims in UserNamespace only.
func (p *Platform) UserConfig() *rest.Config { return rest.CopyConfig(p.user) }

// UserTokenConfig is UserConfig with the static bearer token instead of a client certificate.
func (p *Platform) UserTokenConfig() *rest.Config { return userTokenConfig(p.host, p.pki) }

// UserToken is the static bearer token of appcat-user (also in <state>/user.token).
func (p *Platform) UserToken() string { return p.pki.userToken }

// CACertPEM is the CA certificate that signed the API server's serving certificate.
func (p *Platform) CACertPEM() []byte { return append([]byte(nil), p.pki.caPEM...) }

// UserNamespace is the first namespace granted to appcat-user.
func (p *Platform) UserNamespace() string { return p.userNamespaces[0] }

// UserNamespaces are all namespaces granted to appcat-user.
func (p *Platform) UserNamespaces() []string { return append([]string(nil), p.userNamespaces...) }

// KubeconfigPath is the kubeconfig with the contexts admin (current) and user.
func (p *Platform) KubeconfigPath() string { return filepath.Join(p.stateDir, kubeconfigFile) }

// Host is the API server's URL, https://127.0.0.1:<port>.
func (p *Platform) Host() string { return p.host }

// StateDir is the directory holding the platform's state.
func (p *Platform) StateDir() string { return p.stateDir }

// Env are the KEY=VALUE settings a terraform run needs to act as appcat-user through the
// kubeconfig: KUBECONFIG (for kubectl; current context admin), KUBE_CONFIG_PATH and KUBE_CTX=user
// (for the provider).
func (p *Platform) Env() []string {
	return []string{
		"KUBECONFIG=" + p.KubeconfigPath(),
		"KUBE_CONFIG_PATH=" + p.KubeconfigPath(),
		"KUBE_CTX=" + UserContext,
	}
}

// TokenEnv are the KEY=VALUE settings for the provider's host + token + CA configuration of
// appcat-user: KUBE_HOST, KUBE_TOKEN and KUBE_CLUSTER_CA_CERT_DATA (PEM). Use them instead of
// Env, not with it.
func (p *Platform) TokenEnv() []string {
	return []string{
		"KUBE_HOST=" + p.host,
		"KUBE_TOKEN=" + p.pki.userToken,
		"KUBE_CLUSTER_CA_CERT_DATA=" + string(p.pki.caPEM),
	}
}

// phases prints how long each step of Start took.
type phases struct {
	w    io.Writer
	last time.Time
}

func newPhases(w io.Writer) *phases { return &phases{w: w, last: time.Now()} }

func (ph *phases) done(what string) {
	now := time.Now()
	fmt.Fprintf(ph.w, "  %-22s %6s\n", what, now.Sub(ph.last).Round(time.Millisecond))
	ph.last = now
}

// ServerDir is where the controller keeps the data of the instances' real servers, one
// directory per claim UID.
func (p *Platform) ServerDir() string { return serverDir(p.stateDir) }
