package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// ModifyPlan fills what only the provider knows (default namespace, id) and refuses, before
// anything changes, what the platform would refuse: the rules that involve the prior state or
// several attributes. The platform stays the authority and enforces the same rules itself.
func (r *instanceResource[M, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	d := r.kind.descriptor()
	if req.Plan.Raw.IsNull() {
		r.refuseProtectedDelete(ctx, req, &resp.Diagnostics, "destroy")
		return
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changes: nothing to check. Most resources of a large configuration take this
		// path on every plan, so it stays cheap.
		return
	}
	var plan M
	resp.Diagnostics.Append(r.get(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	common := r.kind.common(&plan)
	common.Namespace = r.data.plannedNamespace(common.Namespace)
	if common.ID.IsUnknown() && !common.Namespace.IsUnknown() && !common.Name.IsUnknown() {
		common.ID = types.StringValue(common.Namespace.ValueString() + "/" + common.Name.ValueString())
	}

	var prior *M
	if !req.State.Raw.IsNull() {
		var state M
		resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
		prior = &state
		checkVersionOnlyGoesUp(d, r.kind.common(&state).Version, common.Version, &resp.Diagnostics)
		if d.instancesFixed {
			checkInstancesUnchanged(d, r.kind.common(&state).Instances, common.Instances, &resp.Diagnostics)
		}
	}
	if d.haInstances > 0 {
		checkGuaranteedNeedsHA(common, d.haInstances, &resp.Diagnostics)
	}
	r.kind.validatePlan(ctx, &plan, prior, &resp.Diagnostics)
	checkCompositionRevision(ctx, common, &resp.Diagnostics)
	if prior != nil && !hasErrorAt(resp.Diagnostics, path.Root("version")) {
		// After the kind's rules: a version change the backend cannot do at all is reported as
		// such, not as a missing allow_major_version_upgrade.
		checkMajorUpgradeAllowed(d, r.kind.common(prior).Version, common.Version, common.AllowMajorVersionUpgrade, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	r.checkPlanOffered(ctx, req, &plan, prior, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.set(ctx, &resp.Plan, &plan)...)
	if len(resp.RequiresReplace) > 0 {
		r.refuseProtectedDelete(ctx, req, &resp.Diagnostics, "replace")
	}
}

// refuseProtectedDelete fails the plan when it would delete an instance that has deletion
// protection on, so that nothing changes; Delete checks again at apply time.
func (r *instanceResource[M, P]) refuseProtectedDelete(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics, action string) {
	if req.State.Raw.IsNull() || !r.kind.descriptor().has("deletion_protection") {
		return
	}
	var protected types.Bool
	var id types.String
	diags.Append(req.State.GetAttribute(ctx, path.Root("deletion_protection"), &protected)...)
	diags.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if !protected.ValueBool() {
		return
	}
	d := r.kind.descriptor()
	diags.AddAttributeError(path.Root("deletion_protection"),
		fmt.Sprintf("%s instance %s is protected from deletion", d.displayName, id.ValueString()),
		fmt.Sprintf("This plan would %s %s instance %s, which has deletion protection enabled, so the platform would refuse to delete it. Nothing was changed.\n\n"+
			"To proceed, set deletion_protection = false on the resource and run terraform apply first.", action, d.displayName, id.ValueString()))
}

// checkVersionOnlyGoesUp refuses a downgrade: the platform never goes back to an older version.
func checkVersionOnlyGoesUp(d kindDescriptor, prior, planned types.String, diags *diag.Diagnostics) {
	if prior.IsNull() || prior.IsUnknown() || planned.IsUnknown() || planned.IsNull() {
		return
	}
	if order, ok := d.compareVersions(planned.ValueString(), prior.ValueString()); ok && order < 0 {
		diags.AddAttributeError(path.Root("version"), "Version downgrade not possible",
			fmt.Sprintf("The platform cannot downgrade %s from %s to %s; versions only go up. To run an older version, create a new instance and move the data.",
				d.displayName, prior.ValueString(), planned.ValueString()))
	}
}

// checkMajorUpgradeAllowed refuses a major version upgrade unless allow_major_version_upgrade is
// true: it cannot be undone and the service may be unavailable while it runs. What is major is the
// kind's rule (descriptor.majorOf). Downgrades are checkVersionOnlyGoesUp's.
func checkMajorUpgradeAllowed(d kindDescriptor, prior, planned types.String, allow types.Bool, diags *diag.Diagnostics) {
	if prior.IsNull() || prior.IsUnknown() || planned.IsUnknown() || planned.IsNull() || allow.IsUnknown() || allow.ValueBool() {
		return
	}
	from, to := prior.ValueString(), planned.ValueString()
	if order, _ := d.compareVersions(to, from); from == to || d.majorVersion(from) == d.majorVersion(to) || order < 0 {
		return
	}
	diags.AddAttributeError(path.Root("version"), "Major version upgrade needs allow_major_version_upgrade",
		fmt.Sprintf("Changing version from %s to %s is a major upgrade of %s. It cannot be undone (versions only go up), and the service "+
			"may be unavailable while it runs. Nothing was changed.\n\n"+
			"To proceed, take a backup, then set allow_major_version_upgrade = true on the resource together with version = %q and run terraform apply. "+
			"To stay on %s, set version = %q again.", from, to, d.displayName, to, from, from))
}

// hasErrorAt tells whether diags already hold an error on the attribute.
func hasErrorAt(diags diag.Diagnostics, p path.Path) bool {
	for _, d := range diags.Errors() {
		if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().Equal(p) {
			return true
		}
	}
	return false
}

// checkDiskOnlyGrows refuses a smaller disk: the platform never shrinks a volume.
func checkDiskOnlyGrows(attr path.Path, prior, planned types.String, diags *diag.Diagnostics) {
	if prior.IsNull() || prior.IsUnknown() || planned.IsUnknown() || planned.IsNull() {
		return
	}
	cmp, err := appcat.CompareQuantities(planned.ValueString(), prior.ValueString())
	if err != nil {
		return // the attribute's validator reports a malformed quantity
	}
	if cmp < 0 {
		diags.AddAttributeError(attr, "Disk cannot shrink",
			fmt.Sprintf("The platform can only grow a disk: %s is smaller than the current %s. Keep %s or choose a larger size.",
				planned.ValueString(), prior.ValueString(), prior.ValueString()))
	}
}

// checkInstancesUnchanged refuses a change of the instance count where the platform cannot scale
// an existing instance.
func checkInstancesUnchanged(d kindDescriptor, prior, planned types.Int64, diags *diag.Diagnostics) {
	if prior.IsNull() || prior.IsUnknown() || planned.IsUnknown() || planned.IsNull() || prior.Equal(planned) {
		return
	}
	diags.AddAttributeError(path.Root("instances"), "Instances cannot change after creation",
		fmt.Sprintf("The platform cannot scale an existing %s instance (\"Scaling after creation is not supported\"): instances is %d and stays so. "+
			"Nothing was changed. Keep instances = %d; for another number of instances, create a new instance and move the data.",
			d.displayName, prior.ValueInt64(), prior.ValueInt64()))
}

// checkGuaranteedNeedsHA refuses the guaranteed service level on too few instances.
func checkGuaranteedNeedsHA(common *instanceModel, minInstances int64, diags *diag.Diagnostics) {
	if common.ServiceLevel.ValueString() != "guaranteed" || common.Instances.IsUnknown() || common.Instances.IsNull() {
		return
	}
	if n := common.Instances.ValueInt64(); n < minInstances {
		diags.AddAttributeError(path.Root("instances"), "Service level guaranteed needs high availability",
			fmt.Sprintf("service_level = \"guaranteed\" needs at least %d instances; instances is %d. Raise instances or use service_level = \"besteffort\".", minInstances, n))
	}
}
