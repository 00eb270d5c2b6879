package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Small conversions between framework values and the pointer-shaped claim fields. A null or
// unknown value becomes nil (not sent with server-side apply); nil reads back as null, or as the
// platform's default where the schema has one, because an absent field means the default applies.

func stringPtr(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}

func boolPtr(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	b := v.ValueBool()
	return &b
}

func int64Ptr(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := v.ValueInt64()
	return &n
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func stringOr(p *string, def string) types.String {
	if p == nil {
		return types.StringValue(def)
	}
	return types.StringValue(*p)
}

func stringPtrOrNull(p *string) types.String {
	if p == nil {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

func boolOr(p *bool, def bool) types.Bool {
	if p == nil {
		return types.BoolValue(def)
	}
	return types.BoolValue(*p)
}

func boolPtrOrNull(p *bool) types.Bool {
	if p == nil {
		return types.BoolNull()
	}
	return types.BoolValue(*p)
}

func int64Or(p *int64, def int64) types.Int64 {
	if p == nil {
		return types.Int64Value(def)
	}
	return types.Int64Value(*p)
}

func expandStringMap(ctx context.Context, v types.Map, diags *diag.Diagnostics) map[string]string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}

func flattenStringMap(m map[string]string) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	out, _ := types.MapValueFrom(context.Background(), types.StringType, m)
	return out
}

// flattenAnyMap reads a free-form map of the platform (e.g. pgSettings) as strings: a value
// someone wrote as a number with kubectl reads back as its text.
func flattenAnyMap(m map[string]any) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return flattenStringMap(out)
}

func expandAnyMap(ctx context.Context, v types.Map, diags *diag.Diagnostics) map[string]any {
	m := expandStringMap(ctx, v, diags)
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, s := range m {
		out[k] = s
	}
	return out
}

func expandStringList(ctx context.Context, v types.List, diags *diag.Diagnostics) []string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}

func flattenStringList(s []string) types.List {
	if len(s) == 0 {
		return types.ListNull(types.StringType)
	}
	out, _ := types.ListValueFrom(context.Background(), types.StringType, s)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// expandSecurity and flattenSecurity map spec.parameters.security, the same on every kind.
func expandSecurity(ctx context.Context, c *instanceModel, diags *diag.Diagnostics) *appcat.Security {
	return &appcat.Security{
		DeletionProtection: boolPtr(c.DeletionProtection),
		AllowAllNamespaces: boolPtr(c.AllowAllNamespaces),
		AllowedNamespaces:  expandStringList(ctx, c.AllowedNamespaces, diags),
		AllowedGroups:      expandStringList(ctx, c.AllowedGroups, diags),
		AllowedUsers:       expandStringList(ctx, c.AllowedUsers, diags),
	}
}

// flattenSecurity sets the security attributes; allowAllNamespaces is the kind's default.
func flattenSecurity(s *appcat.Security, c *instanceModel, allowAllNamespaces bool) {
	if s == nil {
		s = &appcat.Security{}
	}
	c.DeletionProtection = boolOr(s.DeletionProtection, true)
	c.AllowAllNamespaces = boolOr(s.AllowAllNamespaces, allowAllNamespaces)
	c.AllowedNamespaces = flattenStringList(s.AllowedNamespaces)
	c.AllowedGroups = flattenStringList(s.AllowedGroups)
	c.AllowedUsers = flattenStringList(s.AllowedUsers)
}

// expandScheduling and flattenScheduling map spec.parameters.scheduling.
func expandScheduling(ctx context.Context, c *instanceModel, diags *diag.Diagnostics) *appcat.Scheduling {
	sel := expandStringMap(ctx, c.NodeSelector, diags)
	if sel == nil {
		return nil
	}
	return &appcat.Scheduling{NodeSelector: sel}
}

func flattenScheduling(s *appcat.Scheduling, c *instanceModel) {
	if s == nil {
		c.NodeSelector = types.MapNull(types.StringType)
		return
	}
	c.NodeSelector = flattenStringMap(s.NodeSelector)
}
