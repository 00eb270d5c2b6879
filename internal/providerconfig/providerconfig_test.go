package providerconfig

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// isolateEnv clears every variable the configuration reads, and points HOME
// to an empty directory, so that the developer's or CI's environment
// (a real ~/.kube/config, KUBECONFIG, in-cluster service account) cannot
// leak into a test.
func isolateEnv(t *testing.T) string {
	t.Helper()
	for _, e := range []string{
		envConfigPath, envConfigPaths, envKubeconfig, envConfigContext, envConfigContextAuth, envConfigContextCluster,
		envHost, envUsername, envPassword, envToken, envClientCertificate, envClientKey, envClusterCACertificate,
		envInsecure, envTLSServerName, envProxyURL, envNamespace, envQPS, envBurst,
		"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
	} {
		t.Setenv(e, "")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	return home
}

type testPair struct {
	certPEM, keyPEM string
}

func newTestPair(t *testing.T, cn string) testPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return testPair{
		certPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		keyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// twoContextKubeconfig has contexts ctx-a (current, namespace ns-a) and
// ctx-b (namespace ns-b), and ctx-nons without a namespace.
func twoContextKubeconfig(ca string) string {
	caData := base64.StdEncoding.EncodeToString([]byte(ca))
	return `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: cluster-a
  cluster:
    server: https://a.example.com:6443
    certificate-authority-data: ` + caData + `
- name: cluster-b
  cluster:
    server: https://b.example.com:6443
    insecure-skip-tls-verify: true
users:
- name: user-a
  user:
    token: token-a
- name: user-b
  user:
    token: token-b
contexts:
- name: ctx-a
  context: {cluster: cluster-a, user: user-a, namespace: ns-a}
- name: ctx-b
  context: {cluster: cluster-b, user: user-b, namespace: ns-b}
- name: ctx-nons
  context: {cluster: cluster-b, user: user-b}
`
}

func oneContextKubeconfig(name, server, token, ns string) string {
	return `apiVersion: v1
kind: Config
current-context: ` + name + `
clusters:
- name: ` + name + `
  cluster: {server: "` + server + `", insecure-skip-tls-verify: true}
users:
- name: ` + name + `
  user: {token: ` + token + `}
contexts:
- name: ` + name + `
  context: {cluster: ` + name + `, user: ` + name + `, namespace: ` + ns + `}
`
}

func mustConfig(t *testing.T, cfg Model) (*rest.Config, string) {
	t.Helper()
	return mustConfigVersion(t, cfg, "")
}

func mustConfigVersion(t *testing.T, cfg Model, version string) (*rest.Config, string) {
	t.Helper()
	rc, ns, diags := RESTConfig(context.Background(), cfg, version)
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if rc == nil {
		t.Fatal("nil rest.Config without error")
	}
	return rc, ns
}

// expectAttrError asserts an error diagnostic on exactly p whose summary or
// detail contains want.
func expectAttrError(t *testing.T, diags diag.Diagnostics, p path.Path, want string) {
	t.Helper()
	if !diags.HasError() {
		t.Fatalf("expected an error on %s, got none", p)
	}
	for _, d := range diags.Errors() {
		dp, ok := d.(diag.DiagnosticWithPath)
		if !ok || !dp.Path().Equal(p) {
			continue
		}
		if strings.Contains(d.Summary()+" "+d.Detail(), want) {
			return
		}
	}
	t.Fatalf("no error on %s containing %q; got: %v", p, want, diags)
}

func strList(vals ...string) types.List {
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elems)
}

func execList(apiVersion, command string, args types.List, env types.Map) types.List {
	obj := types.ObjectValueMust(execAttrTypes, map[string]attr.Value{
		"api_version": types.StringValue(apiVersion),
		"command":     types.StringValue(command),
		"args":        args,
		"env":         env,
	})
	return types.ListValueMust(types.ObjectType{AttrTypes: execAttrTypes}, []attr.Value{obj})
}

func testSchema() schema.Schema {
	return schema.Schema{Attributes: Attributes(), Blocks: Blocks()}
}

func TestSchemaMatchesModel(t *testing.T) {
	ctx := context.Background()
	s := testSchema()
	if d := s.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("schema invalid: %v", d)
	}
	// A config with every attribute null, and one unknown host, must decode
	// into the model: this fails when a tfsdk tag and the schema disagree.
	objType := s.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
	}
	vals["host"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	vals["config_paths"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{
		tftypes.NewValue(tftypes.String, "/a"),
	})
	conf := tfsdk.Config{Schema: s, Raw: tftypes.NewValue(objType, vals)}
	var m Model
	if d := conf.Get(ctx, &m); d.HasError() {
		t.Fatalf("decode into Model: %v", d)
	}
	if !m.Host.IsUnknown() || !m.HasUnknown() {
		t.Fatalf("unknown host not seen: %#v", m.Host)
	}
	if got := len(m.ConfigPaths.Elements()); got != 1 {
		t.Fatalf("config_paths elements = %d", got)
	}
}

