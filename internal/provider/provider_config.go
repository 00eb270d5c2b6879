package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Environment variables read by the provider configuration. The KUBE_* names
// are the ones the hashicorp/kubernetes provider reads, so that existing CI
// setups keep working; APPCAT_* are this provider's own.
const (
	pcEnvConfigPath           = "KUBE_CONFIG_PATH"
	pcEnvConfigPaths          = "KUBE_CONFIG_PATHS"
	pcEnvKubeconfig           = "KUBECONFIG"
	pcEnvConfigContext        = "KUBE_CTX"
	pcEnvConfigContextAuth    = "KUBE_CTX_AUTH_INFO"
	pcEnvConfigContextCluster = "KUBE_CTX_CLUSTER"
	pcEnvHost                 = "KUBE_HOST"
	pcEnvUsername             = "KUBE_USER"
	pcEnvPassword             = "KUBE_PASSWORD"
	pcEnvToken                = "KUBE_TOKEN"
	pcEnvClientCertificate    = "KUBE_CLIENT_CERT_DATA"
	pcEnvClientKey            = "KUBE_CLIENT_KEY_DATA"
	pcEnvClusterCACertificate = "KUBE_CLUSTER_CA_CERT_DATA"
	pcEnvInsecure             = "KUBE_INSECURE"
	pcEnvTLSServerName        = "KUBE_TLS_SERVER_NAME"
	pcEnvProxyURL             = "KUBE_PROXY_URL"
	pcEnvNamespace            = "APPCAT_NAMESPACE"
	pcEnvQPS                  = "APPCAT_QPS"
	pcEnvBurst                = "APPCAT_BURST"
)

const (
	pcDefaultQPS       = 100.0
	pcDefaultBurst     = 200
	pcDefaultNamespace = "default"
	pcUserAgentProduct = "terraform-provider-appcat"
)

// pcExecAPIVersions are the ExecCredential API versions client-go understands.
var pcExecAPIVersions = []string{
	"client.authentication.k8s.io/v1",
	"client.authentication.k8s.io/v1beta1",
}

// providerConfigModel is the connection part of the provider block.
//
// It can be embedded (anonymously) in a larger provider model: the framework
// reads the tfsdk tags of embedded structs.
type providerConfigModel struct {
	ConfigPath            types.String  `tfsdk:"config_path"`
	ConfigPaths           types.List    `tfsdk:"config_paths"`
	ConfigContext         types.String  `tfsdk:"config_context"`
	ConfigContextAuthInfo types.String  `tfsdk:"config_context_auth_info"`
	ConfigContextCluster  types.String  `tfsdk:"config_context_cluster"`
	Host                  types.String  `tfsdk:"host"`
	Username              types.String  `tfsdk:"username"`
	Password              types.String  `tfsdk:"password"`
	Token                 types.String  `tfsdk:"token"`
	ClientCertificate     types.String  `tfsdk:"client_certificate"`
	ClientKey             types.String  `tfsdk:"client_key"`
	ClusterCACertificate  types.String  `tfsdk:"cluster_ca_certificate"`
	Insecure              types.Bool    `tfsdk:"insecure"`
	TLSServerName         types.String  `tfsdk:"tls_server_name"`
	ProxyURL              types.String  `tfsdk:"proxy_url"`
	Namespace             types.String  `tfsdk:"namespace"`
	QPS                   types.Float64 `tfsdk:"qps"`
	Burst                 types.Int64   `tfsdk:"burst"`
	Exec                  types.List    `tfsdk:"exec"` // list (at most one) of providerExecModel

	// providerVersion is not part of the schema (unexported fields are ignored
	// by the framework). Configure sets it to the provider's version; it ends
	// up in the User-Agent header. Empty means "dev".
	providerVersion string
}

// providerExecModel is one exec block.
type providerExecModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// providerExecAttrTypes are the attribute types of one exec block object.
var providerExecAttrTypes = map[string]attr.Type{
	"api_version": types.StringType,
	"command":     types.StringType,
	"args":        types.ListType{ElemType: types.StringType},
	"env":         types.MapType{ElemType: types.StringType},
}

func pcEnvNote(env string) string {
	return fmt.Sprintf(" Can be sourced from the `%s` environment variable.", env)
}

