package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The targets of appcat_metrics_endpoint: schema and flatten.

type metricsTargetModel struct {
	Source     types.String `tfsdk:"source"`
	Monitor    types.String `tfsdk:"monitor"`
	Service    types.String `tfsdk:"service"`
	Port       types.String `tfsdk:"port"`
	PortNumber types.Int64  `tfsdk:"port_number"`
	Path       types.String `tfsdk:"path"`
	Scheme     types.String `tfsdk:"scheme"`
	Selector   types.Map    `tfsdk:"selector"`
	ScrapeURL  types.String `tfsdk:"scrape_url"`
}

func metricsTargetAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"source": schema.StringAttribute{Computed: true, MarkdownDescription: "`ServiceMonitor`, `PodMonitor`, or `Service` (a Service with a " +
			"metrics port, listed when the monitors cannot be read)."},
		"monitor":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the ServiceMonitor or PodMonitor; null for `Service`."},
		"service":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the scraped Service; null for a PodMonitor."},
		"port":        schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the scraped port, e.g. `http-metrics`."},
		"port_number": schema.Int64Attribute{Computed: true, MarkdownDescription: "The Service's number of that port; null where no Service says it."},
		"path":        schema.StringAttribute{Computed: true, MarkdownDescription: "HTTP path scraped (`/metrics` unless the monitor says otherwise)."},
		"scheme":      schema.StringAttribute{Computed: true, MarkdownDescription: "`http` or `https`."},
		"selector": schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The monitor's `matchLabels` " +
			"(the Service's selector for `Service`)."},
		"scrape_url": schema.StringAttribute{Computed: true, MarkdownDescription: "In-cluster URL of a Service target; null for a PodMonitor."},
	}
}

func flattenMetricsTargets(ctx context.Context, targets []appcat.MetricsTarget) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elemType := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for name, a := range metricsTargetAttributes() {
		elemType.AttrTypes[name] = a.GetType()
	}
	out := make([]metricsTargetModel, 0, len(targets))
	for _, t := range targets {
		sel, d := types.MapValueFrom(ctx, types.StringType, t.Selector)
		diags.Append(d...)
		port := types.Int64Null()
		if t.PortNumber > 0 {
			port = types.Int64Value(t.PortNumber)
		}
		out = append(out, metricsTargetModel{
			Source: types.StringValue(t.Source), Monitor: stringOrNull(t.Monitor), Service: stringOrNull(t.Service),
			Port: types.StringValue(t.Port), PortNumber: port, Path: types.StringValue(t.Path), Scheme: types.StringValue(t.Scheme),
			Selector: sel, ScrapeURL: stringOrNull(t.ScrapeURL),
		})
	}
	list, d := types.ListValueFrom(ctx, elemType, out)
	diags.Append(d...)
	return list, diags
}