func TestSchemaDescriptionsAndSensitivity(t *testing.T) {
	envFor := map[string]string{
		"config_path": envConfigPath, "config_paths": envConfigPaths, "config_context": envConfigContext,
		"config_context_auth_info": envConfigContextAuth, "config_context_cluster": envConfigContextCluster,
		"host": envHost, "username": envUsername, "password": envPassword, "token": envToken,
		"client_certificate": envClientCertificate, "client_key": envClientKey,
		"cluster_ca_certificate": envClusterCACertificate, "insecure": envInsecure,
		"tls_server_name": envTLSServerName, "proxy_url": envProxyURL,
		"namespace": envNamespace, "qps": envQPS, "burst": envBurst,
	}
	attrs := Attributes()
	if len(attrs) != len(envFor) {
		t.Fatalf("attributes %d, expected %d", len(attrs), len(envFor))
	}
	for name, a := range attrs {
		env, ok := envFor[name]
		if !ok {
			t.Errorf("unexpected attribute %q", name)
			continue
		}
		if !strings.Contains(a.GetMarkdownDescription(), "`"+env+"`") {
			t.Errorf("%s: description does not name %s: %q", name, env, a.GetMarkdownDescription())
		}
		wantSensitive := name == "password" || name == "token" || name == "client_key"
		if a.IsSensitive() != wantSensitive {
			t.Errorf("%s: sensitive = %v, want %v", name, a.IsSensitive(), wantSensitive)
		}
		if a.IsRequired() {
			t.Errorf("%s must be optional", name)
		}
	}
	if !strings.Contains(attrs["config_path"].GetMarkdownDescription(), envKubeconfig) {
		t.Error("config_path description does not mention KUBECONFIG")
	}
	exec, ok := Blocks()["exec"].(schema.ListNestedBlock)
	if !ok {
		t.Fatal("exec block missing")
	}
	for _, n := range []string{"api_version", "command", "args", "env"} {
		if _, ok := exec.NestedObject.Attributes[n]; !ok {
			t.Errorf("exec.%s missing", n)
		}
	}
}

func TestRESTConfigHostTokenCANoFiles(t *testing.T) {
	isolateEnv(t)
	ca := newTestPair(t, "ca")
	cfg := Model{
		Host:                 types.StringValue("api.example.com:6443"),
		Token:                types.StringValue("s3cr3t-token"),
		ClusterCACertificate: types.StringValue(ca.certPEM),
	}
	rc, ns := mustConfigVersion(t, cfg, "1.2.3")
	if rc.Host != "https://api.example.com:6443" {
		t.Errorf("Host = %q", rc.Host)
	}
	if rc.BearerToken != "s3cr3t-token" {
		t.Errorf("BearerToken not set")
	}
	if string(rc.CAData) != ca.certPEM {
		t.Errorf("CAData not set")
	}
	if rc.QPS != 100 || rc.Burst != 200 {
		t.Errorf("QPS/Burst = %v/%v, want 100/200", rc.QPS, rc.Burst)
	}
	if rc.UserAgent != "terraform-provider-appcat/1.2.3" {
		t.Errorf("UserAgent = %q", rc.UserAgent)
	}
	if ns != "default" {
		t.Errorf("namespace = %q, want default", ns)
	}
	if _, err := rest.TLSConfigFor(rc); err != nil {
		t.Errorf("TLS config: %v", err)
	}
	// Without a version the user agent still names the provider.
	rc, _ = mustConfigVersion(t, cfg, "")
	if rc.UserAgent != "terraform-provider-appcat/dev" {
		t.Errorf("UserAgent = %q", rc.UserAgent)
	}
}

