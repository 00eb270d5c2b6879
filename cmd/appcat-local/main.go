// Command appcat-local runs the local AppCat platform on this machine: a Kubernetes API server
// on 127.0.0.1 with the AppCat API and a controller that plays the platform's part.
//
//	appcat-local up      [--state-dir DIR] [--port N] [--provisioning-delay 2s] [--fail-name-pattern RE] [--user-namespaces a,b]
//	appcat-local down    [--state-dir DIR] [--purge]
//	appcat-local status  [--state-dir DIR]
//	appcat-local env     [--state-dir DIR] [--token]
//	appcat-local build   [controlplane|opentofu|goreleaser]
//
// The state dir defaults to .appcat-local in the repository root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
)

const usage = `appcat-local runs the local AppCat platform (kube-apiserver + etcd on 127.0.0.1).

Usage:
  appcat-local up      start it in the background (builds the control plane the first time)
  appcat-local down    stop it (--purge also removes the state dir)
  appcat-local status  show what runs, and where the real database servers listen
  appcat-local env     print the environment a terraform run needs (--token: host/token/CA instead)
  appcat-local build   build etcd, kube-apiserver and kube-controller-manager if their pins changed (up does it too);
                       "build opentofu" builds bin/tofu (tools/opentofu) for the acceptance tests on OpenTofu,
                       "build goreleaser" bin/goreleaser (tools/goreleaser) for make release-check

Run "appcat-local <command> -h" for the flags of a command.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmds := map[string]func([]string) error{
		"up": up, "down": down, "status": status, "env": env, "build": build, "controller": controller,
	}
	run, ok := cmds[os.Args[1]]
	if !ok {
		if os.Args[1] != "-h" && os.Args[1] != "--help" && os.Args[1] != "help" {
			fmt.Fprintf(os.Stderr, "unknown command %q\n\n", os.Args[1])
		}
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "appcat-local %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("appcat-local "+name, flag.ContinueOnError)
	dir := fs.String("state-dir", "", "state directory (default: .appcat-local in the repository root)")
	return fs, dir
}

// stateDir resolves the default state dir: .appcat-local in the repository root, or in the
// working directory outside the repository.
func stateDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if root, err := localplatform.FindRepoRoot(wd); err == nil {
		return filepath.Join(root, ".appcat-local"), nil
	}
	return filepath.Join(wd, ".appcat-local"), nil
}

// build builds the control plane binaries (or, with the argument opentofu, bin/tofu for the
// acceptance tests on OpenTofu; with goreleaser, bin/goreleaser for make release-check), so that
// CI can build them in a step of its own.
func build(args []string) error {
	fs := flag.NewFlagSet("appcat-local build", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	what := "controlplane"
	switch fs.NArg() {
	case 0:
	case 1:
		what = fs.Arg(0)
	default:
		return fmt.Errorf("build takes at most one argument (controlplane, opentofu or goreleaser), not %q", fs.Args())
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := localplatform.FindRepoRoot(wd)
	if err != nil {
		return err
	}
	started := time.Now()
	switch what {
	case "controlplane":
		dir, err := localplatform.EnsureBinaries(context.Background(), root, os.Stderr)
		if err != nil {
			return err
		}
		fmt.Printf("etcd, kube-apiserver and kube-controller-manager are in %s (%s)\n", dir, time.Since(started).Round(time.Second))
	case "opentofu":
		tofu, err := localplatform.EnsureOpenTofu(context.Background(), root, os.Stderr)
		if err != nil {
			return err
		}
		fmt.Printf("OpenTofu is %s (%s)\n", tofu, time.Since(started).Round(time.Second))
	case "goreleaser":
		goreleaser, err := localplatform.EnsureGoReleaser(context.Background(), root, os.Stderr)
		if err != nil {
			return err
		}
		fmt.Printf("GoReleaser is %s (%s)\n", goreleaser, time.Since(started).Round(time.Second))
	default:
		return fmt.Errorf("build: unknown %q (controlplane, opentofu or goreleaser)", what)
	}
	return nil
}

func up(args []string) error {
	fs, dirFlag := newFlags("up")
	port := fs.Int("port", 0, "kube-apiserver port on 127.0.0.1 (0: a free port)")
	delay := fs.Duration("provisioning-delay", 2*time.Second, "initial provisioningDelay of the platform")
	failPattern := fs.String("fail-name-pattern", "", "initial failNamePattern: claims whose name matches never become ready")
	namespaces := fs.String("user-namespaces", localplatform.DefaultUserNamespace, "comma-separated namespaces granted to appcat-user")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := stateDir(*dirFlag)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	start := time.Now()
	p, running, err := localplatform.Up(ctx, localplatform.Options{
		StateDir:          dir,
		Port:              *port,
		ProvisioningDelay: *delay,
		FailNamePattern:   *failPattern,
		UserNamespaces:    splitList(*namespaces),
		Log:               os.Stderr,
		ControllerCommand: []string{self, "controller", "--state-dir", dir},
	})
	if err != nil {
		return err
	}
	if running {
		fmt.Printf("The local AppCat platform already runs at %s (state in %s).\n", p.Host(), dir)
	} else {
		fmt.Printf("The local AppCat platform runs at %s (ready in %s; state in %s).\n", p.Host(), time.Since(start).Round(time.Millisecond), dir)
	}
	fmt.Printf(`
