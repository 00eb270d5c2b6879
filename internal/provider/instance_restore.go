package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The `restore` attribute every instance resource has: create the instance from a backup of
// another instance (spec.parameters.restore). What a kind supports is its restoreRules.

// manualRestoreGuide is where the docs explain restores that are not self-service.
const manualRestoreGuide = "https://registry.terraform.io/providers/vshn/appcat/latest/docs/guides/backups-and-restore#restore-a-single-database-into-an-existing-instance"

type restoreModel struct {
	SourceInstance    types.String `tfsdk:"source_instance"`
	BackupName        types.String `tfsdk:"backup_name"`
	RecoveryTimestamp types.String `tfsdk:"recovery_timestamp"`
}

var restoreAttrTypes = map[string]attr.Type{
	"source_instance":    types.StringType,
	"backup_name":        types.StringType,
	"recovery_timestamp": types.StringType,
}

func restoreAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Create this instance from a backup of another instance of the same kind in the same namespace " +
			"(`spec.parameters.restore`). The new instance starts with the source's data as of the backup or point in time, " +
			"and gets its own credentials; the source is left as it is. What is needed depends on the kind, as AppCat restores it: PostgreSQL on " +
			"CloudNativePG recovers from the source's continuous backup, to `recovery_timestamp` or, without it, to the latest state — it " +
			"ignores a backup name, so `backup_name` is refused at plan time (it finds the archive of the new instance's own major version); " +
			"PostgreSQL on StackGres restores the backup `backup_name` names (optionally up to `recovery_timestamp`) and, without one, would start empty, " +
			"so it is required; Redis takes `source_instance` and `backup_name` (see the `appcat_backups` data source); " +
			"MariaDB restores are not self-service (see the backups and restore guide). Adding it to an existing instance or changing it " +
			"replaces the instance (a restore always creates a new one); removing it after the restore keeps the instance and its data.",
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplaceIf(restoreChangeReplaces,
			"Adding or changing restore replaces the instance; removing it does not.",
			"Adding or changing `restore` replaces the instance; removing it does not.")},
		Attributes: map[string]schema.Attribute{
			"source_instance": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the instance whose backup is restored (its claim name, in this instance's namespace).",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(dnsLabel, "must be the name of an instance: lowercase letters, digits and '-'"),
				},
			},
			"backup_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Name of the backup to restore, as listed by the `appcat_backups` data source. PostgreSQL on StackGres and Redis only.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"recovery_timestamp": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Point in time to restore to, RFC 3339 with seconds and a zone, e.g. `2026-05-04T13:45:00Z` " +
					"or `2026-05-04T15:45:00+02:00`. PostgreSQL only.",
				Validators: []validator.String{recoveryTimestampValidator{}},
			},
		},
	}
}

// expandRestore is spec.parameters.restore. claimType is never sent: AppCat uses it only for an
// instance nested in another service, where it names the parent's composite kind (e.g.
// XVSHNKeycloak, pkg/comp-functions/functions/common/postgresql.go); the copy jobs of a
// standalone restore look the source up by claimName alone and fail when it is set.
func expandRestore(ctx context.Context, v types.Object, diags *diag.Diagnostics) *appcat.Restore {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var m restoreModel
	diags.Append(v.As(ctx, &m, objectAsOptions)...)
	return &appcat.Restore{
		ClaimName:         stringPtr(m.SourceInstance),
		BackupName:        stringPtr(m.BackupName),
		RecoveryTimeStamp: stringPtr(m.RecoveryTimestamp),
	}
}

func flattenRestore(r *appcat.Restore) types.Object {
	if r == nil || r.ClaimName == nil || *r.ClaimName == "" {
		return types.ObjectNull(restoreAttrTypes)
	}
	obj, _ := types.ObjectValue(restoreAttrTypes, map[string]attr.Value{
		"source_instance":    types.StringValue(*r.ClaimName),
		"backup_name":        stringPtrOrNull(r.BackupName),
		"recovery_timestamp": stringPtrOrNull(r.RecoveryTimeStamp),
	})
	return obj
}

// restoreRules say what a kind (and backend) needs for a restore, as the platform checks it.
type restoreRules struct {
	// none: the kind has no backups and its claims no spec.parameters.restore (Garage).
	none bool
	// selfService is false where the platform offers no restore into a new instance (MariaDB).
	selfService bool
	// needsBackupName: the restore starts from a named backup; otherwise backup_name is refused.
	needsBackupName bool
	// pointInTime: recovery_timestamp is accepted.
	pointInTime bool
	// what names the kind (and backend) in messages, e.g. "PostgreSQL on CloudNativePG".
	what string
	// selfHelp says, where the restore is not self-service, how to get data back instead; ""
	// points to the guide's restore of a single database (the database kinds).
	selfHelp string
	// noneBecause says why there is no restore where none is not simply the lack of backups.
	noneBecause string
}

