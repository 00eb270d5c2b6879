package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_sla_report data source: one instance's SLA figures for one month, computed as VSHN's
// SLA reporter computes them, from a Prometheus-compatible endpoint the user names.

type slaReportModel struct {
	ID         types.String `tfsdk:"id"`
	Kind       types.String `tfsdk:"kind"`
	InstanceID types.String `tfsdk:"instance_id"`
	Month      types.String `tfsdk:"month"`
	prometheusEndpointModel
	slaFigureValues
}

// NewSLAReportDataSource is the appcat_sla_report data source.
func NewSLAReportDataSource() datasource.DataSource { return &slaReportDataSource{} }

type slaReportDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &slaReportDataSource{}

func (d *slaReportDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sla_report"
}

func monthAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The calendar month, `yyyy-mm` (UTC), e.g. `2026-11`.",
		Validators:          []validator.String{stringvalidator.RegexMatches(appcat.MonthFormat, "must be a month as yyyy-mm, e.g. 2026-11")},
	}
}

func (d *slaReportDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := instanceRefDataSourceAttributes(kindsWithSLI)
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/name/month`."}
	attrs["month"] = monthAttribute()
	for name, a := range prometheusEndpointAttributes("that holds AppCat's SLI recording rules (`slo:sli_error:ratio_rate5m`, `sla:objective:ratio`), " +
		"e.g. the Mimir VSHN's SLA reporter queries. Needed only for an instance with an SLA.") {
		attrs[name] = a
	}
	for name, a := range slaFigureAttributes() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFile("sla_report_data_source"),
		Attributes:          attrs,
	}
}

// slaFigureAttributes are the figures of one instance's month, shared by appcat_sla_report and
// the reports of appcat_sla_reports.
func slaFigureAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"service_level": schema.StringAttribute{Computed: true, MarkdownDescription: "The instance's `spec.parameters.service.serviceLevel` " +
			"(`besteffort` when unset)."},
		"sla": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether VSHN states an SLA for the instance: `guaranteed` service " +
			"level and a kind the SLA reporter covers (PostgreSQL, Redis; not MariaDB)."},
		"reason": schema.StringAttribute{Computed: true, MarkdownDescription: "Why the figures are null (no SLA, or no SLI series in the window); " +
			"null when there are figures."},
		"window_start": schema.StringAttribute{Computed: true, MarkdownDescription: "Start of the evaluated range (RFC 3339). For a finished " +
			"month the reporter's: 30 days before `window_end`."},
		"window_end": schema.StringAttribute{Computed: true, MarkdownDescription: "Time the query is evaluated at (RFC 3339): the month's last " +
			"day at 23:59:59 UTC, as the reporter's `--previousmonth` run, or now for the running month."},
		"availability_percent": schema.Float64Attribute{Computed: true, MarkdownDescription: "Availability in percent: 100 × (1 − mean SLI " +
			"error ratio in the window), rounded to two decimals as the reporter prints it (30 minutes down in 30 days: `99.93`)."},
		"target_percent": schema.Float64Attribute{Computed: true, MarkdownDescription: "The SLA target in percent, from " +
			"`sla:objective:ratio{service=\"<kind>\"}` (`99.25` on AppCat's defaults)."},
		"met": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the exact availability reached the target."},
		"downtime_minutes": schema.Int64Attribute{Computed: true, MarkdownDescription: "Mean error ratio times the window's length, in " +
			"minutes (rounded)."},
		"service_credit_percent": schema.Int64Attribute{Computed: true, MarkdownDescription: "The service credit that applies, in percent of " +
			"the month's fee: `0` at or above the target, `10` below the target down to 99 %, `25` below 99 % down to 95 %, `100` below 95 %."},
		"final": schema.BoolAttribute{Computed: true, MarkdownDescription: "`false` while the month is still running: the figures cover the " +
			"month so far and change as time passes."},
	}
}