func TestRESTConfigNothingConfigured(t *testing.T) {
	home := isolateEnv(t)
	// A kubeconfig at the default location must NOT be picked up implicitly.
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".kube"), "config", oneContextKubeconfig("home", "https://home.example.com", "t", "ns"))
	_, _, diags := RESTConfig(context.Background(), Model{}, "")
	if !diags.HasError() {
		t.Fatal("expected an error when nothing is configured")
	}
	if got := diags.Errors()[0].Summary(); got != "No Kubernetes API server configured" {
		t.Fatalf("summary = %q (%v)", got, diags)
	}
}

func TestRESTConfigEnvFallbacks(t *testing.T) {
	isolateEnv(t)
	ca := newTestPair(t, "ca")
	client := newTestPair(t, "client")
	t.Setenv(envHost, "https://env.example.com")
	t.Setenv(envClusterCACertificate, ca.certPEM)
	t.Setenv(envClientCertificate, client.certPEM)
	t.Setenv(envClientKey, client.keyPEM)
	t.Setenv(envTLSServerName, "sni.example.com")
	t.Setenv(envProxyURL, "socks5://proxy.example.com:1080")
	t.Setenv(envNamespace, "team-a")
	t.Setenv(envQPS, "12.5")
	t.Setenv(envBurst, "33")

	rc, ns := mustConfig(t, Model{})
	if rc.Host != "https://env.example.com" {
		t.Errorf("Host = %q", rc.Host)
	}
	if string(rc.CAData) != ca.certPEM || string(rc.CertData) != client.certPEM || string(rc.KeyData) != client.keyPEM {
		t.Error("CA / client certificate / key from env not applied")
	}
	if rc.ServerName != "sni.example.com" {
		t.Errorf("ServerName = %q", rc.ServerName)
	}
	if rc.Proxy == nil {
		t.Fatal("proxy not set")
	}
	req, _ := http.NewRequest(http.MethodGet, rc.Host, nil)
	if u, err := rc.Proxy(req); err != nil || u == nil || u.String() != "socks5://proxy.example.com:1080" {
		t.Errorf("proxy = %v, %v", u, err)
	}
	if ns != "team-a" {
		t.Errorf("namespace = %q", ns)
	}
	if rc.QPS != 12.5 || rc.Burst != 33 {
		t.Errorf("QPS/Burst = %v/%v", rc.QPS, rc.Burst)
	}

	t.Run("token", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(envHost, "env.example.com")
		t.Setenv(envToken, "env-token")
		t.Setenv(envInsecure, "true")
		rc, _ := mustConfig(t, Model{})
		if rc.BearerToken != "env-token" || !rc.Insecure {
			t.Errorf("token/insecure from env not applied: %q %v", rc.BearerToken, rc.Insecure)
		}
	})
	t.Run("basic auth", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(envHost, "env.example.com")
		t.Setenv(envUsername, "alice")
		t.Setenv(envPassword, "pw")
		rc, _ := mustConfig(t, Model{})
		if rc.Username != "alice" || rc.Password != "pw" {
			t.Errorf("basic auth from env not applied: %q", rc.Username)
		}
	})
}

func TestRESTConfigAttributesBeatEnv(t *testing.T) {
	isolateEnv(t)
	t.Setenv(envHost, "https://env.example.com")
	t.Setenv(envToken, "env-token")
	t.Setenv(envInsecure, "true")
	t.Setenv(envNamespace, "env-ns")
	t.Setenv(envQPS, "1")
	t.Setenv(envBurst, "2")
	ca := newTestPair(t, "ca")
	rc, ns := mustConfig(t, Model{
		Host:                 types.StringValue("https://attr.example.com"),
		Token:                types.StringValue("attr-token"),
		Insecure:             types.BoolValue(false),
		ClusterCACertificate: types.StringValue(ca.certPEM),
		Namespace:            types.StringValue("attr-ns"),
		QPS:                  types.Float64Value(50),
		Burst:                types.Int64Value(60),
	})
	if rc.Host != "https://attr.example.com" || rc.BearerToken != "attr-token" || rc.Insecure {
		t.Errorf("attributes did not win: host=%q insecure=%v", rc.Host, rc.Insecure)
	}
	if ns != "attr-ns" || rc.QPS != 50 || rc.Burst != 60 {
		t.Errorf("ns=%q qps=%v burst=%v", ns, rc.QPS, rc.Burst)
	}
}

