package provider

import (
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
func absentDoc(d kindDescriptor, field string) string {
	return fmt.Sprintf("Not available for %s: `%s` claims have no `%s`. Always null; a plan that sets it fails.", d.displayName, d.api.Kind, field)
}

// withoutAbsent replaces the attributes the kind lacks by optional ones without default,
// validators or plan modifiers.
func withoutAbsent(d kindDescriptor, attrs map[string]schema.Attribute) map[string]schema.Attribute {
	for name, field := range d.absent {
		doc := absentDoc(d, field)
		switch a := attrs[name].(type) {
		case schema.StringAttribute:
			attrs[name] = schema.StringAttribute{Optional: true, MarkdownDescription: doc}
		case schema.MapAttribute:
			attrs[name] = schema.MapAttribute{Optional: true, ElementType: a.ElementType, MarkdownDescription: doc}
		case schema.Int64Attribute:
			attrs[name] = schema.Int64Attribute{Optional: true, MarkdownDescription: doc}
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