// providerConfigAttributes returns the connection attributes of the provider
// schema. They mirror the hashicorp/kubernetes provider's, plus namespace, qps
// and burst.
func providerConfigAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"config_path": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Path to a kubeconfig file. `~` is expanded to the home directory. " +
				"The file must exist. Conflicts with `config_paths`." + pcEnvNote(pcEnvConfigPath) +
				" When no kubeconfig path and no `host` is configured at all, the files listed in `" + pcEnvKubeconfig +
				"` are used (as `kubectl` does; missing files are skipped). `~/.kube/config` is never read implicitly.",
			Validators: []validator.String{
				stringvalidator.ConflictsWith(path.MatchRoot("config_paths")),
			},
		},
		"config_paths": schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			MarkdownDescription: "List of kubeconfig files, merged as `kubectl` merges `KUBECONFIG` " +
				"(the first file to set a value wins). Every listed file must exist." +
				pcEnvNote(pcEnvConfigPaths) + " The variable holds a list separated by the OS path-list separator (`:` on Unix, `;` on Windows).",
		},
		"config_context": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Context of the kubeconfig to use instead of its `current-context`." + pcEnvNote(pcEnvConfigContext),
		},
		"config_context_auth_info": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Kubeconfig user to use instead of the one of the selected context " +
				"(`kubectl --user`)." + pcEnvNote(pcEnvConfigContextAuth),
		},
		"config_context_cluster": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Kubeconfig cluster to use instead of the one of the selected context " +
				"(`kubectl --cluster`)." + pcEnvNote(pcEnvConfigContextCluster),
		},
		"host": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "URL of the Kubernetes API server of the AppCat platform, e.g. `https://api.example.com:6443`. " +
				"`https://` is assumed when no scheme is given. Overrides the server of the kubeconfig." + pcEnvNote(pcEnvHost),
		},
		"username": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Username for HTTP basic authentication. Overrides the kubeconfig." + pcEnvNote(pcEnvUsername),
		},
		"password": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: "Password for HTTP basic authentication. Overrides the kubeconfig." + pcEnvNote(pcEnvPassword),
		},
		"token": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: "Bearer token, e.g. of a service account. Overrides the kubeconfig." + pcEnvNote(pcEnvToken),
		},
		"client_certificate": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "PEM-encoded client certificate for TLS client authentication. Overrides the kubeconfig." + pcEnvNote(pcEnvClientCertificate),
		},
		"client_key": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: "PEM-encoded private key of `client_certificate`. Overrides the kubeconfig." + pcEnvNote(pcEnvClientKey),
		},
		"cluster_ca_certificate": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "PEM-encoded CA certificate bundle used to verify the API server's certificate. " +
				"Overrides the kubeconfig. Pass PEM text, not base64 (use `base64decode()` on a kubeconfig's `certificate-authority-data`)." +
				pcEnvNote(pcEnvClusterCACertificate),
		},
		"insecure": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Skip verification of the API server's TLS certificate. Not for production. " +
				"Cannot be combined with `cluster_ca_certificate`. Defaults to `false`." + pcEnvNote(pcEnvInsecure),
		},
		"tls_server_name": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Server name used for SNI and to verify the API server's certificate." + pcEnvNote(pcEnvTLSServerName),
		},
		"proxy_url": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "URL of a proxy for all requests to the API server. " +
				"Schemes `http`, `https` and `socks5` are supported." + pcEnvNote(pcEnvProxyURL),
		},
		"namespace": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Default namespace for resources that do not set one." + pcEnvNote(pcEnvNamespace) +
				" Otherwise the namespace of the selected kubeconfig context is used, then `default`.",
		},
		"qps": schema.Float64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Client-side rate limit: sustained requests per second to the API server. "+
				"Must be greater than zero. Defaults to `%g`.", pcDefaultQPS) + pcEnvNote(pcEnvQPS),
		},
		"burst": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Client-side rate limit: requests allowed in a burst above `qps`. "+
				"Must be at least 1. Defaults to `%d`.", pcDefaultBurst) + pcEnvNote(pcEnvBurst),
			Validators: []validator.Int64{
				int64validator.Between(1, math.MaxInt32),
			},
		},
	}
}

// providerConfigBlocks returns the connection blocks of the provider schema.
func providerConfigBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"exec": schema.ListNestedBlock{
			MarkdownDescription: "Obtain credentials from an " +
				"[exec credential plugin](https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins), " +
				"e.g. `aws eks get-token` or `kubelogin`. The command runs whenever a new credential is needed, without a terminal. " +
				"Do not combine with `token`, `username`/`password` or `client_certificate`. There is no environment variable for this block.",
			Validators: []validator.List{listvalidator.SizeAtMost(1)},
			NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{
					"api_version": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "API version of the `ExecCredential` the plugin returns: " +
							"`client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.",
						Validators: []validator.String{stringvalidator.OneOf(pcExecAPIVersions...)},
					},
					"command": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Command to run: a path, or a name looked up in `PATH`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"args": schema.ListAttribute{
						ElementType:         types.StringType,
						Optional:            true,
						MarkdownDescription: "Arguments of the command.",
					},
					"env": schema.MapAttribute{
						ElementType:         types.StringType,
						Optional:            true,
						MarkdownDescription: "Environment variables added to the command's environment.",
					},
				},
			},
		},
	}
}

