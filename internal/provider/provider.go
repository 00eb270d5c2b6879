// Package provider is Terraform's view of the AppCat platform: the provider, its resources and
// data sources. It calls internal/appcat for everything that talks to the platform.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/providerconfig"
)

var (
	_ provider.Provider                       = &appcatProvider{}
	_ provider.ProviderWithEphemeralResources = &appcatProvider{}
)

// appcatProvider is the appcat provider.
type appcatProvider struct {
	version string
}

// New returns a function that creates the provider. NewServer serves it, to terraform and to the
// acceptance tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &appcatProvider{version: version} }
}

func (p *appcatProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "appcat"
	resp.Version = p.version
}

func (p *appcatProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFile("provider"),
		Attributes:          providerconfig.Attributes(),
		Blocks:              providerconfig.Blocks(),
	}
}

func (p *appcatProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerconfig.Model
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.HasUnknown() {
		// The cluster may be created in this very apply: plan without a client; Terraform
		// configures the provider again with known values before it applies.
		tflog.Info(ctx, "provider configuration has unknown values; the platform is not contacted during this plan")
		data := &providerData{unknownConfig: true}
		resp.ResourceData, resp.DataSourceData, resp.EphemeralResourceData = data, data, data
		return
	}
	restConfig, namespace, diags := providerconfig.RESTConfig(ctx, cfg, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := appcat.New(restConfig, appcat.Options{SnapshotTTL: appcat.DefaultSnapshotTTL})
	if err != nil {
		resp.Diagnostics.AddError("Could not create the AppCat client", err.Error())
		return
	}
	data := &providerData{client: client, defaultNamespace: namespace}
	resp.ResourceData, resp.DataSourceData, resp.EphemeralResourceData = data, data, data
}

func (p *appcatProvider) Resources(context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, k := range instanceKinds() {
		out = append(out, k.resource)
	}
	return append(out,
		NewBackupPolicyResource, NewMaintenanceWindowResource,
		NewDatabaseUserResource,
		NewAlertChannelResource,
	)
}

func (p *appcatProvider) DataSources(context.Context) []func() datasource.DataSource {
	var out []func() datasource.DataSource
	for _, k := range instanceKinds() {
		out = append(out, k.dataSource)
	}
	return append(out,
		NewBackupsDataSource,
		NewSLAReportDataSource,
		NewSLAReportsDataSource,
		NewMetricsEndpointDataSource,
		NewCatalogDataSource,
		NewInstancesDataSource,
	)
}

func (p *appcatProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewConnectionEphemeralResource}
}
