package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// defaultConnectionSecretName plans `<name>-connection` when the configuration leaves the
// connection secret's name unset, so the plan shows the real name and never changes after apply.
func defaultConnectionSecretName() planmodifier.String { return connectionSecretNameDefault{} }

type connectionSecretNameDefault struct{}

func (connectionSecretNameDefault) Description(context.Context) string {
	return "defaults to <name>-connection"
}
func (m connectionSecretNameDefault) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (connectionSecretNameDefault) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	switch {
	case name.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case !name.IsNull():
		resp.PlanValue = types.StringValue(name.ValueString() + "-connection")
	}
}

// unknownIfChanged keeps a computed string's prior value unless the attribute it follows changes:
// current_version stays as is until the version is changed.
func unknownIfChanged(follows path.Path) planmodifier.String { return followString{follows: follows} }

type followString struct{ follows path.Path }

func (m followString) Description(context.Context) string {
	return "known from state unless " + m.follows.String() + " changes"
}
func (m followString) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m followString) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	changed, diags := attributesChanged(ctx, req.Plan, req.State, []path.Path{m.follows})
	resp.Diagnostics.Append(diags...)
	if !changed {
		resp.PlanValue = req.StateValue
	}
}

// connectionPlan keeps the planned connection details from state unless an attribute that
// changes them changes (e.g. instances for an HA switch that moves the host). A planned value that
// the apply then changes would be an "inconsistent result"; an unknown one for every update would
// make every plan look as if credentials change. store_credentials decides what of the state's
// value is planned (instance_credentials.go).
func connectionPlan(affectedBy []path.Path) planmodifier.Object {
	return connectionPlanModifier{affectedBy}
}

type connectionPlanModifier struct{ affectedBy []path.Path }

func (connectionPlanModifier) Description(context.Context) string {
	return "known from state unless an attribute that changes the connection, or store_credentials, changes"
}
func (m connectionPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m connectionPlanModifier) PlanModifyObject(ctx context.Context, req planmodifier.ObjectRequest, resp *planmodifier.ObjectResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	changed, diags := attributesChanged(ctx, req.Plan, req.State, m.affectedBy)
	resp.Diagnostics.Append(diags...)
	if changed || diags.HasError() {
		return
	}
	var planned, prior types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("store_credentials"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("store_credentials"), &prior)...)
	switch {
	case resp.Diagnostics.HasError() || planned.IsUnknown():
	case !storesCredentialsValue(planned):
		// Switched off or staying off: known now, so the plan shows the credentials go.
		resp.PlanValue = withoutInstanceCredentials(req.StateValue)
	case !storesCredentialsValue(prior):
		// Switched on: the apply reads them.
	default:
		resp.PlanValue = req.StateValue
	}
}

// attributesChanged tells whether any of the attributes differs between plan and state. An
// unknown planned value counts as a change.
func attributesChanged(ctx context.Context, plan tfsdk.Plan, state tfsdk.State, paths []path.Path) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	for _, p := range paths {
		var planned, prior attr.Value
		diags.Append(plan.GetAttribute(ctx, p, &planned)...)
		diags.Append(state.GetAttribute(ctx, p, &prior)...)
		if diags.HasError() {
			return true, diags
		}
		if planned == nil || prior == nil || planned.IsUnknown() || !planned.Equal(prior) {
			return true, diags
		}
	}
	return false, diags
}