func TestRESTConfigKubeconfigContexts(t *testing.T) {
	ca := newTestPair(t, "ca")
	dir := t.TempDir()
	kc := writeFile(t, dir, "kubeconfig", twoContextKubeconfig(ca.certPEM))

	tests := []struct {
		name      string
		cfg       Model
		env       map[string]string
		wantHost  string
		wantToken string
		wantNS    string
	}{
		{
			name:     "current context",
			cfg:      Model{ConfigPath: types.StringValue(kc)},
			wantHost: "https://a.example.com:6443", wantToken: "token-a", wantNS: "ns-a",
		},
		{
			name:     "config_context",
			cfg:      Model{ConfigPath: types.StringValue(kc), ConfigContext: types.StringValue("ctx-b")},
			wantHost: "https://b.example.com:6443", wantToken: "token-b", wantNS: "ns-b",
		},
		{
			name:     "KUBE_CTX and KUBE_CONFIG_PATH",
			env:      map[string]string{envConfigPath: kc, envConfigContext: "ctx-b"},
			wantHost: "https://b.example.com:6443", wantToken: "token-b", wantNS: "ns-b",
		},
		{
			name: "config_context_cluster and auth_info",
			cfg: Model{
				ConfigPath:            types.StringValue(kc),
				ConfigContextCluster:  types.StringValue("cluster-b"),
				ConfigContextAuthInfo: types.StringValue("user-b"),
			},
			wantHost: "https://b.example.com:6443", wantToken: "token-b", wantNS: "ns-a",
		},
		{
			name:     "KUBE_CTX_CLUSTER and KUBE_CTX_AUTH_INFO",
			cfg:      Model{ConfigPath: types.StringValue(kc)},
			env:      map[string]string{envConfigContextCluster: "cluster-b", envConfigContextAuth: "user-b"},
			wantHost: "https://b.example.com:6443", wantToken: "token-b", wantNS: "ns-a",
		},
		{
			name: "explicit attributes override the kubeconfig",
			cfg: Model{
				ConfigPath: types.StringValue(kc),
				Host:       types.StringValue("https://override.example.com"),
				Token:      types.StringValue("override-token"),
			},
			wantHost: "https://override.example.com", wantToken: "override-token", wantNS: "ns-a",
		},
		{
			name:     "namespace attribute beats the context's",
			cfg:      Model{ConfigPath: types.StringValue(kc), Namespace: types.StringValue("mine")},
			wantHost: "https://a.example.com:6443", wantToken: "token-a", wantNS: "mine",
		},
		{
			name:     "APPCAT_NAMESPACE beats the context's",
			cfg:      Model{ConfigPath: types.StringValue(kc)},
			env:      map[string]string{envNamespace: "from-env"},
			wantHost: "https://a.example.com:6443", wantToken: "token-a", wantNS: "from-env",
		},
		{
			name:     "context without namespace falls back to default",
			cfg:      Model{ConfigPath: types.StringValue(kc), ConfigContext: types.StringValue("ctx-nons")},
			wantHost: "https://b.example.com:6443", wantToken: "token-b", wantNS: "default",
		},
		{
			name:     "KUBECONFIG when nothing else is set",
			env:      map[string]string{envKubeconfig: filepath.Join(dir, "missing") + string(os.PathListSeparator) + kc},
			wantHost: "https://a.example.com:6443", wantToken: "token-a", wantNS: "ns-a",
		},
		{
			name:     "config_path beats KUBE_CONFIG_PATH",
			cfg:      Model{ConfigPath: types.StringValue(kc)},
			env:      map[string]string{envConfigPath: filepath.Join(dir, "missing")},
			wantHost: "https://a.example.com:6443", wantToken: "token-a", wantNS: "ns-a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			rc, ns := mustConfig(t, tt.cfg)
			if rc.Host != tt.wantHost {
				t.Errorf("Host = %q, want %q", rc.Host, tt.wantHost)
			}
			if rc.BearerToken != tt.wantToken {
				t.Errorf("BearerToken = %q, want %q", rc.BearerToken, tt.wantToken)
			}
			if ns != tt.wantNS {
				t.Errorf("namespace = %q, want %q", ns, tt.wantNS)
			}
			if rc.QPS != 100 || rc.Burst != 200 || !strings.HasPrefix(rc.UserAgent, "terraform-provider-appcat/") {
				t.Errorf("QPS/Burst/UserAgent not applied: %v %v %q", rc.QPS, rc.Burst, rc.UserAgent)
			}
		})
	}
}

