package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_sla_reports data source: the SLA reports of every instance in a namespace for one
// month, read with one list request.

type slaReportsModel struct {
	ID        types.String `tfsdk:"id"`
	Namespace types.String `tfsdk:"namespace"`
	Month     types.String `tfsdk:"month"`
	Reports   types.List   `tfsdk:"reports"`
}

type slaReportsEntryModel struct {
	Kind                types.String  `tfsdk:"kind"`
	Instance            types.String  `tfsdk:"instance"`
	InstanceID          types.String  `tfsdk:"instance_id"`
	AvailabilityPercent types.Float64 `tfsdk:"availability_percent"`
	TargetPercent       types.Float64 `tfsdk:"target_percent"`
	Met                 types.Bool    `tfsdk:"met"`
	DowntimeMinutes     types.Int64   `tfsdk:"downtime_minutes"`
	ServiceCredit       types.Int64   `tfsdk:"service_credit_percent"`
	Final               types.Bool    `tfsdk:"final"`
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
	attrs["kind"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Kind of the instance: " + kindDoc() + "."}
	attrs["instance"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the instance."}
	attrs["instance_id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/name` of the instance."}
	return attrs
}

func (d *slaReportsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the platform's SLA reports of every instance in a namespace for one month — the per-namespace " +
			"view of `appcat_sla_report`, e.g. for a monthly summary across a team's services. Instances without a report for " +
			"the month (created later, or of another kind than PostgreSQL, Redis and MariaDB) are not listed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/month`."},
			"namespace": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Namespace of the instances. Defaults to the provider's `namespace`."},
			"month": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The calendar month, `yyyy-mm` (UTC), e.g. `2026-11`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(appcat.MonthFormat, "must be a month as yyyy-mm, e.g. 2026-11")},
			},
			"reports": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One report per instance, ordered by instance name.",
				NestedObject:        schema.NestedAttributeObject{Attributes: slaReportsEntryAttributes()},
			},
		},
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
	ns := m.Namespace.ValueString()
	if m.Namespace.IsNull() {
		ns = d.data.defaultNamespace
	}
	month := m.Month.ValueString()
	reports, err := client.ListNamespaceSLAReports(ctx, ns, month)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not list the SLA reports of namespace %s", ns), appcat.Explain(err))
		return
	}
	entries := make([]slaReportsEntryModel, 0, len(reports))
	for _, r := range reports {
		kind := r.ClaimKind
		for _, k := range attachableKinds() {
			if k.api.Kind == r.ClaimKind {
				kind = k.typeName
			}
		}
		entries = append(entries, slaReportsEntryModel{
			Kind:                types.StringValue(kind),
			Instance:            types.StringValue(r.ClaimName),
			InstanceID:          types.StringValue(ns + "/" + r.ClaimName),
			AvailabilityPercent: types.Float64Value(r.AvailabilityPercent),
			TargetPercent:       types.Float64Value(r.TargetPercent),
			Met:                 types.BoolValue(r.Met),
			DowntimeMinutes:     types.Int64Value(r.DowntimeMinutes),
			ServiceCredit:       types.Int64Value(r.ServiceCredit),
			Final:               types.BoolValue(r.Final),
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
