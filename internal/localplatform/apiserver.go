package localplatform

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/rest"
)

// EnvAPIServerFlags holds extra kube-apiserver flags (space-separated), for debugging.
const EnvAPIServerFlags = "APPCAT_LOCAL_APISERVER_FLAGS"

const (
	serviceClusterIPRange = "10.0.0.0/24"
	serviceAccountIssuer  = "https://kubernetes.default.svc"
)

// disabledAdmissionPlugins are default plugins that serve nodes, pods and storage, which this
// platform does not run, or that need controllers it lacks (ServiceAccount waits for the token
// controller of kube-controller-manager). NamespaceLifecycle, RBAC-related checks and the
// admission policies (ValidatingAdmissionPolicy) stay on.
var disabledAdmissionPlugins = []string{
	"ServiceAccount",
	"TaintNodesByCondition",
	"PodSecurity",
	"Priority",
	"DefaultTolerationSeconds",
	"DefaultStorageClass",
	"StorageObjectInUseProtection",
	"PersistentVolumeClaimResize",
	"RuntimeClass",
	"DefaultIngressClass",
	"PodTopologyLabels",
	"ResourceQuota",
	"LimitRanger",
}

// enabledAPIs are the only built-in API groups served: core, what RBAC, CRDs, admission
// policies and authentication need, and what kube-apiserver's own start-up controllers
// require (networking for service IPs, discovery for endpoint slices). Workload, storage,
// scheduling and other groups stay off: about 60 MiB less memory and a faster start.
var enabledAPIs = []string{
	"v1",
	"admissionregistration.k8s.io/v1",
	"apiextensions.k8s.io/v1",
	"apiregistration.k8s.io/v1",
	"authentication.k8s.io/v1",
	"authorization.k8s.io/v1",
	"rbac.authorization.k8s.io/v1",
	"coordination.k8s.io/v1",
	"events.k8s.io/v1",
	"networking.k8s.io/v1",
	"discovery.k8s.io/v1",
}

func runtimeConfig() string {
	parts := []string{"api/all=false"}
	for _, gv := range enabledAPIs {
		parts = append(parts, gv+"=true")
	}
	return strings.Join(parts, ",")
}

func apiserverArgs(stateDir string, k *pki, port, etcdPort int) []string {
	return []string{
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", etcdPort),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + k.dir,
		"--tls-cert-file=" + k.path(servingCert),
		"--tls-private-key-file=" + k.path(servingKey),
		"--client-ca-file=" + k.path(caCertFile),
		"--token-auth-file=" + k.path(tokenAuthFile),
		"--anonymous-auth=false",
		"--authorization-mode=RBAC",
		"--service-account-issuer=" + serviceAccountIssuer,
		"--service-account-key-file=" + k.path(saKeyFile),
		"--service-account-signing-key-file=" + k.path(saKeyFile),
		"--service-cluster-ip-range=" + serviceClusterIPRange,
		"--disable-admission-plugins=" + strings.Join(disabledAdmissionPlugins, ","),
		// Nothing here a laptop platform needs, and each costs start time or memory.
		"--runtime-config=" + runtimeConfig(),
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--endpoint-reconciler-type=none",
		// No garbage collector runs (there is no kube-controller-manager): without this flag a
		// foreground or orphan deletion would wait forever for its finalizer to be removed.
		"--enable-garbage-collector=false",
		"--event-ttl=1h",
	}
}

// rbacBootstrapCheck is the readiness check of the RBAC bootstrap: over a second on a fresh
// etcd (about a hundred roles and bindings written one by one). The admin (system:masters) does
// not need it, so the install runs meanwhile and waitReady waits for it at the end.
const rbacBootstrapCheck = "poststarthook/rbac/bootstrap-roles"

// startAPIServer starts kube-apiserver and returns once it serves the admin, which may be
// before the RBAC bootstrap is done: call waitReady before handing the platform out.
func startAPIServer(ctx context.Context, binDir, stateDir string, k *pki, port, etcdPort int, admin *rest.Config, detach bool) (*process, error) {
	args := apiserverArgs(stateDir, k, port, etcdPort)
	audit, err := auditArgs(stateDir)
	if err != nil {
		return nil, err
	}
	args = append(args, audit...)
	args = append(args, strings.Fields(os.Getenv(EnvAPIServerFlags))...)
	p, err := startProcess(stateDir, "kube-apiserver", filepath.Join(binDir, apiserverBinary), args, nil, detach)
	if err != nil {
		return nil, err
	}
	if err := waitReady(ctx, p, admin, rbacBootstrapCheck); err != nil {
		_ = p.stop(time.Second)
		return nil, err
	}
	return p, nil
}

// waitReady polls /readyz, leaving out the checks named in exclude, until it answers OK.
func waitReady(ctx context.Context, p *process, admin *rest.Config, exclude ...string) error {
	client, err := rest.HTTPClientFor(admin)
	if err != nil {
		return err
	}
	q := url.Values{"exclude": exclude}
	u := admin.Host + "/readyz"
	if len(exclude) > 0 {
		u += "?" + q.Encode()
	}
	if err := waitUntil(ctx, p, 50*time.Millisecond, func(ctx context.Context) bool {
		return apiReady(ctx, client, u)
	}); err != nil {
		return fmt.Errorf("waiting for kube-apiserver: %w", err)
	}
	return nil
}

// apiReady asks a /readyz URL, which the API server answers OK once storage, RBAC bootstrap and
// its other post-start hooks are done.
func apiReady(ctx context.Context, client *http.Client, readyzURL string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, readyzURL, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
