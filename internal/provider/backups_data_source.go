package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_backups data source: the backups the platform holds of one instance, newest first.

type backupsModel struct {
	ID         types.String `tfsdk:"id"`
	Kind       types.String `tfsdk:"kind"`
	InstanceID types.String `tfsdk:"instance_id"`
	Backups    types.List   `tfsdk:"backups"`
}

var backupAttrTypes = map[string]attr.Type{
	"name":   types.StringType,
	"time":   types.StringType,
	"status": types.StringType,
}

// NewBackupsDataSource is the appcat_backups data source.
func NewBackupsDataSource() datasource.DataSource { return &backupsDataSource{} }

type backupsDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &backupsDataSource{}

func (d *backupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (d *backupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := instanceRefDataSourceAttributes(kindsWithBackups)
	attrs["backups"] = schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "The instance's backups, **newest first** (`backups[0]` is the latest). Empty before the first backup " +
			"and after backups were disabled long enough for retention to remove them.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the backup: what `restore.backup_name` of an instance resource takes."},
			"time": schema.StringAttribute{Computed: true, MarkdownDescription: "When the backup was taken (RFC 3339, UTC)."},
			"status": schema.StringAttribute{Computed: true, MarkdownDescription: "State of the backup as the platform reports it, e.g. `Completed`, `Running` or `Failed` " +
				"(PostgreSQL); a Redis or MariaDB snapshot that is listed is `Completed`."},
		}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFile("backups_data_source"),
		Attributes:          attrs,
	}
}

func (d *backupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *backupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind, ns, name, ok := existingInstance(ctx, client, kindsWithBackups, m.Kind, m.InstanceID, &resp.Diagnostics)
	if !ok {
		return
	}
	backups, err := client.ListBackups(ctx, kind.api, ns, name)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not list the backups of %s instance %s/%s", kind.displayName, ns, name), appcat.Explain(err))
		return
	}
	items := make([]attr.Value, 0, len(backups))
	for _, b := range backups {
		t := types.StringNull()
		if !b.Time.IsZero() {
			t = types.StringValue(b.Time.UTC().Format(time.RFC3339))
		}
		obj, ds := types.ObjectValue(backupAttrTypes, map[string]attr.Value{
			"name":   types.StringValue(b.Name),
			"time":   t,
			"status": stringOrNull(b.Status),
		})
		resp.Diagnostics.Append(ds...)
		items = append(items, obj)
	}
	list, ds := types.ListValue(types.ObjectType{AttrTypes: backupAttrTypes}, items)
	resp.Diagnostics.Append(ds...)
	m.ID = types.StringValue(ns + "/" + name)
	m.Backups = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
