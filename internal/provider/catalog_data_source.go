package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_catalog data source: what the cluster offers (its AppCat service catalog).

type catalogModel struct {
	Kind     types.String `tfsdk:"kind"`
	Services types.List   `tfsdk:"services"`
}

var catalogPlanAttrTypes = map[string]attr.Type{
	"name": types.StringType, "note": types.StringType, "cpu": types.StringType, "memory": types.StringType, "disk": types.StringType,
}

var catalogServiceAttrTypes = map[string]attr.Type{
	"name":        types.StringType,
	"composition": types.StringType,
	"kind":        types.StringType,
	"details":     types.MapType{ElemType: types.StringType},
	"plans":       types.ListType{ElemType: types.ObjectType{AttrTypes: catalogPlanAttrTypes}},
}

// NewCatalogDataSource is the appcat_catalog data source.
func NewCatalogDataSource() datasource.DataSource { return &catalogDataSource{} }

type catalogDataSource struct {
	data *providerData
}

var _ datasource.DataSourceWithConfigure = &catalogDataSource{}

func (d *catalogDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_catalog"
}

// catalogKinds are the instance kinds whose compositions the catalog can name: all of them.
func catalogKinds() []kindDescriptor { return anyKind.kinds() }

// kindOfComposition is the resource kind (typeName) that a composition implements; false for a
// composition this provider has no resource for.
func kindOfComposition(composition string) (string, bool) {
	for _, c := range postgresqlBackends {
		if c == composition {
			return postgresqlKind{}.descriptor().typeName, true
		}
	}
	for _, d := range catalogKinds() {
		if d.defaultComposition == composition {
			return d.typeName, true
		}
	}
	return "", false
}

func (d *catalogDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	var kinds []string
	for _, k := range catalogKinds() {
		kinds = append(kinds, k.typeName)
	}
	str := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "What the cluster offers: its AppCat service catalog (the cluster-scoped `appcats.api.appcat.vshn.io` " +
			"objects), one service per offered composition, with its details and its plans and their sizes. Plans are set per " +
			"AppCat installation, so use this to pick a `plan` that the cluster has. Readable by every user of an AppCat cluster.",
		Attributes: map[string]schema.Attribute{
			"kind": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: fmt.Sprintf("Only the services of this kind: one of %s. Unset: every offered service, also those this provider has no resource for.", quoteList(kinds)),
				Validators:          []validator.String{stringvalidator.OneOf(kinds...)},
			},
			"services": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The offered services, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":        str("Name of the catalog entry (the composition's name)."),
					"composition": str("The composition (`spec.compositionRef.name` of a claim), from the entry's `status.compositionName`."),
					"kind":        str("The resource kind that uses the composition (`postgresql`, `redis`, `mariadb`); null for a service this provider has no resource for."),
					"details": schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Details the installation publishes " +
						"(`displayname`, `description`, `endUserDocsUrl`, `flavor`, `productDescription`, `zone`, …)."},
					"plans": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The plans, sorted by name: the values `plan` accepts for this composition.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"name":   str("Plan name, e.g. `standard-4`."),
							"note":   str("Note of the installation about the plan, e.g. where it is scheduled; null if none."),
							"cpu":    str("CPU of the plan, e.g. `900m`."),
							"memory": str("Memory of the plan, e.g. `3984Mi`."),
							"disk":   str("Disk of the plan, e.g. `40Gi`."),
						}},
					},
				}},
			},
		},
	}
}

func (d *catalogDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *catalogDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m catalogModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	catalog, err := client.Catalog(ctx)
	if err != nil {
		detail := appcat.Explain(err)
		if errors.Is(err, appcat.ErrCatalogUnavailable) {
			detail += "\n\nThe cluster does not serve its service catalog (appcats.api.appcat.vshn.io) to these credentials."
		}
		resp.Diagnostics.AddError("Could not read the service catalog", detail)
		return
	}
	var services []attr.Value
	for _, e := range catalog {
		kind, known := kindOfComposition(e.Composition())
		if !m.Kind.IsNull() && kind != m.Kind.ValueString() {
			continue
		}
		v, ds := catalogServiceValue(e, kind, known)
		resp.Diagnostics.Append(ds...)
		services = append(services, v)
	}
	list, ds := types.ListValue(types.ObjectType{AttrTypes: catalogServiceAttrTypes}, services)
	resp.Diagnostics.Append(ds...)
	m.Services = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// catalogServiceValue is one catalog entry as a services element.
func catalogServiceValue(e appcat.CatalogEntry, kind string, known bool) (attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	plans := []attr.Value{}
	if e.PlansKnown() {
		for _, name := range e.PlanNames() {
			p := e.Plans[name]
			v, ds := types.ObjectValue(catalogPlanAttrTypes, map[string]attr.Value{
				"name": types.StringValue(name), "note": stringOrNull(p.Note),
				"cpu": stringOrNull(p.Size.CPU), "memory": stringOrNull(p.Size.Memory), "disk": stringOrNull(p.Size.Disk),
			})
			diags.Append(ds...)
			plans = append(plans, v)
		}
	}
	kindValue := types.StringNull()
	if known {
		kindValue = types.StringValue(kind)
	}
	details := e.Details
	if details == nil {
		details = map[string]string{}
	}
	detailsValue, ds := types.MapValueFrom(context.Background(), types.StringType, details)
	diags.Append(ds...)
	planList, ds := types.ListValue(types.ObjectType{AttrTypes: catalogPlanAttrTypes}, plans)
	diags.Append(ds...)
	v, ds := types.ObjectValue(catalogServiceAttrTypes, map[string]attr.Value{
		"name": types.StringValue(e.Name), "composition": types.StringValue(e.Composition()), "kind": kindValue,
		"details": detailsValue, "plans": planList,
	})
	diags.Append(ds...)
	return v, diags
}
