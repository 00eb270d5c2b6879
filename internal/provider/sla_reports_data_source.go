package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_sla_reports data source: the SLA figures of every instance in a namespace for one
// month: one LIST per kind, one availability query, one target query per service.

type slaReportsModel struct {
	ID        types.String `tfsdk:"id"`
	Namespace types.String `tfsdk:"namespace"`
	Month     types.String `tfsdk:"month"`
	Reports   types.List   `tfsdk:"reports"`
	prometheusEndpointModel
}

type slaReportsEntryModel struct {
	Kind       types.String `tfsdk:"kind"`
	Instance   types.String `tfsdk:"instance"`
	InstanceID types.String `tfsdk:"instance_id"`
	slaFigureValues
}

// NewSLAReportsDataSource is the appcat_sla_reports data source.
func NewSLAReportsDataSource() datasource.DataSource { return &slaReportsDataSource{} }

type slaReportsDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &slaReportsDataSource{}

func (d *slaReportsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sla_reports"
}

func slaReportsEntryAttributes() map[string]schema.Attribute {
	attrs := slaFigureAttributes()
	attrs["kind"] = schema.StringAttribute{Computed: true, MarkdownDescription: kindsWithSLI.doc()}
	attrs["instance"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the instance."}
	attrs["instance_id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/name` of the instance."}
	return attrs
}

func (d *slaReportsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/month`."},
		"namespace": schema.StringAttribute{Optional: true, Computed: true,
			MarkdownDescription: "Namespace of the instances. Defaults to the provider's `namespace`."},
		"month": monthAttribute(),
		"reports": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "One entry per " + kindsWithSLI.displayNames("and") + " instance in the namespace, ordered by instance name.",
			NestedObject:        schema.NestedAttributeObject{Attributes: slaReportsEntryAttributes()},
		},
	}
	for name, a := range prometheusEndpointAttributes("that holds AppCat's SLI recording rules (`slo:sli_error:ratio_rate5m`, `sla:objective:ratio`). " +
		"Needed only when an instance in the namespace has an SLA.") {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SLA figures of every instance in a namespace for one month — the per-namespace view of " +
			"`appcat_sla_report`, with one availability query for all of them. Instances without an SLA are listed with " +
			"`sla = false` and null figures; instances with an SLA but no SLI series in the window (created later) with null " +
			"figures and a `reason`.",
		Attributes: attrs,
	}
}

func (d *slaReportsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *slaReportsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m slaReportsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := d.data.namespaceOr(m.Namespace)
	month := m.Month.ValueString()
	w, err := appcat.MonthWindow(month, time.Now())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("month"), "No SLA figures for "+month, err.Error())
		return
	}
	var kinds []appcat.Kind
	typeNames := map[string]string{}
	for _, k := range kindsWithSLI.kinds() {
		kinds = append(kinds, k.api)
		typeNames[k.api.Kind] = k.typeName
	}
	subjects, err := client.ListSLASubjects(ctx, kinds, ns)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not list the instances of namespace %s", ns), appcat.Explain(err))
		return
	}
	reports, ok := computeSLAReports(ctx, m.prometheusEndpointModel, subjects, w, &resp.Diagnostics)
	if !ok {
		return
	}
	entries := make([]slaReportsEntryModel, 0, len(reports))
	for _, r := range reports {
		entries = append(entries, slaReportsEntryModel{
			Kind:            types.StringValue(typeNames[r.Subject.Kind.Kind]),
			Instance:        types.StringValue(r.Subject.Name),
			InstanceID:      types.StringValue(ns + "/" + r.Subject.Name),
			slaFigureValues: flattenSLAReport(r, w),
		})
	}
	entryType := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for name, a := range slaReportsEntryAttributes() {
		entryType.AttrTypes[name] = a.GetType()
	}
	list, diags := types.ListValueFrom(ctx, entryType, entries)
	resp.Diagnostics.Append(diags...)
	m.ID = types.StringValue(ns + "/" + month)
	m.Namespace = types.StringValue(ns)
	m.Reports = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