// hasUnknown reports whether any value of the provider block is not known
// yet (e.g. it comes from a cluster created in the same apply). Such a block
// must not fail the plan: the client is then created later, once the values
// are known. Nested values (list elements, exec block attributes) count.
func (m providerConfigModel) hasUnknown() bool {
	values := []attr.Value{
		m.ConfigPath, m.ConfigPaths, m.ConfigContext, m.ConfigContextAuthInfo, m.ConfigContextCluster,
		m.Host, m.Username, m.Password, m.Token, m.ClientCertificate, m.ClientKey, m.ClusterCACertificate,
		m.Insecure, m.TLSServerName, m.ProxyURL, m.Namespace, m.QPS, m.Burst, m.Exec,
	}
	for _, v := range values {
		if pcValueHasUnknown(v) {
			return true
		}
	}
	return false
}

func pcValueHasUnknown(v attr.Value) bool {
	if v == nil {
		return false
	}
	if v.IsUnknown() {
		return true
	}
	if v.IsNull() {
		return false
	}
	var children []attr.Value
	switch tv := v.(type) {
	case basetypes.ListValue:
		children = tv.Elements()
	case basetypes.SetValue:
		children = tv.Elements()
	case basetypes.TupleValue:
		children = tv.Elements()
	case basetypes.MapValue:
		for _, e := range tv.Elements() {
			children = append(children, e)
		}
	case basetypes.ObjectValue:
		for _, e := range tv.Attributes() {
			children = append(children, e)
		}
	}
	for _, c := range children {
		if pcValueHasUnknown(c) {
			return true
		}
	}
	return false
}

// pcSetting is one resolved string value and where it came from.
type pcSetting struct {
	value string
	env   string // environment variable it was read from; "" when set in the provider block
}

func (s pcSetting) isSet() bool { return s.value != "" }

// from describes the origin for diagnostics, e.g. ` (from environment variable KUBE_HOST)`.
func (s pcSetting) from() string {
	if s.env == "" {
		return ""
	}
	return fmt.Sprintf(" (from environment variable %s)", s.env)
}

// pcStringSetting returns the attribute's value, or the environment variable's
// when the attribute is null or empty.
func pcStringSetting(v types.String, env string) pcSetting {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return pcSetting{value: v.ValueString()}
	}
	if env != "" {
		if e := os.Getenv(env); e != "" {
			return pcSetting{value: e, env: env}
		}
	}
	return pcSetting{}
}

// pcKubeconfigSource is the list of kubeconfig files to load and who named them.
type pcKubeconfigSource struct {
	paths   []string
	attr    path.Path // attribute to blame for a bad file
	indexed bool      // paths came from the config_paths attribute: blame config_paths[i]
	env     string    // environment variable they came from, if any
	ambient bool      // KUBECONFIG: missing files are skipped, as kubectl does
}

func (s pcKubeconfigSource) pathFor(i int) path.Path {
	if s.indexed {
		return s.attr.AtListIndex(i)
	}
	return s.attr
}

// pcResolveKubeconfigSource applies the precedence
// config_path > config_paths > KUBE_CONFIG_PATH > KUBE_CONFIG_PATHS > KUBECONFIG.
// KUBECONFIG is only consulted when nothing else names a connection (no
// path and no host), so that an ambient kubeconfig never gets merged into an
// explicit host/token configuration.
func pcResolveKubeconfigSource(ctx context.Context, cfg providerConfigModel, hostSet bool) (pcKubeconfigSource, diag.Diagnostics) {
	var diags diag.Diagnostics
	if p := pcStringSetting(cfg.ConfigPath, ""); p.isSet() {
		return pcKubeconfigSource{paths: []string{p.value}, attr: path.Root("config_path")}, diags
	}
	if !cfg.ConfigPaths.IsNull() && !cfg.ConfigPaths.IsUnknown() && len(cfg.ConfigPaths.Elements()) > 0 {
		var elems []types.String
		diags.Append(cfg.ConfigPaths.ElementsAs(ctx, &elems, false)...)
		if diags.HasError() {
			return pcKubeconfigSource{}, diags
		}
		src := pcKubeconfigSource{attr: path.Root("config_paths"), indexed: true}
		for i, e := range elems {
			if e.IsNull() || e.ValueString() == "" {
				diags.AddAttributeError(path.Root("config_paths").AtListIndex(i), "Empty kubeconfig path",
					"The entries of config_paths must be paths of kubeconfig files.")
				continue
			}
			src.paths = append(src.paths, e.ValueString())
		}
		return src, diags
	}
	if v := os.Getenv(pcEnvConfigPath); v != "" {
		return pcKubeconfigSource{paths: []string{v}, attr: path.Root("config_path"), env: pcEnvConfigPath}, diags
	}
	if v := os.Getenv(pcEnvConfigPaths); v != "" {
		return pcKubeconfigSource{paths: pcSplitPathList(v), attr: path.Root("config_paths"), env: pcEnvConfigPaths}, diags
	}
	if !hostSet {
		if v := os.Getenv(pcEnvKubeconfig); v != "" {
			return pcKubeconfigSource{paths: pcSplitPathList(v), env: pcEnvKubeconfig, ambient: true}, diags
		}
	}
	return pcKubeconfigSource{}, diags
}