func TestRESTConfigMultipleFiles(t *testing.T) {
	dir := t.TempDir()
	f1 := writeFile(t, dir, "one", oneContextKubeconfig("one", "https://one.example.com", "token-one", "ns-one"))
	f2 := writeFile(t, dir, "two", oneContextKubeconfig("two", "https://two.example.com", "token-two", "ns-two"))

	t.Run("config_paths merges, first current-context wins", func(t *testing.T) {
		isolateEnv(t)
		rc, ns := mustConfig(t, Model{ConfigPaths: strList(f1, f2)})
		if rc.Host != "https://one.example.com" || ns != "ns-one" {
			t.Errorf("host=%q ns=%q", rc.Host, ns)
		}
		rc, ns = mustConfig(t, Model{ConfigPaths: strList(f1, f2), ConfigContext: types.StringValue("two")})
		if rc.Host != "https://two.example.com" || rc.BearerToken != "token-two" || ns != "ns-two" {
			t.Errorf("host=%q ns=%q", rc.Host, ns)
		}
	})
	t.Run("KUBE_CONFIG_PATHS", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(envConfigPaths, f2+string(os.PathListSeparator)+f1)
		rc, ns := mustConfig(t, Model{})
		if rc.Host != "https://two.example.com" || ns != "ns-two" {
			t.Errorf("host=%q ns=%q", rc.Host, ns)
		}
	})
	t.Run("tilde expansion", func(t *testing.T) {
		home := isolateEnv(t)
		writeFile(t, home, "kc", oneContextKubeconfig("h", "https://home.example.com", "t", "ns-h"))
		rc, _ := mustConfig(t, Model{ConfigPath: types.StringValue("~/kc")})
		if rc.Host != "https://home.example.com" {
			t.Errorf("host=%q", rc.Host)
		}
	})
	t.Run("KUBECONFIG is ignored when host is set", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(envKubeconfig, f1)
		rc, ns := mustConfig(t, Model{
			Host:  types.StringValue("https://explicit.example.com"),
			Token: types.StringValue("explicit"),
		})
		if rc.Host != "https://explicit.example.com" || rc.BearerToken != "explicit" || rc.Insecure || ns != "default" {
			t.Errorf("ambient kubeconfig leaked in: host=%q insecure=%v ns=%q", rc.Host, rc.Insecure, ns)
		}
	})
}