func (d *slaReportDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *slaReportDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m slaReportModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind, _ := kindsWithSLI.lookup(m.Kind.ValueString())
	ns, name, _ := splitInstanceID(m.InstanceID.ValueString())
	month := m.Month.ValueString()
	w, err := appcat.MonthWindow(month, time.Now())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("month"), "No SLA figures for "+month, err.Error())
		return
	}
	subject, err := client.GetSLASubject(ctx, kind.api, ns, name)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("Could not read %s instance %s/%s", kind.displayName, ns, name), appcat.Explain(err))
		return
	}
	reports, ok := computeSLAReports(ctx, m.prometheusEndpointModel, []appcat.SLASubject{subject}, w, &resp.Diagnostics)
	if !ok {
		return
	}
	r := reports[0]
	if r.NoSeries {
		resp.Diagnostics.AddAttributeError(path.Root("month"), fmt.Sprintf("No SLI series of %s instance %s/%s in %s", kind.displayName, ns, name, month),
			fmt.Sprintf("The endpoint returned no series for service=%q, name=%q (the instance's composite) from %s evaluated at %s. "+
				"The instance was not monitored in that window, or the endpoint does not hold AppCat's SLI recording rules.",
				subject.Kind.Kind, subject.Composite, appcat.SLIAvailabilityQuery(w.Range), w.End.Format(time.RFC3339)))
		return
	}
	m.ID = types.StringValue(ns + "/" + name + "/" + month)
	m.slaFigureValues = flattenSLAReport(r, w)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// computeSLAReports computes the reports, connecting to the endpoint only when one of them has
// an SLA.
func computeSLAReports(ctx context.Context, ep prometheusEndpointModel, subjects []appcat.SLASubject, w appcat.SLAWindow, diags *diag.Diagnostics) ([]appcat.SLAReport, bool) {
	needed := false
	for _, s := range subjects {
		has, _ := appcat.SLACoverage(s.Kind.Kind, s.ServiceLevel)
		needed = needed || (has && s.Composite != "")
	}
	var api promv1.API
	if needed {
		var ok bool
		if api, ok = ep.api(ctx, "An instance with an SLA needs a Prometheus endpoint for its figures.", diags); !ok {
			return nil, false
		}
	}
	reports, err := appcat.SLAReports(ctx, api, subjects, w)
	if err != nil {
		diags.AddAttributeError(path.Root("prometheus_url"), "Could not compute the SLA figures from the Prometheus endpoint", err.Error())
		return nil, false
	}
	return reports, true
}

// slaFigureValues are the figure attributes of one report.
type slaFigureValues struct {
	ServiceLevel        types.String  `tfsdk:"service_level"`
	SLA                 types.Bool    `tfsdk:"sla"`
	Reason              types.String  `tfsdk:"reason"`
	WindowStart         types.String  `tfsdk:"window_start"`
	WindowEnd           types.String  `tfsdk:"window_end"`
	AvailabilityPercent types.Float64 `tfsdk:"availability_percent"`
	TargetPercent       types.Float64 `tfsdk:"target_percent"`
	Met                 types.Bool    `tfsdk:"met"`
	DowntimeMinutes     types.Int64   `tfsdk:"downtime_minutes"`
	ServiceCredit       types.Int64   `tfsdk:"service_credit_percent"`
	Final               types.Bool    `tfsdk:"final"`
}

func flattenSLAReport(r appcat.SLAReport, w appcat.SLAWindow) slaFigureValues {
	v := slaFigureValues{
		ServiceLevel: types.StringValue(r.Subject.ServiceLevel),
		SLA:          types.BoolValue(r.HasSLA),
		Reason:       stringOrNull(r.NoSLAReason),
		WindowStart:  types.StringValue(w.Start.Format(time.RFC3339)),
		WindowEnd:    types.StringValue(w.End.Format(time.RFC3339)),
		Final:        types.BoolValue(w.Final),
		// Null unless there are figures.
		AvailabilityPercent: types.Float64Null(), TargetPercent: types.Float64Null(), Met: types.BoolNull(),
		DowntimeMinutes: types.Int64Null(), ServiceCredit: types.Int64Null(),
	}
	if r.NoSeries {
		v.Reason = types.StringValue("the endpoint has no SLI series of the instance in the window")
	}
	if f := r.Figures; f != nil {
		v.AvailabilityPercent = types.Float64Value(f.AvailabilityPercent)
		v.TargetPercent = types.Float64Value(f.TargetPercent)
		v.Met = types.BoolValue(f.Met)
		v.DowntimeMinutes = types.Int64Value(f.DowntimeMinutes)
		v.ServiceCredit = types.Int64Value(f.ServiceCredit)
	}
	return v
}