func pcSplitPathList(v string) []string {
	var out []string
	for _, p := range filepath.SplitList(v) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pcExpandHome expands a leading "~" (alone or followed by a separator).
func pcExpandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot expand %q: %w", p, err)
	}
	return filepath.Join(home, p[1:]), nil
}

// pcCheckKubeconfigFiles expands and checks every file so that a bad one is
// reported on the attribute that named it. It returns the files to load.
func pcCheckKubeconfigFiles(src pcKubeconfigSource) ([]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var files []string
	addErr := func(i int, summary, detail string) {
		if src.ambient {
			diags.AddError(summary, detail)
			return
		}
		diags.AddAttributeError(src.pathFor(i), summary, detail)
	}
	from := ""
	if src.env != "" {
		from = fmt.Sprintf(" (from environment variable %s)", src.env)
	}
	for i, p := range src.paths {
		expanded, err := pcExpandHome(p)
		if err != nil {
			addErr(i, "Invalid kubeconfig path", err.Error()+from)
			continue
		}
		info, err := os.Stat(expanded)
		if os.IsNotExist(err) {
			if src.ambient {
				continue
			}
			addErr(i, "Kubeconfig file not found", fmt.Sprintf("The kubeconfig file %q%s does not exist.", expanded, from))
			continue
		}
		if err != nil {
			addErr(i, "Cannot read kubeconfig file", fmt.Sprintf("Reading %q%s: %s", expanded, from, err))
			continue
		}
		if info.IsDir() {
			addErr(i, "Kubeconfig path is a directory", fmt.Sprintf("%q%s is a directory, not a kubeconfig file.", expanded, from))
			continue
		}
		if _, err := clientcmd.LoadFromFile(expanded); err != nil {
			addErr(i, "Invalid kubeconfig file", fmt.Sprintf("Loading %q%s: %s", expanded, from, err))
			continue
		}
		files = append(files, expanded)
	}
	return files, diags
}

