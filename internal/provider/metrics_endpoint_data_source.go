package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_metrics_endpoint data source: where one instance's metrics live.

type metricsEndpointModel struct {
	ID                types.String `tfsdk:"id"`
	Kind              types.String `tfsdk:"kind"`
	InstanceID        types.String `tfsdk:"instance_id"`
	PrometheusURL     types.String `tfsdk:"prometheus_url"`
	InstanceNamespace types.String `tfsdk:"instance_namespace"`
	Targets           types.List   `tfsdk:"targets"`
	Notes             types.List   `tfsdk:"notes"`
	ScrapeURL         types.String `tfsdk:"scrape_url"`
	QueryURL          types.String `tfsdk:"query_url"`
	LabelSelector     types.String `tfsdk:"label_selector"`
	Labels            types.Map    `tfsdk:"labels"`
	MetricNames       types.List   `tfsdk:"metric_names"`
	GrafanaDashboard  types.String `tfsdk:"grafana_dashboard_json"`
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
	attrs := instanceRefDataSourceAttributes(kindsWithMetrics)
	attrs["prometheus_url"] = schema.StringAttribute{Optional: true, MarkdownDescription: "Base URL of a Prometheus-compatible HTTP API " +
		"that holds the instance's metrics (e.g. the cluster's user-workload monitoring through its Thanos querier). AppCat publishes none; " +
		"`query_url` is derived from it. Defaults to the environment variable `" + prometheusURLEnv + "`."}
	attrs["instance_namespace"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The instance namespace " +
		"(`status.instanceNamespace`), where the instance's exporters and their monitors are."}
	attrs["targets"] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The scrape targets of the instance namespace: " +
		"one per endpoint of each ServiceMonitor (and Service it selects) and PodMonitor, or — where the credentials may not read " +
		"monitors, as AppCat's customers may not — each Service with a port named like `*metrics*`.",
		NestedObject: schema.NestedAttributeObject{Attributes: metricsTargetAttributes()}}
	attrs["notes"] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "What could not be read, " +
		"e.g. that listing PodMonitors is forbidden to these credentials."}
	attrs["scrape_url"] = schema.StringAttribute{Computed: true, MarkdownDescription: "In-cluster URL of the first target backed by a " +
		"Service, e.g. `http://redis-metrics.vshn-redis-shop-x7k2q.svc:9121/metrics`: reachable from inside the cluster (or through " +
		"`kubectl port-forward`); null when every target is a PodMonitor."}
	attrs["query_url"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Instant query endpoint (`/api/v1/query`) of " +
		"`prometheus_url`; null without one."}
	attrs["label_selector"] = schema.StringAttribute{Computed: true, MarkdownDescription: "PromQL label selector that picks the " +
		"instance's series, e.g. `{namespace=\"vshn-postgresql-shop-db-x7k2q\"}`: append it to a metric name in a query."}
	attrs["labels"] = schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The same selector as a map " +
		"of label names to values."}
	attrs["metric_names"] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Names of the " +
		"series about the instance: the SLI probe histogram `appcat_probes_seconds` of VSHN's SLI exporter (in VSHN's monitoring, not the " +
		"instance namespace; labels `service`, `claim_namespace`, `instance_namespace`, `name`, `reason`, `organization`, `ha`, `sla`, " +
		"`maintenance`, `composition`) and the capacity series of the customer alerts (volume and memory, labelled with the instance namespace)."}
	attrs["grafana_dashboard_json"] = schema.StringAttribute{Computed: true, MarkdownDescription: "A ready-made Grafana dashboard " +
		"(JSON model) with panels for the instance's probes, disk and memory, for a Prometheus data source picked by its `datasource` " +
		"variable: pass it to `config_json` of the Grafana provider's `grafana_dashboard`. Stable across reads."}
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFileFor("metrics_endpoint_data_source", kindsWithMetrics),
		Attributes:          attrs,
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
	kind, _ := kindsWithMetrics.lookup(m.Kind.ValueString())
	ns, name, _ := splitInstanceID(m.InstanceID.ValueString())
	e, err := client.GetMetricsEndpoint(ctx, kind.api, ns, name)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("Could not read the metrics targets of %s instance %s/%s", kind.displayName, ns, name), appcat.Explain(err))
		return
	}
	targets, diags := flattenMetricsTargets(ctx, e.Targets)
	resp.Diagnostics.Append(diags...)
	notes, diags := types.ListValueFrom(ctx, types.StringType, append([]string{}, e.Notes...))
	resp.Diagnostics.Append(diags...)
	m.InstanceNamespace = types.StringValue(e.InstanceNamespace)
	m.Targets, m.Notes = targets, notes
	m.ScrapeURL = types.StringNull()
	for _, t := range e.Targets {
		if t.ScrapeURL != "" {
			m.ScrapeURL = types.StringValue(t.ScrapeURL)
			break
		}
	}
	m.QueryURL = types.StringNull()
	if u := (prometheusEndpointModel{URL: m.PrometheusURL}).url(); u != "" {
		m.QueryURL = types.StringValue(strings.TrimSuffix(u, "/") + "/api/v1/query")
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
	m.LabelSelector = types.StringValue(e.LabelSelector())
	m.Labels = types.MapValueMust(types.StringType, map[string]attr.Value{"namespace": types.StringValue(e.InstanceNamespace)})
	m.MetricNames = types.ListValueMust(types.StringType, names)
	m.GrafanaDashboard = types.StringValue(dash)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
