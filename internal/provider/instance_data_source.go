package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// instanceDataSource reads an existing instance of any kind by namespace and name. Its schema is
// the kind's resource schema with everything but name and namespace computed, so a data source
// never falls behind its resource.
type instanceDataSource[M any, P any] struct {
	resource *instanceResource[M, P]
}

var _ datasource.DataSourceWithConfigure = &instanceDataSource[postgresqlModel, appcat.PostgreSQLParameters]{}

func newInstanceDataSource[M any, P any](kind serviceKind[M, P]) datasource.DataSource {
	return &instanceDataSource[M, P]{resource: &instanceResource[M, P]{kind: kind}}
}

func (d *instanceDataSource[M, P]) Metadata(ctx context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.resource.kind.descriptor().typeName
}

func (d *instanceDataSource[M, P]) resourceSchema(ctx context.Context) rschema.Schema {
	var resp resource.SchemaResponse
	d.resource.Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema
}

func (d *instanceDataSource[M, P]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	desc := d.resource.kind.descriptor()
	attrs := map[string]dschema.Attribute{}
	for name, a := range d.resourceSchema(ctx).Attributes {
		if !resourceOnlyAttributes[name] {
			attrs[name] = computedAttribute(a)
		}
	}
	attrs["name"] = dschema.StringAttribute{Required: true, MarkdownDescription: "Name of the " + desc.displayName + " instance."}
	attrs["namespace"] = dschema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "Namespace of the instance. Defaults to the provider's `namespace`."}
	resp.Schema = dschema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads an existing %s instance (a `%s` claim) by namespace and name, with its connection details.",
			desc.displayName, desc.api.Kind),
		Attributes: attrs,
	}
}

func (d *instanceDataSource[M, P]) Configure(ctx context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	var rresp resource.ConfigureResponse
	d.resource.Configure(ctx, resource.ConfigureRequest{ProviderData: req.ProviderData}, &rresp)
	resp.Diagnostics.Append(rresp.Diagnostics...)
}

func (d *instanceDataSource[M, P]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	desc := d.resource.kind.descriptor()
	var name, namespace types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("namespace"), &namespace)...)
	client, diags := d.resource.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := d.resource.data.namespaceOr(namespace)
	claim, err := appcat.GetClaim[P](ctx, client, desc.api, ns, name.ValueString(), appcat.Snapshot)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read %s instance %s/%s", desc.displayName, ns, name.ValueString()), appcat.Explain(err))
		return
	}
	secret, err := d.resource.readSecret(ctx, client, claim, appcat.Snapshot)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the connection secret of %s/%s", ns, name.ValueString()), err.Error())
		return
	}
	var m M
	resp.Diagnostics.Append(d.resource.clear(ctx, &m)...)
	resp.Diagnostics.Append(d.resource.flatten(ctx, claim, secret, &m, true)...)
	obj, diags := d.withoutTimeouts(ctx, &m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, obj)...)
}

// resourceOnlyAttributes are resource attributes that say what an apply may do or what Terraform
// keeps, not what the instance is: the data source does not have them.
var resourceOnlyAttributes = map[string]bool{"allow_major_version_upgrade": true, "store_credentials": true}

// withoutTimeouts converts the resource model into the data source's object: the same
// attributes, minus the resource's timeouts block (and those only resources have).
func (d *instanceDataSource[M, P]) withoutTimeouts(ctx context.Context, m *M) (types.Object, diag.Diagnostics) {
	full := d.resource.fullType(ctx)
	d.resource.kind.common(m).Timeouts.Object = types.ObjectNull(full.AttrTypes["timeouts"].(timeouts.Type).AttrTypes) //nolint:forcetypeassert // the timeouts block's type
	attrTypes := map[string]attr.Type{}
	for k, t := range d.resourceSchema(ctx).Type().(types.ObjectType).AttrTypes { //nolint:forcetypeassert // a schema's type is always an object
		if k != "timeouts" && !resourceOnlyAttributes[k] {
			attrTypes[k] = t
		}
	}
	return d.resource.object(ctx, m, attrTypes)
}

// computedAttribute turns a resource attribute into a computed data source attribute of the same
// type, description and sensitivity.
func computedAttribute(a rschema.Attribute) dschema.Attribute {
	doc := a.GetMarkdownDescription()
	switch a := a.(type) {
	case rschema.StringAttribute:
		return dschema.StringAttribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: doc}
	case rschema.BoolAttribute:
		return dschema.BoolAttribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: doc}
	case rschema.Int64Attribute:
		return dschema.Int64Attribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: doc}
	case rschema.MapAttribute:
		return dschema.MapAttribute{Computed: true, Sensitive: a.Sensitive, ElementType: a.ElementType, MarkdownDescription: doc}
	case rschema.ListAttribute:
		return dschema.ListAttribute{Computed: true, Sensitive: a.Sensitive, ElementType: a.ElementType, MarkdownDescription: doc}
	case rschema.SingleNestedAttribute:
		return dschema.SingleNestedAttribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: doc, Attributes: computedAttributes(a.Attributes)}
	case rschema.ListNestedAttribute:
		return dschema.ListNestedAttribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: doc,
			NestedObject: dschema.NestedAttributeObject{Attributes: computedAttributes(a.NestedObject.Attributes)}}
	default:
		panic(fmt.Sprintf("computedAttribute: no data source form for %T", a))
	}
}

func computedAttributes(in map[string]rschema.Attribute) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(in))
	for k, a := range in {
		out[k] = computedAttribute(a)
	}
	return out
}