// newRESTConfig turns the provider block (and the environment) into a client
// configuration and the default namespace for resources.
//
// Precedence, per value: provider block attribute > its environment variable >
// the kubeconfig (context chosen by config_context, else current-context).
// Explicit values (host, token, certificates, exec, ...) override those of
// the kubeconfig, as kubectl flags do. With no kubeconfig and no host, the
// in-cluster service account is used when running inside a pod.
//
// It must not be called while cfg.hasUnknown().
func newRESTConfig(ctx context.Context, cfg providerConfigModel) (*rest.Config, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if cfg.hasUnknown() {
		diags.AddError("Provider configuration not known yet",
			"The client configuration was requested while some provider attributes are still unknown. This is a bug in the provider.")
		return nil, "", diags
	}

	host := pcStringSetting(cfg.Host, pcEnvHost)
	username := pcStringSetting(cfg.Username, pcEnvUsername)
	password := pcStringSetting(cfg.Password, pcEnvPassword)
	token := pcStringSetting(cfg.Token, pcEnvToken)
	clientCert := pcStringSetting(cfg.ClientCertificate, pcEnvClientCertificate)
	clientKey := pcStringSetting(cfg.ClientKey, pcEnvClientKey)
	caCert := pcStringSetting(cfg.ClusterCACertificate, pcEnvClusterCACertificate)
	tlsServerName := pcStringSetting(cfg.TLSServerName, pcEnvTLSServerName)
	proxyURL := pcStringSetting(cfg.ProxyURL, pcEnvProxyURL)
	kubeContext := pcStringSetting(cfg.ConfigContext, pcEnvConfigContext)
	kubeAuthInfo := pcStringSetting(cfg.ConfigContextAuthInfo, pcEnvConfigContextAuth)
	kubeCluster := pcStringSetting(cfg.ConfigContextCluster, pcEnvConfigContextCluster)

	// Secrets never reach the log, not even by accident inside a message.
	for _, s := range []pcSetting{password, token, clientKey} {
		if s.isSet() {
			ctx = tflog.MaskAllFieldValuesStrings(ctx, s.value)
			ctx = tflog.MaskMessageStrings(ctx, s.value)
		}
	}

	overrides := &clientcmd.ConfigOverrides{}

	// Cluster.
	if host.isSet() {
		server, err := pcNormalizeHost(host.value)
		if err != nil {
			diags.AddAttributeError(path.Root("host"), "Invalid host",
				fmt.Sprintf("%q%s is not a valid API server URL: %s", host.value, host.from(), err))
		} else {
			overrides.ClusterInfo.Server = server
			if strings.HasPrefix(server, "http://") && (token.isSet() || username.isSet() || password.isSet() || clientCert.isSet() || len(cfg.Exec.Elements()) > 0) {
				diags.AddAttributeWarning(path.Root("host"), "Credentials are not sent over plain HTTP",
					fmt.Sprintf("host %q%s uses http://; client-go sends no credentials over plain HTTP. Use https://.", server, host.from()))
			}
		}
	}
	if caCert.isSet() {
		if err := pcCheckCertificatesPEM(caCert.value); err != nil {
			diags.AddAttributeError(path.Root("cluster_ca_certificate"), "Invalid cluster CA certificate",
				fmt.Sprintf("The value%s is not a PEM-encoded certificate bundle: %s", caCert.from(), err))
		} else {
			overrides.ClusterInfo.CertificateAuthorityData = []byte(caCert.value)
		}
	}
	insecure, insecureEnv, err := pcBoolSetting(cfg.Insecure, pcEnvInsecure)
	if err != nil {
		diags.AddAttributeError(path.Root("insecure"), "Invalid insecure value",
			fmt.Sprintf("Environment variable %s=%q is not a boolean: %s", pcEnvInsecure, os.Getenv(pcEnvInsecure), err))
	}
	if insecure {
		if caCert.isSet() {
			diags.AddAttributeError(path.Root("insecure"), "Conflicting TLS settings",
				fmt.Sprintf("insecure%s skips verification of the server certificate, so cluster_ca_certificate%s cannot be used with it. Remove one of them.",
					pcEnvFrom(insecureEnv), caCert.from()))
		}
		overrides.ClusterInfo.InsecureSkipTLSVerify = true
	}
	if tlsServerName.isSet() {
		overrides.ClusterInfo.TLSServerName = tlsServerName.value
	}
	if proxyURL.isSet() {
		if err := pcCheckProxyURL(proxyURL.value); err != nil {
			diags.AddAttributeError(path.Root("proxy_url"), "Invalid proxy URL",
				fmt.Sprintf("%q%s: %s", proxyURL.value, proxyURL.from(), err))
		} else {
			overrides.ClusterInfo.ProxyURL = proxyURL.value
		}
	}

	// User.
	if token.isSet() && (username.isSet() || password.isSet()) {
		diags.AddAttributeError(path.Root("token"), "Conflicting credentials",
			fmt.Sprintf("token%s and username/password%s%s are two authentication methods; configure only one.",
				token.from(), username.from(), password.from()))
	}
	overrides.AuthInfo.Token = token.value
	overrides.AuthInfo.Username = username.value
	overrides.AuthInfo.Password = password.value
	if clientCert.isSet() {
		if err := pcCheckCertificatesPEM(clientCert.value); err != nil {
			diags.AddAttributeError(path.Root("client_certificate"), "Invalid client certificate",
				fmt.Sprintf("The value%s is not a PEM-encoded certificate: %s", clientCert.from(), err))
		} else {
			overrides.AuthInfo.ClientCertificateData = []byte(clientCert.value)
		}
	}
	if clientKey.isSet() {
		if err := pcCheckPrivateKeyPEM(clientKey.value); err != nil {
			diags.AddAttributeError(path.Root("client_key"), "Invalid client key",
				fmt.Sprintf("The value%s is not a PEM-encoded private key: %s", clientKey.from(), err))
		} else {
			overrides.AuthInfo.ClientKeyData = []byte(clientKey.value)
		}
	}
	if len(overrides.AuthInfo.ClientCertificateData) > 0 && len(overrides.AuthInfo.ClientKeyData) > 0 {
		if _, err := tls.X509KeyPair(overrides.AuthInfo.ClientCertificateData, overrides.AuthInfo.ClientKeyData); err != nil {
			diags.AddAttributeError(path.Root("client_key"), "Client key does not match client certificate",
				fmt.Sprintf("client_key%s and client_certificate%s do not form a key pair: %s", clientKey.from(), clientCert.from(), err))
		}
	}
	execCfg, d := pcExpandExec(ctx, cfg.Exec)
	diags.Append(d...)
	if execCfg != nil {
		overrides.AuthInfo.Exec = execCfg
	}

	// Kubeconfig files and context selection.
	src, d := pcResolveKubeconfigSource(ctx, cfg, host.isSet())
	diags.Append(d...)
	files, d := pcCheckKubeconfigFiles(src)
	diags.Append(d...)

	overrides.CurrentContext = kubeContext.value
	overrides.Context.AuthInfo = kubeAuthInfo.value
	overrides.Context.Cluster = kubeCluster.value

	qps, burst, d := pcRateLimits(cfg)
	diags.Append(d...)

	namespace, d := pcExplicitNamespace(cfg)
	diags.Append(d...)

	if diags.HasError() {
		return nil, "", diags
	}

	loader := &clientcmd.ClientConfigLoadingRules{Precedence: files}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(loader, overrides)

	raw, err := cc.RawConfig()
	if err != nil {
		diags.AddError("Cannot load kubeconfig", err.Error())
		return nil, "", diags
	}
	diags.Append(pcCheckContextNames(raw, len(files) > 0, kubeContext, kubeAuthInfo, kubeCluster)...)
	if diags.HasError() {
		return nil, "", diags
	}

	restCfg, err := cc.ClientConfig()
	if err != nil {
		switch {
		case clientcmd.IsEmptyConfig(err):
			diags.AddError("No Kubernetes API server configured",
				"The provider found no connection settings. Set host (KUBE_HOST) with credentials, "+
					"or config_path (KUBE_CONFIG_PATH) / config_paths (KUBE_CONFIG_PATHS), or the KUBECONFIG environment variable, "+
					"or run inside a Kubernetes pod with a service account.")
		case clientcmd.IsConfigurationInvalid(err):
			diags.AddError("Invalid Kubernetes client configuration", err.Error())
		default:
			diags.AddError("Cannot build Kubernetes client configuration", err.Error())
		}
		return nil, "", diags
	}

	// Catch bad certificate data that came from a kubeconfig (attribute values
	// were checked above). This builds the TLS config without connecting and
	// without running an exec plugin.
	if _, err := rest.TLSConfigFor(restCfg); err != nil {
		diags.AddError("Invalid TLS configuration", err.Error())
		return nil, "", diags
	}

	if namespace == "" {
		ns, _, err := cc.Namespace()
		if err != nil {
			diags.AddError("Cannot determine the default namespace", err.Error())
			return nil, "", diags
		}
		namespace = ns
	}
	if namespace == "" {
		namespace = pcDefaultNamespace
	}

	restCfg.QPS = qps
	restCfg.Burst = burst
	version := cfg.providerVersion
	if version == "" {
		version = "dev"
	}
	restCfg.UserAgent = pcUserAgentProduct + "/" + version

	tflog.Debug(ctx, "Kubernetes client configured", map[string]any{
		"host":             pcRedactURL(restCfg.Host),
		"auth_methods":     strings.Join(pcAuthMethods(restCfg), ","),
		"kubeconfig_files": strings.Join(files, string(os.PathListSeparator)),
		"context":          pcEffectiveContext(raw, kubeContext.value),
		"namespace":        namespace,
		"insecure":         restCfg.Insecure,
		"proxy":            proxyURL.isSet(),
		"qps":              restCfg.QPS,
		"burst":            restCfg.Burst,
	})

	return restCfg, namespace, diags
}

