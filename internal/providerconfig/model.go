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
	envConfigPath           = "KUBE_CONFIG_PATH"
	envConfigPaths          = "KUBE_CONFIG_PATHS"
	envKubeconfig           = "KUBECONFIG"
	envConfigContext        = "KUBE_CTX"
	envConfigContextAuth    = "KUBE_CTX_AUTH_INFO"
	envConfigContextCluster = "KUBE_CTX_CLUSTER"
	envHost                 = "KUBE_HOST"
	envUsername             = "KUBE_USER"
	envPassword             = "KUBE_PASSWORD"
	envToken                = "KUBE_TOKEN"
	envClientCertificate    = "KUBE_CLIENT_CERT_DATA"
	envClientKey            = "KUBE_CLIENT_KEY_DATA"
	envClusterCACertificate = "KUBE_CLUSTER_CA_CERT_DATA"
	envInsecure             = "KUBE_INSECURE"
	envTLSServerName        = "KUBE_TLS_SERVER_NAME"
	envProxyURL             = "KUBE_PROXY_URL"
	envNamespace            = "APPCAT_NAMESPACE"
	envQPS                  = "APPCAT_QPS"
	envBurst                = "APPCAT_BURST"
)

const (
	defaultQPS       = 100.0
	defaultBurst     = 200
	defaultNamespace = "default"
	userAgentProduct = "terraform-provider-appcat"
)

// execAPIVersions are the ExecCredential API versions client-go understands.
var execAPIVersions = []string{
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
	Exec                  types.List    `tfsdk:"exec"` // list (at most one) of execModel
}

// execModel is one exec block.
type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// execAttrTypes are the attribute types of one exec block object.
var execAttrTypes = map[string]attr.Type{
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
		if valueHasUnknown(v) {
			return true
		}
	}
	return false
}

func valueHasUnknown(v attr.Value) bool {
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
		if valueHasUnknown(c) {
			return true
		}
	}
	return false
}