func TestRESTConfigExec(t *testing.T) {
	isolateEnv(t)
	ca := newTestPair(t, "ca")
	env := types.MapValueMust(types.StringType, map[string]attr.Value{
		"B_VAR": types.StringValue("2"),
		"A_VAR": types.StringValue("1"),
	})
	rc, _ := mustConfig(t, Model{
		Host:                 types.StringValue("https://eks.example.com"),
		ClusterCACertificate: types.StringValue(ca.certPEM),
		// The command does not exist: building the config must not run it.
		Exec: execList("client.authentication.k8s.io/v1beta1", "appcat-no-such-plugin",
			strList("eks", "get-token", "--cluster-name", "c1"), env),
	})
	ep := rc.ExecProvider
	if ep == nil {
		t.Fatal("ExecProvider not set")
	}
	if ep.APIVersion != "client.authentication.k8s.io/v1beta1" || ep.Command != "appcat-no-such-plugin" {
		t.Errorf("exec = %+v", ep)
	}
	if strings.Join(ep.Args, " ") != "eks get-token --cluster-name c1" {
		t.Errorf("args = %v", ep.Args)
	}
	wantEnv := []clientcmdapi.ExecEnvVar{{Name: "A_VAR", Value: "1"}, {Name: "B_VAR", Value: "2"}}
	if len(ep.Env) != 2 || ep.Env[0] != wantEnv[0] || ep.Env[1] != wantEnv[1] {
		t.Errorf("env = %v", ep.Env)
	}
	if ep.InteractiveMode != clientcmdapi.NeverExecInteractiveMode {
		t.Errorf("interactive mode = %q", ep.InteractiveMode)
	}
	if rc.BearerToken != "" {
		t.Error("unexpected token")
	}
	// An exec plugin of the kubeconfig's user is carried over as well.
	kc := writeFile(t, t.TempDir(), "kc", `apiVersion: v1
kind: Config
current-context: c
clusters:
- name: c
  cluster: {server: "https://kc.example.com"}
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubelogin
      args: [get-token]
      interactiveMode: Never
contexts:
- name: c
  context: {cluster: c, user: u}
`)
	rc, _ = mustConfig(t, Model{ConfigPath: types.StringValue(kc)})
	if rc.ExecProvider == nil || rc.ExecProvider.Command != "kubelogin" || rc.ExecProvider.APIVersion != "client.authentication.k8s.io/v1" {
		t.Errorf("kubeconfig exec not carried: %+v", rc.ExecProvider)
	}
	// Null args and env are fine.
	rc, _ = mustConfig(t, Model{
		Host: types.StringValue("https://eks.example.com"),
		Exec: execList("client.authentication.k8s.io/v1", "x", types.ListNull(types.StringType), types.MapNull(types.StringType)),
	})
	if rc.ExecProvider == nil || len(rc.ExecProvider.Args) != 0 || len(rc.ExecProvider.Env) != 0 {
		t.Errorf("exec = %+v", rc.ExecProvider)
	}
}

