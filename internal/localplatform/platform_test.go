package localplatform_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

func TestMain(m *testing.M) {
	// The detached platforms of the lifecycle tests run this test binary as their controller
	// process, the way appcat-local runs itself.
	if len(os.Args) > 1 && os.Args[1] == "controller" {
		os.Exit(controllerMain(os.Args[2:]))
	}
	platformtest.Main(m)
}

var postgresGVR = schema.GroupVersionResource{Group: "vshn.appcat.vshn.io", Version: "v1", Resource: "vshnpostgresqls"}

func TestAdminListsNamespaces(t *testing.T) {
	p := platformtest.Platform()
	cs := kubernetes.NewForConfigOrDie(p.AdminConfig())
	nss, err := cs.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, ns := range nss.Items {
		found[ns.Name] = true
	}
	for _, want := range []string{p.UserNamespace(), localplatform.SystemNamespace} {
		if !found[want] {
			t.Errorf("namespace %s missing; have %v", want, found)
		}
	}
}

func kubeconfigContext(t *testing.T, p *localplatform.Platform, name string) *rest.Config {
	t.Helper()
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: p.KubeconfigPath()},
		&clientcmd.ConfigOverrides{CurrentContext: name}).ClientConfig()
	if err != nil {
		t.Fatalf("context %s: %v", name, err)
	}
	return cfg
}

func TestKubeconfigContexts(t *testing.T) {
	p := platformtest.Platform()
	ctx := context.Background()

	raw, err := clientcmd.LoadFromFile(p.KubeconfigPath())
	if err != nil {
		t.Fatal(err)
	}
	if raw.CurrentContext != localplatform.AdminContext {
		t.Errorf("current context = %q, want %q", raw.CurrentContext, localplatform.AdminContext)
	}

	t.Run("admin", func(t *testing.T) {
		cs := kubernetes.NewForConfigOrDie(kubeconfigContext(t, p, localplatform.AdminContext))
		if _, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{}); err != nil {
			t.Fatalf("admin lists namespaces: %v", err)
		}
	})
	t.Run("user", func(t *testing.T) {
		checkCustomer(t, kubeconfigContext(t, p, localplatform.UserContext), p.UserNamespace())
	})
	t.Run("user config", func(t *testing.T) {
		checkCustomer(t, p.UserConfig(), p.UserNamespace())
	})
	t.Run("bearer token", func(t *testing.T) {
		checkCustomer(t, p.UserTokenConfig(), p.UserNamespace())
	})
}

// checkCustomer asserts cfg acts as appcat-user: it may list PostgreSQL claims in its namespace
// but neither list namespaces nor claims in another namespace.
func checkCustomer(t *testing.T, cfg *rest.Config, ns string) {
	t.Helper()
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(cfg)
	_, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("listing namespaces as the user: got %v, want Forbidden", err)
	}
	dyn := dynamic.NewForConfigOrDie(cfg)
	if _, err := dyn.Resource(postgresGVR).Namespace(ns).List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing vshnpostgresqls in %s as the user: %v", ns, err)
	}
	_, err = dyn.Resource(postgresGVR).Namespace(localplatform.SystemNamespace).List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("listing vshnpostgresqls in %s as the user: got %v, want Forbidden", localplatform.SystemNamespace, err)
	}
	review, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("self subject review: %v", err)
	}
	if got := review.Status.UserInfo.Username; got != localplatform.CustomerUser {
		t.Errorf("authenticated as %q, want %q", got, localplatform.CustomerUser)
	}
}