Kubeconfig: %[1]s (contexts: admin, current; user = appcat-user in namespace %[2]s)

  kubectl --kubeconfig %[1]s get vshnpostgresqls -A
  kubectl --kubeconfig %[1]s --context user get vshnpostgresqls
  eval "$(%[3]s env --state-dir %[4]s)"   # for terraform: KUBE_CONFIG_PATH, KUBE_CTX=user
  %[3]s down --state-dir %[4]s
`, p.KubeconfigPath(), p.UserNamespace(), filepath.Base(os.Args[0]), dir)
	return nil
}

func down(args []string) error {
	fs, dirFlag := newFlags("down")
	purge := fs.Bool("purge", false, "also remove the state directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := stateDir(*dirFlag)
	if err != nil {
		return err
	}
	// Outside the repository the default state directory is the working directory's: saying
	// "stopped" there would hide that the platform started from the repository still runs.
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		fmt.Printf("No local AppCat platform has its state in %s: nothing to stop (pass --state-dir).\n", dir)
		return nil
	}
	if err := localplatform.Down(dir, *purge, os.Stderr); err != nil {
		return err
	}
	fmt.Println("The local AppCat platform is stopped.")
	return nil
}

func status(args []string) error {
	fs, dirFlag := newFlags("status")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := stateDir(*dirFlag)
	if err != nil {
		return err
	}
	p, err := localplatform.Open(dir)
	if errors.Is(err, localplatform.ErrNotRunning) {
		fmt.Printf("Not running (no platform was started in %s).\n", dir)
		return nil
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := p.Status(ctx)
	fmt.Printf("state dir: %s\nAPI:       %s ", s.StateDir, s.Host)
	if s.Reachable {
		fmt.Println("(reachable)")
	} else {
		fmt.Println("(not reachable)")
	}
	for _, ps := range s.Processes {
		if ps.PID == 0 {
			fmt.Printf("  %-15s not running\n", ps.Name)
		} else {
			fmt.Printf("  %-15s pid %-8d %6.0f MiB\n", ps.Name, ps.PID, float64(ps.RSSBytes)/(1<<20))
		}
	}
	if len(s.Claims) > 0 {
		for _, gvr := range localplatform.ClaimResources {
			fmt.Printf("  %-15s %d\n", gvr.Resource, s.Claims[gvr.Resource])
		}
	}
	if len(s.Servers) > 0 {
		// Where a client reaches each real server; for Redis, whose instances AppCat serves
		// inside the cluster only, this stands for a port-forward.
		fmt.Println("real servers:")
		for _, sv := range s.Servers {
			fmt.Printf("  %-15s %s/%s  %s  (version %s)\n", sv.Kind, sv.Namespace, sv.Name, sv.Address, sv.Version)
		}
	}
	return err
}

func env(args []string) error {
	fs, dirFlag := newFlags("env")
	token := fs.Bool("token", false, "print KUBE_HOST, KUBE_TOKEN and KUBE_CLUSTER_CA_CERT_DATA (appcat-user's bearer token) instead of the kubeconfig variables")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := stateDir(*dirFlag)
	if err != nil {
		return err
	}
	p, err := localplatform.Open(dir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !p.Reachable(ctx) {
		fmt.Fprintf(os.Stderr, "warning: the platform in %s does not answer; start it with: appcat-local up\n", dir)
	}
	vars := p.Env()
	if *token {
		vars = p.TokenEnv()
		fmt.Println("unset KUBECONFIG KUBE_CONFIG_PATH KUBE_CTX")
	}
	if mon, err := p.MonitoringEnv(ctx); err == nil {
		vars = append(vars, mon...)
	} else {
		fmt.Fprintf(os.Stderr, "warning: no APPCAT_PROMETHEUS_URL: %v\n", err)
	}
	printExports(os.Stdout, vars)
	return nil
}

func printExports(w io.Writer, vars []string) {
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(w, "export %s=%s\n", k, shellQuote(v))
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// controller runs the controller until signalled; `up` starts it detached.
func controller(args []string) error {
	fs, dirFlag := newFlags("controller")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := stateDir(*dirFlag)
	if err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	return localplatform.RunController(ctx, dir, os.Stderr)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