func TestRESTConfigDiagnostics(t *testing.T) {
	ca := newTestPair(t, "ca")
	client := newTestPair(t, "client")
	other := newTestPair(t, "other")
	dir := t.TempDir()
	kc := writeFile(t, dir, "kubeconfig", twoContextKubeconfig(ca.certPEM))
	garbage := writeFile(t, dir, "garbage", "this: [is not a kubeconfig")
	missing := filepath.Join(dir, "does-not-exist")
	host := types.StringValue("https://api.example.com")

	tests := []struct {
		name string
		cfg  Model
		env  map[string]string
		path path.Path
		want string
	}{
		{"missing config_path", Model{ConfigPath: types.StringValue(missing)},
			nil, path.Root("config_path"), "does not exist"},
		{"missing KUBE_CONFIG_PATH", Model{},
			map[string]string{envConfigPath: missing}, path.Root("config_path"), envConfigPath},
		{"config_path is a directory", Model{ConfigPath: types.StringValue(dir)},
			nil, path.Root("config_path"), "directory"},
		{"unparseable config_path", Model{ConfigPath: types.StringValue(garbage)},
			nil, path.Root("config_path"), "Invalid kubeconfig file"},
		{"missing config_paths entry", Model{ConfigPaths: strList(kc, missing)},
			nil, path.Root("config_paths").AtListIndex(1), "does not exist"},
		{"missing KUBE_CONFIG_PATHS entry", Model{},
			map[string]string{envConfigPaths: kc + string(os.PathListSeparator) + missing}, path.Root("config_paths"), envConfigPaths},
		{"unknown config_context", Model{ConfigPath: types.StringValue(kc), ConfigContext: types.StringValue("nope")},
			nil, path.Root("config_context"), `"ctx-a", "ctx-b"`},
		{"unknown KUBE_CTX", Model{ConfigPath: types.StringValue(kc)},
			map[string]string{envConfigContext: "nope"}, path.Root("config_context"), envConfigContext},
		{"unknown config_context_cluster", Model{ConfigPath: types.StringValue(kc), ConfigContextCluster: types.StringValue("nope")},
			nil, path.Root("config_context_cluster"), "cluster-a"},
		{"unknown config_context_auth_info", Model{ConfigPath: types.StringValue(kc), ConfigContextAuthInfo: types.StringValue("nope")},
			nil, path.Root("config_context_auth_info"), "user-a"},
		{"config_context without kubeconfig", Model{Host: host, ConfigContext: types.StringValue("ctx-a")},
			nil, path.Root("config_context"), "no kubeconfig file is loaded"},
		{"bad host scheme", Model{Host: types.StringValue("ftp://api.example.com")},
			nil, path.Root("host"), "scheme"},
		{"bad KUBE_HOST", Model{},
			map[string]string{envHost: "https://"}, path.Root("host"), envHost},
		{"bad proxy_url", Model{Host: host, ProxyURL: types.StringValue("ftp://proxy:21")},
			nil, path.Root("proxy_url"), "scheme"},
		{"bad KUBE_PROXY_URL", Model{Host: host},
			map[string]string{envProxyURL: "://nope"}, path.Root("proxy_url"), envProxyURL},
		{"CA not PEM", Model{Host: host, ClusterCACertificate: types.StringValue("not a certificate")},
			nil, path.Root("cluster_ca_certificate"), "no PEM CERTIFICATE block"},
		{"CA base64 instead of PEM", Model{Host: host, ClusterCACertificate: types.StringValue(base64.StdEncoding.EncodeToString([]byte(ca.certPEM)))},
			nil, path.Root("cluster_ca_certificate"), "base64decode"},
		{"CA PEM with broken body", Model{Host: host, ClusterCACertificate: types.StringValue("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")},
			nil, path.Root("cluster_ca_certificate"), "certificate 1"},
		{"bad KUBE_CLUSTER_CA_CERT_DATA", Model{Host: host},
			map[string]string{envClusterCACertificate: "garbage"}, path.Root("cluster_ca_certificate"), envClusterCACertificate},
		{"client certificate not PEM", Model{Host: host, ClientCertificate: types.StringValue("x"), ClientKey: types.StringValue(client.keyPEM)},
			nil, path.Root("client_certificate"), "no PEM CERTIFICATE block"},
		{"client key not PEM", Model{Host: host, ClientCertificate: types.StringValue(client.certPEM), ClientKey: types.StringValue("x")},
			nil, path.Root("client_key"), "no PEM PRIVATE KEY block"},
		{"client key does not match", Model{Host: host, ClientCertificate: types.StringValue(client.certPEM), ClientKey: types.StringValue(other.keyPEM)},
			nil, path.Root("client_key"), "key pair"},
		{"insecure with CA", Model{Host: host, Insecure: types.BoolValue(true), ClusterCACertificate: types.StringValue(ca.certPEM)},
			nil, path.Root("insecure"), "cluster_ca_certificate"},
		{"bad KUBE_INSECURE", Model{Host: host},
			map[string]string{envInsecure: "maybe"}, path.Root("insecure"), envInsecure},
		{"token and basic auth", Model{Host: host, Token: types.StringValue("t"), Username: types.StringValue("u")},
			nil, path.Root("token"), "only one"},
		{"bad namespace", Model{Host: host, Namespace: types.StringValue("Not_Valid")},
			nil, path.Root("namespace"), "namespace name"},
		{"bad APPCAT_NAMESPACE", Model{Host: host},
			map[string]string{envNamespace: "-x-"}, path.Root("namespace"), envNamespace},
		{"qps zero", Model{Host: host, QPS: types.Float64Value(0)},
			nil, path.Root("qps"), "greater than zero"},
		{"bad APPCAT_QPS", Model{Host: host},
			map[string]string{envQPS: "fast"}, path.Root("qps"), envQPS},
		{"burst zero", Model{Host: host, Burst: types.Int64Value(0)},
			nil, path.Root("burst"), "at least 1"},
		{"bad APPCAT_BURST", Model{Host: host},
			map[string]string{envBurst: "1.5"}, path.Root("burst"), envBurst},
		{"exec bad api_version", Model{Host: host, Exec: execList("client.authentication.k8s.io/v1alpha1", "x", types.ListNull(types.StringType), types.MapNull(types.StringType))},
			nil, path.Root("exec").AtListIndex(0).AtName("api_version"), "v1alpha1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			rc, _, diags := RESTConfig(context.Background(), tt.cfg, "")
			if rc != nil {
				t.Errorf("expected no config with errors")
			}
			expectAttrError(t, diags, tt.path, tt.want)
		})
	}

	t.Run("bad file in KUBECONFIG", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(envKubeconfig, garbage)
		_, _, diags := RESTConfig(context.Background(), Model{}, "")
		if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), garbage) {
			t.Fatalf("expected an error naming %s: %v", garbage, diags)
		}
	})
	t.Run("unknown values are refused", func(t *testing.T) {
		isolateEnv(t)
		_, _, diags := RESTConfig(context.Background(), Model{Host: types.StringUnknown()}, "")
		if !diags.HasError() {
			t.Fatal("expected an error")
		}
	})
	t.Run("plain http with a token warns", func(t *testing.T) {
		isolateEnv(t)
		_, _, diags := RESTConfig(context.Background(), Model{
			Host: types.StringValue("http://localhost:8080"), Token: types.StringValue("t"),
		}, "")
		if diags.HasError() || diags.WarningsCount() != 1 {
			t.Fatalf("expected one warning: %v", diags)
		}
	})
}