// validateRestore checks the planned restore against the kind's rules, on the exact attribute.
func validateRestore(ctx context.Context, v types.Object, name types.String, rules restoreRules, diags *diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	root := path.Root("restore")
	if rules.none {
		why := rules.noneBecause
		if why == "" {
			why = fmt.Sprintf("%s instances have no backups, so the platform cannot create one from a backup.", rules.what)
		}
		diags.AddAttributeError(root, "No restore for "+rules.what, why+" Remove restore.")
		return
	}
	if !rules.selfService {
		selfHelp := rules.selfHelp
		if selfHelp == "" {
			selfHelp = "To get data back yourself, restore a single database into an existing instance as the guide describes: " + manualRestoreGuide
		}
		diags.AddAttributeError(root, "Restore is not self-service for "+rules.what,
			fmt.Sprintf("The platform cannot create a %s instance from a backup: restores of %s are done by VSHN on a support request. %s",
				rules.what, rules.what, selfHelp))
		return
	}
	var m restoreModel
	diags.Append(v.As(ctx, &m, objectAsOptions)...)
	if !m.SourceInstance.IsUnknown() && !name.IsUnknown() && m.SourceInstance.ValueString() == name.ValueString() {
		diags.AddAttributeError(root.AtName("source_instance"), "An instance cannot be restored from itself",
			fmt.Sprintf("restore.source_instance is %q, the name of this instance. A restore always creates a new instance: "+
				"give the new instance another name.", m.SourceInstance.ValueString()))
	}
	switch {
	case rules.needsBackupName && m.BackupName.IsNull():
		diags.AddAttributeError(root.AtName("backup_name"), "Restore needs a backup name",
			fmt.Sprintf("%s restores a named backup: set restore.backup_name to one of the backups of %q (the appcat_backups data source lists them).",
				rules.what, m.SourceInstance.ValueString()))
	case !rules.needsBackupName && !m.BackupName.IsNull():
		diags.AddAttributeError(root.AtName("backup_name"), "backup_name is not used by "+rules.what,
			fmt.Sprintf("%s restores the source's continuous backup (base backups and WAL archive): to the latest state, or to "+
				"restore.recovery_timestamp. Remove restore.backup_name; to restore the state of a given backup, set recovery_timestamp to its time.", rules.what))
	}
	if !rules.pointInTime && !m.RecoveryTimestamp.IsNull() {
		diags.AddAttributeError(root.AtName("recovery_timestamp"), "Point-in-time restore not available for "+rules.what,
			fmt.Sprintf("%s restores a backup as it was taken; remove restore.recovery_timestamp and choose the backup with restore.backup_name.", rules.what))
	}
}

// restoreChangeReplaces: a restore always creates a new instance, so adding or changing the
// block replaces the instance. The platform reads the block only when it creates the instance:
// removing it afterwards is an in-place update that keeps the data.
func restoreChangeReplaces(_ context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.PlanValue.IsNull()
}

// rfc3339Seconds is the platform's format of recoveryTimeStamp: RFC 3339 with seconds, no fraction.
var rfc3339Seconds = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$`)

type recoveryTimestampValidator struct{}

func (recoveryTimestampValidator) Description(context.Context) string {
	return "must be an RFC 3339 timestamp with seconds and a zone, e.g. 2026-05-04T13:45:00Z"
}
func (v recoveryTimestampValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (recoveryTimestampValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	_, err := time.Parse(time.RFC3339, s)
	if err != nil || !rfc3339Seconds.MatchString(s) {
		// Named in the text: Terraform points a nested attribute's error at the line of the
		// whole restore object, so the line alone does not say which attribute is wrong.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid recovery timestamp",
			fmt.Sprintf("Attribute %s: %q is not a point in time the platform accepts: use RFC 3339 with seconds and a zone, without fractions of a second, "+
				"e.g. 2026-05-04T13:45:00Z or 2026-05-04T15:45:00+02:00.", req.Path, s))
	}
}

// postgresqlRestoreRules are PostgreSQL's restore rules, which depend on the backend.
func postgresqlRestoreRules(backend string) restoreRules {
	if backend == backendStackGres {
		return restoreRules{selfService: true, needsBackupName: true, pointInTime: true, what: "PostgreSQL on StackGres"}
	}
	return restoreRules{selfService: true, pointInTime: true, what: "PostgreSQL on CloudNativePG"}
}

var objectAsOptions = basetypes.ObjectAsOptions{}
