package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Common attributes a kind lacks (kindDescriptor.absent): every instance resource has the same
// attributes, so that one model serves every kind, but where the kind's claims have no field for
// an attribute it is optional without a default, stays null, and setting it fails at plan time.

// absentDoc documents an attribute the kind lacks.
func absentDoc(d kindDescriptor, field string, computedOnly bool) string {
	if computedOnly {
		return fmt.Sprintf("Not available for %s: `%s` claims have no `%s`. Always null.", d.displayName, d.api.Kind, field)
	}
	return fmt.Sprintf("Not available for %s: `%s` claims have no `%s`. Always null; a plan that sets it fails.", d.displayName, d.api.Kind, field)
}

// computedOnly tells an attribute that only the provider sets.
func computedOnly(a schema.Attribute) bool { return !a.IsOptional() && !a.IsRequired() }

// withoutAbsent replaces the attributes the kind lacks by ones of the same type without default,
// validators or plan modifiers: optional where the configuration may set them (and setting them
// fails, refuseAbsent), computed and planned as null (nullAbsent) where only the provider sets them.
func withoutAbsent(d kindDescriptor, attrs map[string]schema.Attribute) map[string]schema.Attribute {
	for name, field := range d.absent {
		a := attrs[name]
		if a == nil {
			panic(fmt.Sprintf("%s: absent attribute %q does not exist", d.typeName, name))
		}
		computed := computedOnly(a)
		optional := !computed
		doc := absentDoc(d, field, computed)
		switch a := a.(type) {
		case schema.StringAttribute:
			attrs[name] = schema.StringAttribute{Optional: optional, Computed: computed, MarkdownDescription: doc}
		case schema.MapAttribute:
			attrs[name] = schema.MapAttribute{Optional: optional, Computed: computed, ElementType: a.ElementType, MarkdownDescription: doc}
		case schema.Int64Attribute:
			attrs[name] = schema.Int64Attribute{Optional: optional, Computed: computed, MarkdownDescription: doc}
		case schema.BoolAttribute:
			attrs[name] = schema.BoolAttribute{Optional: optional, Computed: computed, MarkdownDescription: doc}
		case schema.SingleNestedAttribute:
			attrs[name] = schema.SingleNestedAttribute{Optional: optional, Computed: computed, Attributes: a.Attributes, MarkdownDescription: doc}
		default:
			panic(fmt.Sprintf("%s: attribute %q cannot be absent (%T)", d.typeName, name, a))
		}
	}
	return attrs
}

// refuseAbsent fails a plan whose configuration sets an attribute the kind lacks.
func refuseAbsent(d kindDescriptor, config tfsdk.Config, diags *diag.Diagnostics) {
	if len(d.absent) == 0 || config.Raw.IsNull() {
		return
	}
	var values map[string]tftypes.Value
	if err := config.Raw.As(&values); err != nil {
		return
	}
	for name, field := range d.absent {
		if v, ok := values[name]; ok && !v.IsNull() {
			diags.AddAttributeError(path.Root(name), fmt.Sprintf("%s has no %s", d.displayName, name),
				fmt.Sprintf("%s instances have no %s: %s claims have no %s, so the platform has nothing to set. Remove %s.",
					d.displayName, name, d.api.Kind, field, name))
		}
	}
}

// nullAbsent plans every attribute the kind lacks as null, so that a plan shows no value
// "known after apply" for what the platform never reports, and the state keeps null.
func nullAbsent(ctx context.Context, d kindDescriptor, plan *tfsdk.Plan, diags *diag.Diagnostics) {
	if len(d.absent) == 0 || plan.Raw.IsNull() {
		return
	}
	for name := range d.absent {
		t, ds := plan.Schema.TypeAtPath(ctx, path.Root(name))
		diags.Append(ds...)
		if ds.HasError() {
			continue
		}
		diags.Append(plan.SetAttribute(ctx, path.Root(name), tftypes.NewValue(t.TerraformType(ctx), nil))...)
	}
}