func TestPlatformConfig(t *testing.T) {
	p := platformtest.Platform()
	cs := kubernetes.NewForConfigOrDie(p.AdminConfig())
	cm, err := cs.CoreV1().ConfigMaps(localplatform.SystemNamespace).Get(context.Background(), localplatform.PlatformConfigName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := cm.Data[localplatform.ProvisioningDelayKey]; got != "0s" {
		t.Errorf("%s = %q, want 0s (platformtest sets no delay)", localplatform.ProvisioningDelayKey, got)
	}
	if got, ok := cm.Data[localplatform.FailNamePatternKey]; !ok || got != "" {
		t.Errorf("%s = %q (present %v), want empty", localplatform.FailNamePatternKey, got, ok)
	}
	rb, err := cs.RbacV1().RoleBindings(p.UserNamespace()).Get(context.Background(), localplatform.CustomerRoleBinding, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rb.RoleRef.Kind != "ClusterRole" || rb.RoleRef.Name != localplatform.CustomerClusterRole {
		t.Errorf("roleRef = %+v, want ClusterRole %s", rb.RoleRef, localplatform.CustomerClusterRole)
	}
	if len(rb.Subjects) != 1 || rb.Subjects[0].Kind != "User" || rb.Subjects[0].Name != localplatform.CustomerUser {
		t.Errorf("subjects = %+v, want User %s", rb.Subjects, localplatform.CustomerUser)
	}
}

// TestMonitoringEnv: the env output names the controller's Prometheus-compatible API, which
// answers the SLA reporter's target query.
func TestMonitoringEnv(t *testing.T) {
	p := platformtest.Platform()
	var env map[string]string
	deadline := time.Now().Add(30 * time.Second)
	for {
		vars, err := p.MonitoringEnv(context.Background())
		if err == nil {
			env = envMap(vars)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	u := env["APPCAT_PROMETHEUS_URL"]
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Fatalf("APPCAT_PROMETHEUS_URL = %q", u)
	}
	resp, err := http.Get(u + "/api/v1/query?query=" + url.QueryEscape(`sla:objective:ratio{service="VSHNRedis"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"99.25"`) {
		t.Errorf("target query: %s %s", resp.Status, body)
	}
}

func TestEnv(t *testing.T) {
	p := platformtest.Platform()
	env := envMap(p.Env())
	for k, want := range map[string]string{
		"KUBECONFIG":       p.KubeconfigPath(),
		"KUBE_CONFIG_PATH": p.KubeconfigPath(),
		"KUBE_CTX":         localplatform.UserContext,
	} {
		if env[k] != want {
			t.Errorf("Env %s = %q, want %q", k, env[k], want)
		}
	}
	tok := envMap(p.TokenEnv())
	if tok["KUBE_HOST"] != p.Host() || !strings.HasPrefix(p.Host(), "https://127.0.0.1:") {
		t.Errorf("KUBE_HOST = %q, Host() = %q", tok["KUBE_HOST"], p.Host())
	}
	data, err := os.ReadFile(p.StateDir() + "/user.token")
	if err != nil {
		t.Fatal(err)
	}
	if tok["KUBE_TOKEN"] == "" || tok["KUBE_TOKEN"] != strings.TrimSpace(string(data)) {
		t.Errorf("KUBE_TOKEN does not match <state>/user.token")
	}
	if !strings.HasPrefix(tok["KUBE_CLUSTER_CA_CERT_DATA"], "-----BEGIN CERTIFICATE-----") {
		t.Errorf("KUBE_CLUSTER_CA_CERT_DATA is not a PEM certificate")
	}
}

func envMap(kvs []string) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func postgresClaim(name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "vshn.appcat.vshn.io/v1",
		"kind":       "VSHNPostgreSQL",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"writeConnectionSecretToRef": map[string]any{"name": name + "-creds"},
		},
	}}
}

// TestAdmissionPoliciesEnforcedAtStart: Start returns only once the admission policies are
// enforced, so deleting a protected claim is refused from the first request on.
func TestAdmissionPoliciesEnforcedAtStart(t *testing.T) {
	p := platformtest.Platform()
	ctx := context.Background()
	claims := dynamic.NewForConfigOrDie(p.UserConfig()).Resource(postgresGVR).Namespace(p.UserNamespace())
	if _, err := claims.Create(ctx, postgresClaim("protected"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	err := claims.Delete(ctx, "protected", metav1.DeleteOptions{})
	if err == nil || !strings.Contains(err.Error(), "appcat-deletion-protection") {
		t.Fatalf("deleting a protected claim: got %v, want refusal by the policy appcat-deletion-protection", err)
	}
}

// TestControllerRuns: the in-process controller makes a claim Ready.
func TestControllerRuns(t *testing.T) {
	p := platformtest.Platform()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	claims := dynamic.NewForConfigOrDie(p.UserConfig()).Resource(postgresGVR).Namespace(p.UserNamespace())
	if _, err := claims.Create(ctx, postgresClaim("ready"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		obj, err := claims.Get(ctx, "ready", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if condition(obj, "Ready") == "True" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("claim not Ready: %v (controller error: %v)", obj.Object["status"], p.ControllerErr())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func condition(obj *unstructured.Unstructured, typ string) string {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			s, _ := m["status"].(string)
			return s
		}
	}
	return ""
}