func TestHasUnknown(t *testing.T) {
	unknownElemList := types.ListValueMust(types.StringType, []attr.Value{types.StringValue("/a"), types.StringUnknown()})
	tests := []struct {
		name string
		m    Model
		want bool
	}{
		{"zero value", Model{}, false},
		{"all known", Model{
			Host: types.StringValue("h"), ConfigPaths: strList("/a"), Insecure: types.BoolValue(true),
			QPS: types.Float64Value(1), Burst: types.Int64Value(1),
			Exec: execList("v", "c", strList("a"), types.MapNull(types.StringType)),
		}, false},
		{"host", Model{Host: types.StringUnknown()}, true},
		{"token", Model{Token: types.StringUnknown()}, true},
		{"cluster_ca_certificate", Model{ClusterCACertificate: types.StringUnknown()}, true},
		{"insecure", Model{Insecure: types.BoolUnknown()}, true},
		{"qps", Model{QPS: types.Float64Unknown()}, true},
		{"burst", Model{Burst: types.Int64Unknown()}, true},
		{"namespace", Model{Namespace: types.StringUnknown()}, true},
		{"whole config_paths", Model{ConfigPaths: types.ListUnknown(types.StringType)}, true},
		{"config_paths element", Model{ConfigPaths: unknownElemList}, true},
		{"whole exec (dynamic block)", Model{Exec: types.ListUnknown(types.ObjectType{AttrTypes: execAttrTypes})}, true},
		{"exec args element", Model{Exec: execList("v", "c", unknownElemList, types.MapNull(types.StringType))}, true},
		{"exec env value", Model{Exec: execList("v", "c", types.ListNull(types.StringType),
			types.MapValueMust(types.StringType, map[string]attr.Value{"K": types.StringUnknown()}))}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.HasUnknown(); got != tt.want {
				t.Errorf("HasUnknown() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRESTConfigDoesNotLogSecrets(t *testing.T) {
	isolateEnv(t)
	client := newTestPair(t, "client")
	ca := newTestPair(t, "ca")
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	const token = "tok-9f8e7d6c5b4a"
	_, _, diags := RESTConfig(ctx, Model{
		Host:                 types.StringValue("https://logged.example.com"),
		Token:                types.StringValue(token),
		ClientCertificate:    types.StringValue(client.certPEM),
		ClientKey:            types.StringValue(client.keyPEM),
		ClusterCACertificate: types.StringValue(ca.certPEM),
	}, "")
	if diags.HasError() {
		t.Fatal(diags)
	}
	out := buf.String()
	if !strings.Contains(out, "logged.example.com") || !strings.Contains(out, "token") {
		t.Fatalf("expected a debug line with host and auth method, got %q", out)
	}
	keyBody := strings.Split(client.keyPEM, "\n")[1]
	for _, secret := range []string{token, keyBody} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q found in logs: %s", secret, out)
		}
	}

	buf.Reset()
	_, _, diags = RESTConfig(ctx, Model{
		Host:     types.StringValue("https://logged.example.com"),
		Username: types.StringValue("alice"),
		Password: types.StringValue("pw-1a2b3c4d"),
	}, "")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if strings.Contains(buf.String(), "pw-1a2b3c4d") || !strings.Contains(buf.String(), "basic") {
		t.Errorf("unexpected log output: %s", buf.String())
	}
}
