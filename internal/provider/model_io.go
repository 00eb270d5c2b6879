package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Reading and writing a kind's model. Every model embeds instanceModel, so it has every common
// attribute; a kind whose claims lack some (descriptor.lacks) leaves them out of its schema. The
// framework maps a struct only onto an object with exactly its attributes, so for such a kind the
// engine goes through an object: read, then add the lacking attributes as null; or drop them, then
// write. Kinds that lack nothing take the framework's own path.

// modelGetter is a plan, a state or a config.
type modelGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// get reads src into m.
func (r *instanceResource[M, P]) get(ctx context.Context, src modelGetter, m *M) diag.Diagnostics {
	d := r.kind.descriptor()
	if len(d.lacks) == 0 {
		return src.Get(ctx, m)
	}
	var obj types.Object
	diags := src.Get(ctx, &obj)
	if diags.HasError() {
		return diags
	}
	diags.Append(r.fill(ctx, obj.Attributes(), m)...) // the lacking attributes become null
	return diags
}

// clear sets every attribute of m to null, with its type: the start of a model built from a claim
// alone (the data source).
func (r *instanceResource[M, P]) clear(ctx context.Context, m *M) diag.Diagnostics {
	if len(r.kind.descriptor().lacks) == 0 {
		return nil
	}
	return r.fill(ctx, map[string]attr.Value{}, m)
}

// fill sets m from values; an attribute missing from values, or nil there, is null.
func (r *instanceResource[M, P]) fill(ctx context.Context, values map[string]attr.Value, m *M) diag.Diagnostics {
	var diags diag.Diagnostics
	full := r.fullType(ctx)
	for name, t := range full.AttrTypes {
		if values[name] != nil {
			continue
		}
		null, err := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
		if err != nil {
			diags.AddError("Could not read the model", err.Error())
			return diags
		}
		values[name] = null
	}
	padded, ds := types.ObjectValue(full.AttrTypes, values)
	diags.Append(ds...)
	if diags.HasError() {
		return diags
	}
	diags.Append(padded.As(ctx, m, basetypes.ObjectAsOptions{})...)
	return diags
}

// set writes m to dst.
func (r *instanceResource[M, P]) set(ctx context.Context, dst stateSetter, m *M) diag.Diagnostics {
	if len(r.kind.descriptor().lacks) == 0 {
		return dst.Set(ctx, m)
	}
	obj, diags := r.object(ctx, m, r.schema(ctx, true).Type().(types.ObjectType).AttrTypes) //nolint:forcetypeassert // a schema's type is an object
	if diags.HasError() {
		return diags
	}
	diags.Append(dst.Set(ctx, obj)...)
	return diags
}

// object is m as an object of the given attributes, a subset of the full model's.
func (r *instanceResource[M, P]) object(ctx context.Context, m *M, attrTypes map[string]attr.Type) (types.Object, diag.Diagnostics) {
	full, diags := types.ObjectValueFrom(ctx, r.fullType(ctx).AttrTypes, m)
	if diags.HasError() {
		return full, diags
	}
	values := map[string]attr.Value{}
	for name, v := range full.Attributes() {
		if _, ok := attrTypes[name]; ok {
			values[name] = v
		}
	}
	out, ds := types.ObjectValue(attrTypes, values)
	diags.Append(ds...)
	return out, diags
}

// fullType is the object type the model fits: the schema with the attributes the kind lacks.
func (r *instanceResource[M, P]) fullType(ctx context.Context) types.ObjectType {
	return r.schema(ctx, false).Type().(types.ObjectType) //nolint:forcetypeassert // a schema's type is an object
}