func pcEnvFrom(env string) string {
	if env == "" {
		return ""
	}
	return fmt.Sprintf(" (from environment variable %s)", env)
}

// pcBoolSetting returns the attribute's value, else the environment variable's.
// env is the variable's name when the value came from it.
func pcBoolSetting(v types.Bool, name string) (value bool, env string, err error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), "", nil
	}
	s := os.Getenv(name)
	if s == "" {
		return false, "", nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, name, err
	}
	return b, name, nil
}

func pcRateLimits(cfg providerConfigModel) (float32, int, diag.Diagnostics) {
	var diags diag.Diagnostics
	qps := pcDefaultQPS
	switch {
	case !cfg.QPS.IsNull():
		qps = cfg.QPS.ValueFloat64()
		if !(qps > 0) || qps > math.MaxFloat32 {
			diags.AddAttributeError(path.Root("qps"), "Invalid qps", fmt.Sprintf("qps must be a number greater than zero, got %g.", qps))
		}
	case os.Getenv(pcEnvQPS) != "":
		v, err := strconv.ParseFloat(os.Getenv(pcEnvQPS), 64)
		if err != nil || !(v > 0) || v > math.MaxFloat32 {
			diags.AddAttributeError(path.Root("qps"), "Invalid qps",
				fmt.Sprintf("Environment variable %s=%q must be a number greater than zero.", pcEnvQPS, os.Getenv(pcEnvQPS)))
		}
		qps = v
	}
	burst := int64(pcDefaultBurst)
	switch {
	case !cfg.Burst.IsNull():
		burst = cfg.Burst.ValueInt64()
		if burst < 1 || burst > math.MaxInt32 {
			diags.AddAttributeError(path.Root("burst"), "Invalid burst", fmt.Sprintf("burst must be an integer of at least 1, got %d.", burst))
		}
	case os.Getenv(pcEnvBurst) != "":
		v, err := strconv.ParseInt(os.Getenv(pcEnvBurst), 10, 64)
		if err != nil || v < 1 || v > math.MaxInt32 {
			diags.AddAttributeError(path.Root("burst"), "Invalid burst",
				fmt.Sprintf("Environment variable %s=%q must be an integer of at least 1.", pcEnvBurst, os.Getenv(pcEnvBurst)))
		}
		burst = v
	}
	return float32(qps), int(burst), diags
}

