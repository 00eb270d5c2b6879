package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_instances data source: every instance of every kind in a namespace, whoever made
// it — the starting point for adopting instances made with YAML (guides/adopting-instances).

type instancesModel struct {
	ID        types.String `tfsdk:"id"`
	Namespace types.String `tfsdk:"namespace"`
	Kinds     types.Set    `tfsdk:"kinds"`
	Instances types.List   `tfsdk:"instances"`
}

type instancesEntryModel struct {
	Kind            types.String `tfsdk:"kind"`
	ResourceType    types.String `tfsdk:"resource_type"`
	ResourceAddress types.String `tfsdk:"resource_address"`
	Name            types.String `tfsdk:"name"`
	Namespace       types.String `tfsdk:"namespace"`
	ID              types.String `tfsdk:"id"`
	Ready           types.Bool   `tfsdk:"ready"`
	Deleting        types.Bool   `tfsdk:"deleting"`
	Composition     types.String `tfsdk:"composition"`
	Attached        types.List   `tfsdk:"attached_resource_types"`
}

// NewInstancesDataSource is the appcat_instances data source.
func NewInstancesDataSource() datasource.DataSource { return &instancesDataSource{} }

type instancesDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &instancesDataSource{}

func (d *instancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instances"
}

func instancesEntryAttributes() map[string]schema.Attribute {
	str := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
	}
	return map[string]schema.Attribute{
		"kind":          str(anyKind.doc()),
		"resource_type": str("The resource type that manages the instance, e.g. `appcat_postgresql`."),
		"resource_address": str("A resource address to import the instance to: `resource_type` and a label made from the name " +
			"(the name itself; prefixed with `i_` when it starts with a digit, which a label may not)."),
		"name":      str("Name of the instance (its claim)."),
		"namespace": str("Namespace of the instance."),
		"id":        str("`namespace/name`: the instance's import ID."),
		"ready": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether the platform reports the instance ready (its `Ready` condition)."},
		"deleting": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether the instance is being deleted: do not import it."},
		"composition": str("The composition that provides the instance (`spec.compositionRef.name`); null until the platform has chosen one."),
		"attached_resource_types": schema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The resource types that manage a part of the instance and import by its ID " +
				"(as `kind:namespace/name`, unambiguous when instances of several kinds share a name): " +
				"`appcat_backup_policy` where the kind has backups, `appcat_maintenance_window` where it has a maintenance window."},
	}
}

func (d *instancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every AppCat instance in a namespace, of every kind this provider has a resource for (" +
			anyKind.displayNames("and") + "), whether Terraform made it or not: one LIST per kind. " +
			"Use it to adopt instances made with YAML: generate `import` blocks from it and let " +
			"`terraform plan -generate-config-out` write their configuration (see the guide *Adopting existing instances*). " +
			"Kinds the cluster does not offer (their claim type is not installed) are skipped.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The namespace."},
			"namespace": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Namespace to list. Defaults to the provider's `namespace`."},
			"kinds": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only instances of these kinds, e.g. `[\"postgresql\"]`. Unset: every kind.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(anyKind.validator())},
			},
			"instances": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The instances, ordered by kind (as listed above) and name.",
				NestedObject:        schema.NestedAttributeObject{Attributes: instancesEntryAttributes()},
			},
		},
	}
}

func (d *instancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *instancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instancesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := d.data.namespaceOr(m.Namespace)
	wanted := map[string]bool{}
	if !m.Kinds.IsNull() {
		var names []string
		resp.Diagnostics.Append(m.Kinds.ElementsAs(ctx, &names, false)...)
		for _, n := range names {
			wanted[n] = true
		}
	}
	var entries []instancesEntryModel
	for _, k := range anyKind.kinds() {
		if len(wanted) > 0 && !wanted[k.typeName] {
			continue
		}
		instances, served, err := appcat.ListInstances(ctx, client, k.api, ns)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Could not list the %s instances of namespace %s", k.displayName, ns), appcat.Explain(err))
			return
		}
		if !served {
			tflog.Info(ctx, "the cluster does not offer this kind; skipped", map[string]any{"kind": k.api.Kind})
			continue
		}
		for _, i := range instances {
			entries = append(entries, instancesEntry(k, i))
		}
	}
	entryType := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for name, a := range instancesEntryAttributes() {
		entryType.AttrTypes[name] = a.GetType()
	}
	list, diags := types.ListValueFrom(ctx, entryType, entries)
	resp.Diagnostics.Append(diags...)
	m.ID = types.StringValue(ns)
	m.Namespace = types.StringValue(ns)
	m.Instances = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// attachedResourceTypes are the resource types that manage a part of an instance of kind k and
// import by the instance's ID.
func attachedResourceTypes(k kindDescriptor) types.List {
	var out []attr.Value
	if kindsWithBackups.has(k) {
		out = append(out, types.StringValue("appcat_backup_policy"))
	}
	if kindsWithMaintenance.has(k) {
		out = append(out, types.StringValue("appcat_maintenance_window"))
	}
	return types.ListValueMust(types.StringType, out)
}

func instancesEntry(k kindDescriptor, i appcat.Instance) instancesEntryModel {
	resourceType := "appcat_" + k.typeName
	composition := types.StringNull()
	if i.Composition != "" {
		composition = types.StringValue(i.Composition)
	}
	return instancesEntryModel{
		Kind:            types.StringValue(k.typeName),
		ResourceType:    types.StringValue(resourceType),
		ResourceAddress: types.StringValue(resourceType + "." + resourceLabel(i.Name)),
		Name:            types.StringValue(i.Name),
		Namespace:       types.StringValue(i.Namespace),
		ID:              types.StringValue(i.ID()),
		Ready:           types.BoolValue(i.Ready),
		Deleting:        types.BoolValue(i.Deleting),
		Composition:     composition,
		Attached:        attachedResourceTypes(k),
	}
}

// resourceLabel turns an instance name (a DNS label: lower-case letters, digits and '-') into a
// resource block label, which must start with a letter or '_'.
func resourceLabel(name string) string {
	if name == "" || strings.ContainsAny(name[:1], "0123456789") {
		return "i_" + name
	}
	return name
}
