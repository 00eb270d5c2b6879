package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// ValidateConfig checks what depends on the kind: name lengths and the form of privileges. It
// needs no platform, so `terraform validate` reports it.
func (r *databaseUserResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m databaseUserModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Kind.IsUnknown() || m.Kind.IsNull() {
		return
	}
	k, ok := userKind(m.Kind.ValueString())
	if !ok {
		return // the attribute's validator reports it
	}
	validateUserConfig(ctx, k, m, &resp.Diagnostics)
}

func validateUserConfig(ctx context.Context, k kindDescriptor, m databaseUserModel, diags *diag.Diagnostics) {
	userMax, dbMax := appcat.AccessLimits(k.api)
	if v := m.User; !v.IsUnknown() && !v.IsNull() && len(v.ValueString()) > userMax {
		diags.AddAttributeError(path.Root("user"), "User name too long",
			fmt.Sprintf("%s allows user names of at most %d characters; %q has %d.", k.displayName, userMax, v.ValueString(), len(v.ValueString())))
	}
	if v := m.Database; !v.IsUnknown() && !v.IsNull() && len(v.ValueString()) > dbMax {
		diags.AddAttributeError(path.Root("database"), "Database name too long",
			fmt.Sprintf("%s allows database names of at most %d characters; %q has %d.", k.displayName, dbMax, v.ValueString(), len(v.ValueString())))
	}
	if m.Privileges.IsUnknown() || m.Privileges.IsNull() {
		return
	}
	rule := appcat.PrivilegeRule(k.api)
	for _, e := range m.Privileges.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			continue
		}
		if !rule.MatchString(s.ValueString()) {
			diags.AddAttributeError(path.Root("privileges"), "Invalid privilege",
				fmt.Sprintf("%q is not a %s privilege the platform accepts (%s): write it in uppercase as in SQL, e.g. SELECT.", s.ValueString(), k.displayName, rule))
		}
	}
}

// userTarget is the instance and user a model names.
// ModifyPlan fills the defaults only the provider knows (database, secret name, id), keeps the
// credentials from the state unless the user's database or secret or store_credentials changes
// (plannedUserConnection), and refuses
// privileges on a PostgreSQL instance that runs on CloudNativePG when the platform already has it.
func (r *databaseUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config databaseUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *databaseUserModel
	if !req.State.Raw.IsNull() {
		state = &databaseUserModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}

	ns, name, instanceKnown := "", "", false
	if !plan.InstanceID.IsUnknown() {
		ns, name, instanceKnown = splitInstanceID(plan.InstanceID.ValueString())
	}
	userKnown := !plan.User.IsUnknown()
	if config.Database.IsNull() {
		plan.Database = types.StringUnknown()
		if userKnown {
			plan.Database = plan.User
		}
	}
	if config.ConnectionSecretName.IsNull() {
		plan.ConnectionSecretName = types.StringUnknown()
		if userKnown && instanceKnown {
			plan.ConnectionSecretName = types.StringValue(appcat.DefaultAccessSecretName(name, plan.User.ValueString()))
		}
	}
	if userKnown && instanceKnown {
		plan.ID = types.StringValue(ns + "/" + name + "/" + plan.User.ValueString())
	}
	plan.Connection = plannedUserConnection(plan, state)

	if instanceKnown && (state == nil || !plan.Privileges.Equal(state.Privileges)) {
		r.checkPrivilegesSupported(ctx, &plan, ns, name, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// checkPrivilegesSupported reads the instance from the platform — only when privileges are set on
// a PostgreSQL user, and only if the instance exists already — and refuses the plan when it runs
// on CloudNativePG. An instance created in the same apply is checked when the user is written
// (appcat.PutAccess refuses without writing anything).
func (r *databaseUserResource) checkPrivilegesSupported(ctx context.Context, plan *databaseUserModel, ns, name string, diags *diag.Diagnostics) {
	if plan.Kind.ValueString() != (postgresqlKind{}).descriptor().typeName || plan.Privileges.IsNull() || plan.Privileges.IsUnknown() {
		return
	}
	if r.data == nil || r.data.unknownConfig || r.data.client == nil {
		return
	}
	k := postgresqlKind{}.descriptor()
	view, err := r.data.client.GetAccess(ctx, k.api, ns, name, appcat.Snapshot)
	if err != nil {
		if !appcat.IsNotFound(err) {
			tflog.Warn(ctx, "could not read the instance to check its backend; the apply checks again", map[string]any{"error": err.Error()})
		}
		return
	}
	if view.Composition == "" || appcat.PrivilegesSupported(k.api, view.Composition) {
		// An instance the platform has not set up yet has no composition: the apply checks.
		return
	}
	t := userTarget{kind: k, namespace: ns, name: name, user: plan.User.ValueString()}
	diags.AddAttributeError(path.Root("privileges"), "Privileges not supported on CloudNativePG", cnpgPrivilegesMessage(t))
}

// connectionValues picks the parts of a connection from a connection secret by their keys.