// pcExplicitNamespace returns the namespace set by attribute or APPCAT_NAMESPACE,
// or "" when the kubeconfig decides.
func pcExplicitNamespace(cfg providerConfigModel) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	ns := pcStringSetting(cfg.Namespace, pcEnvNamespace)
	if !ns.isSet() {
		return "", diags
	}
	if errs := validation.IsDNS1123Label(ns.value); len(errs) > 0 {
		diags.AddAttributeError(path.Root("namespace"), "Invalid namespace",
			fmt.Sprintf("%q%s is not a valid Kubernetes namespace name: %s", ns.value, ns.from(), strings.Join(errs, "; ")))
		return "", diags
	}
	return ns.value, diags
}

// pcExpandExec turns the exec block into client-go's ExecConfig.
func pcExpandExec(ctx context.Context, l types.List) (*clientcmdapi.ExecConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	if l.IsNull() || l.IsUnknown() || len(l.Elements()) == 0 {
		return nil, diags
	}
	var blocks []providerExecModel
	diags.Append(l.ElementsAs(ctx, &blocks, false)...)
	if diags.HasError() {
		return nil, diags
	}
	if len(blocks) > 1 {
		diags.AddAttributeError(path.Root("exec"), "Too many exec blocks", "At most one exec block may be configured.")
		return nil, diags
	}
	b := blocks[0]
	at := path.Root("exec").AtListIndex(0)
	ec := &clientcmdapi.ExecConfig{
		APIVersion: b.APIVersion.ValueString(),
		Command:    b.Command.ValueString(),
		// Terraform runs the provider without a terminal: the plugin gets no stdin.
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}
	if !pcIsOneOf(ec.APIVersion, pcExecAPIVersions) {
		diags.AddAttributeError(at.AtName("api_version"), "Invalid exec api_version",
			fmt.Sprintf("%q is not supported; use one of %s.", ec.APIVersion, strings.Join(pcExecAPIVersions, ", ")))
	}
	if ec.Command == "" {
		diags.AddAttributeError(at.AtName("command"), "Missing exec command", "exec.command must name the credential plugin to run.")
	}
	if !b.Args.IsNull() {
		var args []types.String
		diags.Append(b.Args.ElementsAs(ctx, &args, false)...)
		for _, a := range args {
			ec.Args = append(ec.Args, a.ValueString())
		}
	}
	if !b.Env.IsNull() {
		env := map[string]types.String{}
		diags.Append(b.Env.ElementsAs(ctx, &env, false)...)
		names := make([]string, 0, len(env))
		for k := range env {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if k == "" {
				diags.AddAttributeError(at.AtName("env"), "Invalid exec env", "Environment variable names must not be empty.")
				continue
			}
			ec.Env = append(ec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: env[k].ValueString()})
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	return ec, diags
}

func pcIsOneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}

