package providerconfig

import (
	_ "embed"
	"fmt"
	"math"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The provider block's schema: the connection attributes of the hashicorp/kubernetes provider,
// each with its environment variable, plus namespace, qps and burst.

func envNote(env string) string {
	return fmt.Sprintf(" Can be sourced from the `%s` environment variable.", env)
}

// Attributes returns the connection attributes of the provider
// schema. They mirror the hashicorp/kubernetes provider's, plus namespace, qps
// and burst.
func Attributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"config_path": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Path to a kubeconfig file. `~` is expanded to the home directory. " +
				"The file must exist. Conflicts with `config_paths`." + envNote(envConfigPath) +
				" When no kubeconfig path and no `host` is configured at all, the files listed in `" + envKubeconfig +
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
				envNote(envConfigPaths) + " The variable holds a list separated by the OS path-list separator (`:` on Unix, `;` on Windows).",
		},
		"config_context": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Context of the kubeconfig to use instead of its `current-context`." + envNote(envConfigContext),
		},
		"config_context_auth_info": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Kubeconfig user to use instead of the one of the selected context " +
				"(`kubectl --user`)." + envNote(envConfigContextAuth),
		},
		"config_context_cluster": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Kubeconfig cluster to use instead of the one of the selected context " +
				"(`kubectl --cluster`)." + envNote(envConfigContextCluster),
		},
		"host": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "URL of the Kubernetes API server of the AppCat platform, e.g. `https://api.example.com:6443`. " +
				"`https://` is assumed when no scheme is given. Overrides the server of the kubeconfig." + envNote(envHost),
		},
		"username": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Username for HTTP basic authentication. Overrides the kubeconfig." + envNote(envUsername),
		},
		"password": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: "Password for HTTP basic authentication. Overrides the kubeconfig." + envNote(envPassword),
		},
		"token": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: "Bearer token, e.g. of a service account. Overrides the kubeconfig." + envNote(envToken),
		},
		"client_certificate": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "PEM-encoded client certificate for TLS client authentication. Overrides the kubeconfig." + envNote(envClientCertificate),
		},
		"client_key": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: "PEM-encoded private key of `client_certificate`. Overrides the kubeconfig." + envNote(envClientKey),
		},
		"cluster_ca_certificate": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "PEM-encoded CA certificate bundle used to verify the API server's certificate. " +
				"Overrides the kubeconfig. Pass PEM text, not base64 (use `base64decode()` on a kubeconfig's `certificate-authority-data`)." +
				envNote(envClusterCACertificate),
		},
		"insecure": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Skip verification of the API server's TLS certificate. Not for production. " +
				"Cannot be combined with `cluster_ca_certificate`. Defaults to `false`." + envNote(envInsecure),
		},
		"tls_server_name": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Server name used for SNI and to verify the API server's certificate." + envNote(envTLSServerName),
		},
		"proxy_url": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "URL of a proxy for all requests to the API server. " +
				"Schemes `http`, `https` and `socks5` are supported." + envNote(envProxyURL),
		},
		"namespace": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Default namespace for resources that do not set one." + envNote(envNamespace) +
				" Otherwise the namespace of the selected kubeconfig context is used, then `default`.",
		},
		"qps": schema.Float64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Client-side rate limit: sustained requests per second to the API server. "+
				"Must be greater than zero. Defaults to `%g`.", defaultQPS) + envNote(envQPS),
		},
		"burst": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Client-side rate limit: requests allowed in a burst above `qps`. "+
				"Must be at least 1. Defaults to `%d`.", defaultBurst) + envNote(envBurst),
			Validators: []validator.Int64{
				int64validator.Between(1, math.MaxInt32),
			},
		},
	}
}

// execDescription describes the exec block; it is long enough to read better as Markdown.
//
//go:embed descriptions/exec.md
var execDescription string

// Blocks returns the connection blocks of the provider schema.
func Blocks() map[string]schema.Block {
	return map[string]schema.Block{
		"exec": schema.ListNestedBlock{
			MarkdownDescription: strings.TrimSpace(execDescription),
			Validators:          []validator.List{listvalidator.SizeAtMost(1)},
			NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{
					"api_version": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "API version of the `ExecCredential` the plugin returns: " +
							"`client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.",
						Validators: []validator.String{stringvalidator.OneOf(execAPIVersions...)},
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
