// Package providerconfig is the connection part of the provider block: its schema (the
// connection attributes of the hashicorp/kubernetes provider, plus namespace, qps and burst),
// its model, and the resolution of attributes, environment variables and kubeconfig files into
// a client-go REST configuration.
package providerconfig

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
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

// Model is the connection part of the provider block.
//
// It can be embedded (anonymously) in a larger provider model: the framework
// reads the tfsdk tags of embedded structs.
type Model struct {
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

// HasUnknown reports whether any value of the provider block is not known
// yet (e.g. it comes from a cluster created in the same apply). Such a block
// must not fail the plan: the client is then created later, once the values
// are known. Nested values (list elements, exec block attributes) count.
func (m Model) HasUnknown() bool {
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