// pcCheckContextNames reports a context, user or cluster name that the loaded
// kubeconfig does not have, on the attribute that names it.
func pcCheckContextNames(raw clientcmdapi.Config, loaded bool, kubeContext, authInfo, cluster pcSetting) diag.Diagnostics {
	var diags diag.Diagnostics
	check := func(s pcSetting, attrName, kind string, names []string, exists bool) {
		if !s.isSet() || exists {
			return
		}
		p := path.Root(attrName)
		if !loaded {
			diags.AddAttributeError(p, fmt.Sprintf("No kubeconfig for %s", attrName),
				fmt.Sprintf("%s %q%s selects a kubeconfig %s, but no kubeconfig file is loaded. Set config_path or config_paths (or %s / %s).",
					attrName, s.value, s.from(), kind, pcEnvConfigPath, pcEnvConfigPaths))
			return
		}
		sort.Strings(names)
		diags.AddAttributeError(p, fmt.Sprintf("Kubeconfig %s not found", kind),
			fmt.Sprintf("The kubeconfig has no %s %q%s. Available: %s.", kind, s.value, s.from(), pcQuoteList(names)))
	}
	_, ok := raw.Contexts[kubeContext.value]
	check(kubeContext, "config_context", "context", pcMapKeys(raw.Contexts), ok)
	_, ok = raw.AuthInfos[authInfo.value]
	check(authInfo, "config_context_auth_info", "user", pcMapKeys(raw.AuthInfos), ok)
	_, ok = raw.Clusters[cluster.value]
	check(cluster, "config_context_cluster", "cluster", pcMapKeys(raw.Clusters), ok)
	return diags
}

func pcMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func pcQuoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func pcEffectiveContext(raw clientcmdapi.Config, override string) string {
	if override != "" {
		return override
	}
	return raw.CurrentContext
}

// pcNormalizeHost makes the API server URL explicit. A host without a scheme
// gets https:// (client-go would otherwise pick http:// when no CA is given,
// and then silently send no credentials).
func pcNormalizeHost(h string) (string, error) {
	h = strings.TrimSpace(h)
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	u, err := url.Parse(h)
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("scheme must be https or http, not %q", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("no host name")
	}
	if u.User != nil {
		return "", fmt.Errorf("credentials in the URL are not supported; use username and password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("query and fragment are not supported")
	}
	return u.String(), nil
}

func pcCheckProxyURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return fmt.Errorf("scheme must be http, https or socks5, not %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("no host name")
	}
	return nil
}

// pcCheckCertificatesPEM checks that s holds at least one PEM certificate and
// that every certificate block parses.
func pcCheckCertificatesPEM(s string) error {
	remaining := []byte(s)
	n := 0
	for {
		var block *pem.Block
		block, remaining = pem.Decode(remaining)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("certificate %d: %w", n+1, err)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no PEM CERTIFICATE block found%s", pcBase64Hint(s))
	}
	return nil
}

// pcCheckPrivateKeyPEM checks that s holds a parseable PEM private key.
func pcCheckPrivateKeyPEM(s string) error {
	remaining := []byte(s)
	for {
		var block *pem.Block
		block, remaining = pem.Decode(remaining)
		if block == nil {
			return fmt.Errorf("no PEM PRIVATE KEY block found%s", pcBase64Hint(s))
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			return nil
		}
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			return nil
		}
		if _, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
			return nil
		}
		return fmt.Errorf("the %s block cannot be parsed (PKCS#8, PKCS#1 and SEC 1 are supported; encrypted keys are not)", block.Type)
	}
}

// pcBase64Hint recognises the common mistake of passing the base64 text of a
// kubeconfig's *-data field instead of the decoded PEM.
func pcBase64Hint(s string) string {
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err == nil && strings.Contains(string(decoded), "-----BEGIN") {
		return "; the value looks base64-encoded: decode it first, e.g. with base64decode()"
	}
	return ""
}

func pcRedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}

// pcAuthMethods names the credentials in use, never their values.
func pcAuthMethods(c *rest.Config) []string {
	var m []string
	if c.ExecProvider != nil {
		m = append(m, "exec:"+filepath.Base(c.ExecProvider.Command))
	}
	if c.AuthProvider != nil {
		m = append(m, "auth-provider:"+c.AuthProvider.Name)
	}
	if c.BearerToken != "" || c.BearerTokenFile != "" {
		m = append(m, "token")
	}
	if c.Username != "" || c.Password != "" {
		m = append(m, "basic")
	}
	if len(c.CertData) > 0 || c.CertFile != "" {
		m = append(m, "client-certificate")
	}
	if len(m) == 0 {
		m = append(m, "none")
	}
	return m
}
