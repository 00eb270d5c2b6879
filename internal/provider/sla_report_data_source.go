package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_sla_report data source: the platform's SLA report of one instance for one month.

type slaReportModel struct {
	ID                  types.String  `tfsdk:"id"`
	Kind                types.String  `tfsdk:"kind"`
	InstanceID          types.String  `tfsdk:"instance_id"`
	Month               types.String  `tfsdk:"month"`
	AvailabilityPercent types.Float64 `tfsdk:"availability_percent"`
	TargetPercent       types.Float64 `tfsdk:"target_percent"`
	Met                 types.Bool    `tfsdk:"met"`
	DowntimeMinutes     types.Int64   `tfsdk:"downtime_minutes"`
	ServiceCredit       types.Int64   `tfsdk:"service_credit_percent"`
	Final               types.Bool    `tfsdk:"final"`
}

// slaReportWait is how long a read waits for a report that is not there yet: the platform
// publishes the running month's report right after the instance first becomes Ready.
const slaReportWait = 5 * time.Second

// NewSLAReportDataSource is the appcat_sla_report data source.
func NewSLAReportDataSource() datasource.DataSource { return &slaReportDataSource{} }

type slaReportDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &slaReportDataSource{}

func (d *slaReportDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sla_report"
}

func (d *slaReportDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := instanceRefDataSourceAttributes()
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/name/month` of the report."}
	attrs["month"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The calendar month, `yyyy-mm` (UTC), e.g. `2026-11`.",
		Validators:          []validator.String{stringvalidator.RegexMatches(appcat.MonthFormat, "must be a month as yyyy-mm, e.g. 2026-11")},
	}
	for name, a := range slaFigureAttributes() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the platform's monthly SLA report of one instance (PostgreSQL, Redis or MariaDB): availability, " +
			"the SLA target, whether it was met, downtime and the service credit. The platform computes the reports from its probes " +
			"of the instance (an instance counts as down while it is not Ready) and publishes one `SLAReport` object per instance and " +
			"month in the instance's namespace (see the platform API guide). Reading a month without a report is an error that " +
			"lists the months that have one.",
		Attributes: attrs,
	}
}

// slaFigureAttributes are the figures of one monthly report, shared by appcat_sla_report and
// the reports of appcat_sla_reports.
func slaFigureAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"availability_percent": schema.Float64Attribute{Computed: true, MarkdownDescription: "Availability in the month in percent, " +
			"100 × (1 − downtime / length of the month), rounded down to two decimals (30 minutes of downtime in a 30-day month: `99.93`)."},
		"target_percent":   schema.Float64Attribute{Computed: true, MarkdownDescription: "The SLA target in percent (`99.25`)."},
		"met":              schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the availability reached the target."},
		"downtime_minutes": schema.Int64Attribute{Computed: true, MarkdownDescription: "Downtime in the month in minutes (rounded up)."},
		"service_credit_percent": schema.Int64Attribute{Computed: true, MarkdownDescription: "The service credit that applies, in percent of " +
			"the month's fee: `0` at or above the target, `10` below the target down to 99 %, `25` below 99 % down to 95 %, `100` below 95 %."},
		"final": schema.BoolAttribute{Computed: true, MarkdownDescription: "`false` while the month is still running: the figures are " +
			"provisional (the rest of the month counts as available) and change as time passes."},
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
	kind, ns, name, ok := existingInstance(ctx, client, m.Kind, m.InstanceID, &resp.Diagnostics)
	if !ok {
		return
	}
	month := m.Month.ValueString()
	deadline := time.Now().Add(slaReportWait)
	var (
		rep *appcat.SLAReport
		err error
	)
	for {
		rep, err = client.GetSLAReport(ctx, ns, name, month)
		if !apierrors.IsNotFound(err) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if apierrors.IsNotFound(err) {
		detail := "The platform has no report for this month: reports start with the month the instance was first Ready."
		if reps, lerr := client.ListSLAReports(ctx, kind.api, ns, name); lerr == nil && len(reps) > 0 {
			months := make([]string, len(reps))
			for i, r := range reps {
				months[i] = r.Month
			}
			detail += " Months with a report: " + strings.Join(months, ", ") + "."
		}
		resp.Diagnostics.AddAttributeError(path.Root("month"), fmt.Sprintf("No SLA report for %s of %s instance %s/%s", month, kind.displayName, ns, name), detail)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the SLA report %s of %s instance %s/%s", month, kind.displayName, ns, name), appcat.Explain(err))
		return
	}
	m.ID = types.StringValue(ns + "/" + name + "/" + month)
	m.AvailabilityPercent = types.Float64Value(rep.AvailabilityPercent)
	m.TargetPercent = types.Float64Value(rep.TargetPercent)
	m.Met = types.BoolValue(rep.Met)
	m.DowntimeMinutes = types.Int64Value(rep.DowntimeMinutes)
	m.ServiceCredit = types.Int64Value(rep.ServiceCredit)
	m.Final = types.BoolValue(rep.Final)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
