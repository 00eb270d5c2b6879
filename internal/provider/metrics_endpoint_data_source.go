package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_metrics_endpoint data source: where one instance's metrics live.

type metricsEndpointModel struct {
	ID               types.String `tfsdk:"id"`
	Kind             types.String `tfsdk:"kind"`
	InstanceID       types.String `tfsdk:"instance_id"`
	ScrapeURL        types.String `tfsdk:"scrape_url"`
	QueryURL         types.String `tfsdk:"query_url"`
	LabelSelector    types.String `tfsdk:"label_selector"`
	Labels           types.Map    `tfsdk:"labels"`
	MetricNames      types.List   `tfsdk:"metric_names"`
	GrafanaDashboard types.String `tfsdk:"grafana_dashboard_json"`
}

// NewMetricsEndpointDataSource is the appcat_metrics_endpoint data source.
func NewMetricsEndpointDataSource() datasource.DataSource { return &metricsEndpointDataSource{} }

type metricsEndpointDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &metricsEndpointDataSource{}

func (d *metricsEndpointDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_metrics_endpoint"
}

func (d *metricsEndpointDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := instanceRefDataSourceAttributes()
	attrs["scrape_url"] = schema.StringAttribute{Computed: true, MarkdownDescription: "URL that answers with the instance's metrics in the " +
		"Prometheus text format (a scrape target), from the claim's `status.metrics.scrapeURL`; null where the platform publishes none " +
		"(on AppCat clusters the user-workload Prometheus scrapes the instance)."}
	attrs["query_url"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Prometheus-compatible instant query endpoint " +
		"(`/api/v1/query`) that holds the instance's metrics; null where the platform publishes none."}
	attrs["label_selector"] = schema.StringAttribute{Computed: true, MarkdownDescription: "PromQL label selector that picks the " +
		"instance's series, e.g. `{namespace=\"vshn-postgresql-shop-db-x7k2q\"}`: append it to a metric name in a query."}
	attrs["labels"] = schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The same selector as a map " +
		"of label names to values."}
	attrs["metric_names"] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Names of the " +
		"instance's metrics: the SLI probe histogram `appcat_probes_seconds` (labels `service`, `claim_namespace`, `instance_namespace`, " +
		"`name`, `reason`, `organization`, `ha`, `sla`, `maintenance`) and the capacity series of the customer alerts (volume and memory)."}
	attrs["grafana_dashboard_json"] = schema.StringAttribute{Computed: true, MarkdownDescription: "A ready-made Grafana dashboard " +
		"(JSON model) with panels for the instance's probes, disk and memory, for a Prometheus data source picked by its `datasource` " +
		"variable: pass it to `config_json` of the Grafana provider's `grafana_dashboard`. Stable across reads."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Tells where the metrics of one instance (PostgreSQL, Redis or MariaDB) live: a Prometheus-compatible scrape " +
			"URL and query URL, the label selector that picks the instance, the metric names, and a ready-made Grafana dashboard. " +
			"The instance must be provisioned. See the *Logs and metrics* guide.",
		Attributes: attrs,
	}
}

func (d *metricsEndpointDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *metricsEndpointDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m metricsEndpointModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind, _ := attachableKind(m.Kind.ValueString())
	ns, name, _ := splitInstanceID(m.InstanceID.ValueString())
	e, err := client.GetMetricsEndpoint(ctx, kind.api, ns, name)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("Could not read the metrics endpoint of %s instance %s/%s", kind.displayName, ns, name), appcat.Explain(err))
		return
	}
	dash, err := appcat.GrafanaDashboard(kind.api, ns, name, *e)
	if err != nil {
		resp.Diagnostics.AddError("Could not build the Grafana dashboard", err.Error())
		return
	}
	names := make([]attr.Value, len(appcat.MetricNames))
	for i, n := range appcat.MetricNames {
		names[i] = types.StringValue(n)
	}
	m.ID = types.StringValue(ns + "/" + name)
	m.ScrapeURL = stringOrNull(e.ScrapeURL)
	m.QueryURL = stringOrNull(e.QueryURL)
	m.LabelSelector = types.StringValue(e.LabelSelector())
	m.Labels = types.MapValueMust(types.StringType, map[string]attr.Value{"namespace": types.StringValue(e.InstanceNamespace)})
	m.MetricNames = types.ListValueMust(types.StringType, names)
	m.GrafanaDashboard = types.StringValue(dash)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
