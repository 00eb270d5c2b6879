package providerconfig

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// RESTConfig turns the provider block (and the environment) into a client
// configuration and the default namespace for resources.
//
// Precedence, per value: provider block attribute > its environment variable >
// the kubeconfig (context chosen by config_context, else current-context).
// Explicit values (host, token, certificates, exec, ...) override those of
// the kubeconfig, as kubectl flags do. With no kubeconfig and no host, the
// in-cluster service account is used when running inside a pod.
//
// version is the provider's version, sent in the User-Agent header; empty
// means "dev". RESTConfig must not be called while cfg.HasUnknown().
func RESTConfig(ctx context.Context, cfg Model, version string) (*rest.Config, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if cfg.HasUnknown() {
		diags.AddError("Provider configuration not known yet",
			"The client configuration was requested while some provider attributes are still unknown. This is a bug in the provider.")
		return nil, "", diags
	}

	host := stringSetting(cfg.Host, envHost)
	username := stringSetting(cfg.Username, envUsername)
	password := stringSetting(cfg.Password, envPassword)
	token := stringSetting(cfg.Token, envToken)
	clientCert := stringSetting(cfg.ClientCertificate, envClientCertificate)
	clientKey := stringSetting(cfg.ClientKey, envClientKey)
	caCert := stringSetting(cfg.ClusterCACertificate, envClusterCACertificate)
	tlsServerName := stringSetting(cfg.TLSServerName, envTLSServerName)
	proxyURL := stringSetting(cfg.ProxyURL, envProxyURL)
	kubeContext := stringSetting(cfg.ConfigContext, envConfigContext)
	kubeAuthInfo := stringSetting(cfg.ConfigContextAuthInfo, envConfigContextAuth)
	kubeCluster := stringSetting(cfg.ConfigContextCluster, envConfigContextCluster)

	// Secrets never reach the log, not even by accident inside a message.
	for _, s := range []setting{password, token, clientKey} {
		if s.isSet() {
			ctx = tflog.MaskAllFieldValuesStrings(ctx, s.value)
			ctx = tflog.MaskMessageStrings(ctx, s.value)
		}
	}

	overrides := &clientcmd.ConfigOverrides{}

	// Cluster.
	if host.isSet() {
		server, err := normalizeHost(host.value)
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
		if err := checkCertificatesPEM(caCert.value); err != nil {
			diags.AddAttributeError(path.Root("cluster_ca_certificate"), "Invalid cluster CA certificate",
				fmt.Sprintf("The value%s is not a PEM-encoded certificate bundle: %s", caCert.from(), err))
		} else {
			overrides.ClusterInfo.CertificateAuthorityData = []byte(caCert.value)
		}
	}
	insecure, insecureEnv, err := boolSetting(cfg.Insecure, envInsecure)
	if err != nil {
		diags.AddAttributeError(path.Root("insecure"), "Invalid insecure value",
			fmt.Sprintf("Environment variable %s=%q is not a boolean: %s", envInsecure, os.Getenv(envInsecure), err))
	}
	if insecure {
		if caCert.isSet() {
			diags.AddAttributeError(path.Root("insecure"), "Conflicting TLS settings",
				fmt.Sprintf("insecure%s skips verification of the server certificate, so cluster_ca_certificate%s cannot be used with it. Remove one of them.",
					envFrom(insecureEnv), caCert.from()))
		}
		overrides.ClusterInfo.InsecureSkipTLSVerify = true
	}
	if tlsServerName.isSet() {
		overrides.ClusterInfo.TLSServerName = tlsServerName.value
	}
	if proxyURL.isSet() {
		if err := checkProxyURL(proxyURL.value); err != nil {
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
		if err := checkCertificatesPEM(clientCert.value); err != nil {
			diags.AddAttributeError(path.Root("client_certificate"), "Invalid client certificate",
				fmt.Sprintf("The value%s is not a PEM-encoded certificate: %s", clientCert.from(), err))
		} else {
			overrides.AuthInfo.ClientCertificateData = []byte(clientCert.value)
		}
	}
	if clientKey.isSet() {
		if err := checkPrivateKeyPEM(clientKey.value); err != nil {
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
	execCfg, d := expandExec(ctx, cfg.Exec)
	diags.Append(d...)
	if execCfg != nil {
		overrides.AuthInfo.Exec = execCfg
	}

	// Kubeconfig files and context selection.
	src, d := resolveKubeconfigSource(ctx, cfg, host.isSet())
	diags.Append(d...)
	files, d := checkKubeconfigFiles(src)
	diags.Append(d...)

	overrides.CurrentContext = kubeContext.value
	overrides.Context.AuthInfo = kubeAuthInfo.value
	overrides.Context.Cluster = kubeCluster.value

	qps, burst, d := rateLimits(cfg)
	diags.Append(d...)

	namespace, d := explicitNamespace(cfg)
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
	diags.Append(checkContextNames(raw, len(files) > 0, kubeContext, kubeAuthInfo, kubeCluster)...)
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
		namespace = defaultNamespace
	}

	restCfg.QPS = qps
	restCfg.Burst = burst
	if version == "" {
		version = "dev"
	}
	restCfg.UserAgent = userAgentProduct + "/" + version

	tflog.Debug(ctx, "Kubernetes client configured", map[string]any{
		"host":             redactURL(restCfg.Host),
		"auth_methods":     strings.Join(authMethods(restCfg), ","),
		"kubeconfig_files": strings.Join(files, string(os.PathListSeparator)),
		"context":          effectiveContext(raw, kubeContext.value),
		"namespace":        namespace,
		"insecure":         restCfg.Insecure,
		"proxy":            proxyURL.isSet(),
		"qps":              restCfg.QPS,
		"burst":            restCfg.Burst,
	})

	return restCfg, namespace, diags
}
