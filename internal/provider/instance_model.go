package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// instanceModel holds the attributes every AppCat instance resource has, whatever its kind.
// Each kind's model embeds it and adds its own attributes.
type instanceModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	Namespace            types.String `tfsdk:"namespace"`
	Version              types.String `tfsdk:"version"`
	Instances            types.Int64  `tfsdk:"instances"`
	ServiceLevel         types.String `tfsdk:"service_level"`
	DeletionProtection   types.Bool   `tfsdk:"deletion_protection"`
	AllowAllNamespaces   types.Bool   `tfsdk:"allow_all_namespaces"`
	AllowedNamespaces    types.List   `tfsdk:"allowed_namespaces"`
	AllowedGroups        types.List   `tfsdk:"allowed_groups"`
	AllowedUsers         types.List   `tfsdk:"allowed_users"`
	NodeSelector         types.Map    `tfsdk:"node_selector"`
	Labels               types.Map    `tfsdk:"labels"`
	Annotations          types.Map    `tfsdk:"annotations"`
	ConnectionSecretName types.String `tfsdk:"connection_secret_name"`
	InstanceNamespace    types.String `tfsdk:"instance_namespace"`
	Logs                 types.Object `tfsdk:"logs"` // instance_logs.go
	CurrentVersion       types.String `tfsdk:"current_version"`
	PreviousVersion      types.String `tfsdk:"previous_version"`
	// AllowMajorVersionUpgrade is the provider's own guard; it is never sent to the platform.
	AllowMajorVersionUpgrade types.Bool   `tfsdk:"allow_major_version_upgrade"`
	Connection               types.Object `tfsdk:"connection_details"`
	// StoreCredentials is the provider's own too (instance_credentials.go).
	StoreCredentials types.Bool     `tfsdk:"store_credentials"`
	Restore          types.Object   `tfsdk:"restore"`
	Alerting         types.Object   `tfsdk:"alerting"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`

	// instance_composition.go
	CompositionUpdatePolicy      types.String `tfsdk:"composition_update_policy"`
	CompositionRevision          types.String `tfsdk:"composition_revision"`
	AdditionalResourcesConfigMap types.String `tfsdk:"additional_resources_config_map"`
}

// connectionModel is the sensitive `connection` object: how to reach the instance.
type connectionModel struct {
	Host              types.String `tfsdk:"host"`
	Port              types.Int64  `tfsdk:"port"`
	Username          types.String `tfsdk:"username"`
	Password          types.String `tfsdk:"password"`
	Database          types.String `tfsdk:"database"`
	URL               types.String `tfsdk:"url"`
	CACertificate     types.String `tfsdk:"ca_certificate"`
	ClientCertificate types.String `tfsdk:"client_certificate"`
	ClientKey         types.String `tfsdk:"client_key"`
	LoadBalancerIP    types.String `tfsdk:"load_balancer_ip"`
	SentinelHosts     types.String `tfsdk:"sentinel_hosts"`

	// Written with network.serviceType TCPGateway (connection_gateway.go).
	GatewayHost types.String `tfsdk:"gateway_host"`
	GatewayPort types.Int64  `tfsdk:"gateway_port"`

	// S3 credentials of object storage.
	AccessKeyID     types.String `tfsdk:"access_key_id"`
	SecretAccessKey types.String `tfsdk:"secret_access_key"`
	// Written while Nextcloud's Collabora Online is enabled.
	CollaboraHost types.String `tfsdk:"collabora_host"`
	// One bucket's region, name and S3 endpoint (without scheme).
	Region     types.String `tfsdk:"region"`
	BucketName types.String `tfsdk:"bucket_name"`
	Endpoint   types.String `tfsdk:"endpoint"`
	// Every node's host:port, separated by spaces (Exoscale Kafka's brokers).
	Nodes types.String `tfsdk:"nodes"`
	// URL of the service's web dashboard (OpenSearch Dashboards).
	DashboardURL types.String `tfsdk:"dashboard_url"`
}

var connectionAttrTypes = map[string]attr.Type{
	"host":               types.StringType,
	"port":               types.Int64Type,
	"username":           types.StringType,
	"password":           types.StringType,
	"database":           types.StringType,
	"url":                types.StringType,
	"ca_certificate":     types.StringType,
	"client_certificate": types.StringType,
	"client_key":         types.StringType,
	"load_balancer_ip":   types.StringType,
	"sentinel_hosts":     types.StringType,
	"gateway_host":       types.StringType,
	"gateway_port":       types.Int64Type,
	"access_key_id":      types.StringType,
	"secret_access_key":  types.StringType,
	"collabora_host":     types.StringType,
	"region":             types.StringType,
	"bucket_name":        types.StringType,
	"endpoint":           types.StringType,
	"nodes":              types.StringType,
	"dashboard_url":      types.StringType,
}
