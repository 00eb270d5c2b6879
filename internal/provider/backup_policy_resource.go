package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// appcat_backup_policy: spec.parameters.backup of one instance, on the attached-block engine.

// Platform defaults of spec.parameters.backup.
const (
	defaultPostgreSQLRetention = 6 // days
	defaultKeepDaily           = 6 // Redis and MariaDB
	defaultDeletionRetention   = 7 // days, PostgreSQL
)

type backupPolicyModel struct {
	attachedModel
	Enabled           types.Bool   `tfsdk:"enabled"`
	Schedule          types.String `tfsdk:"schedule"`
	Retention         types.Int64  `tfsdk:"retention"`
	KeepLast          types.Int64  `tfsdk:"keep_last"`
	KeepHourly        types.Int64  `tfsdk:"keep_hourly"`
	KeepDaily         types.Int64  `tfsdk:"keep_daily"`
	KeepWeekly        types.Int64  `tfsdk:"keep_weekly"`
	KeepMonthly       types.Int64  `tfsdk:"keep_monthly"`
	KeepYearly        types.Int64  `tfsdk:"keep_yearly"`
	EffectiveSchedule types.String `tfsdk:"effective_schedule"`

	DeletionProtection types.Bool   `tfsdk:"deletion_protection"` // PostgreSQL only
	DeletionRetention  types.Int64  `tfsdk:"deletion_retention"`  // PostgreSQL only
	UnmanagedBucket    types.Object `tfsdk:"unmanaged_bucket"`    // backup_policy_bucket.go
}

// NewBackupPolicyResource is appcat_backup_policy.
func NewBackupPolicyResource() resource.Resource {
	return newAttachedResource[backupPolicyModel](backupPolicy{})
}

type backupPolicy struct{}

func (backupPolicy) descriptor() blockDescriptor {
	return blockDescriptor{
		typeName:     "backup_policy",
		block:        "backup",
		fieldManager: "terraform-appcat-backup-policy",
		displayName:  "backup policy",
		description:  descriptionFile("backup_policy_resource"),
		kinds:        kindsWithBackups,
	}
}

func (backupPolicy) common(m *backupPolicyModel) *attachedModel { return &m.attachedModel }

// keepRuleKinds says which kinds take a keep_* rule other than keep_daily.
const keepRuleKinds = " Not for PostgreSQL (see `retention`) or Keycloak (`keep_daily` only)."

func keepAttribute(doc string, computed bool) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		Computed:            computed,
		MarkdownDescription: doc,
		Validators:          []validator.Int64{int64validator.AtLeast(0)},
	}
}

func (backupPolicy) attributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"enabled": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Whether the platform backs the instance up. Defaults to `true`, as on the platform. `false` stops backups " +
				"(and PostgreSQL's WAL archiving) but keeps the policy; destroying the policy instead returns to the platform's defaults (backups on).",
			Default: booldefault.StaticBool(true),
		},
		"schedule": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "When backups run: a 5-field cron schedule in UTC (minute, hour, day of month, month, day of week), each field " +
				"`*`, a number or `*/N`, e.g. `\"30 2 * * *\"` for 02:30 every day or `\"0 */6 * * *\"` every six hours. Without it the platform " +
				"picks a random daily time (see `effective_schedule`).",
			Validators: []validator.String{cronValidator{}},
		},
		"retention": schema.Int64Attribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("PostgreSQL only: how many days backups are kept (and with them the WAL archive for point-in-time restores). "+
				"Defaults to `%d`, as on the platform. Redis and MariaDB use the `keep_*` attributes.", defaultPostgreSQLRetention),
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
		"keep_last":   keepAttribute("How many of the latest backups to keep."+keepRuleKinds, false),
		"keep_hourly": keepAttribute("How many hourly backups to keep."+keepRuleKinds, false),
		"keep_daily": keepAttribute(fmt.Sprintf("How many daily backups to keep. Defaults to `%d`, as on the platform. Not for PostgreSQL; "+
			"for Keycloak, how many days its PostgreSQL instance keeps backups.", defaultKeepDaily), true),
		"keep_weekly":  keepAttribute("How many weekly backups to keep."+keepRuleKinds, false),
		"keep_monthly": keepAttribute("How many monthly backups to keep."+keepRuleKinds, false),
		"keep_yearly":  keepAttribute("How many yearly backups to keep."+keepRuleKinds, false),
		"deletion_protection": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "PostgreSQL only: `backup.deletionProtection`, defaults to `true` as on the platform. The platform stores it, but " +
				"AppCat's PostgreSQL compositions do not act on it today; what protects the instance from deletion is the instance's own " +
				"`deletion_protection`. Backups are deleted together with the instance.",
		},
		"deletion_retention": schema.Int64Attribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("PostgreSQL only: `backup.deletionRetention`, days to keep the instance after deletion; defaults to `%d` "+
				"as on the platform. The platform stores it, but AppCat's PostgreSQL compositions do not act on it today.", defaultDeletionRetention),
		},
		"unmanaged_bucket": unmanagedBucketAttribute(),
		"effective_schedule": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The schedule the platform uses (`status.schedules.backup`): `schedule`, or the platform's random daily time when `schedule` is not set.",
			PlanModifiers:       []planmodifier.String{unknownIfChanged(path.Root("schedule"))},
		},
	}
}

// keepAttrs are the keep_* attributes of a model, by name.
func (m *backupPolicyModel) keepAttrs() map[string]*types.Int64 {
	return map[string]*types.Int64{
		"keep_last": &m.KeepLast, "keep_hourly": &m.KeepHourly, "keep_daily": &m.KeepDaily,
		"keep_weekly": &m.KeepWeekly, "keep_monthly": &m.KeepMonthly, "keep_yearly": &m.KeepYearly,
	}
}

func (backupPolicy) managedFields(kind kindDescriptor) []string {
	if kind.retentionInDays() {
		return append([]string{"enabled", "schedule", "retention", "deletionProtection", "deletionRetention"}, unmanagedBucketFields...)
	}
	return append([]string{"enabled", "schedule", "retention.keepLast", "retention.keepHourly", "retention.keepDaily",
		"retention.keepWeekly", "retention.keepMonthly", "retention.keepYearly"}, unmanagedBucketFields...)
}

func (backupPolicy) modifyPlan(ctx context.Context, in attachedPlan[backupPolicyModel], diags *diag.Diagnostics) {
	plan, config := in.plan, in.config
	warnSplitBucketSecret(ctx, config.UnmanagedBucket, in.kind, diags)
	if in.kind.retentionInDays() {
		for name, v := range config.keepAttrs() {
			if !v.IsNull() {
				diags.AddAttributeError(path.Root(name), name+" is not available for PostgreSQL",
					fmt.Sprintf("%s is a retention rule of Redis and MariaDB backups. A PostgreSQL backup policy keeps backups a number of days: use retention (default %d).", name, defaultPostgreSQLRetention))
			}
		}
		for _, v := range plan.keepAttrs() {
			*v = types.Int64Null()
		}
		if config.Retention.IsNull() {
			plan.Retention = types.Int64Value(defaultPostgreSQLRetention)
		}
		if config.DeletionProtection.IsNull() {
			plan.DeletionProtection = types.BoolValue(true)
		}
		if config.DeletionRetention.IsNull() {
			plan.DeletionRetention = types.Int64Value(defaultDeletionRetention)
		}
		return
	}
	if in.kind.retentionOfNestedPostgreSQL() {
		refuseUnpassedBackupSettings(config, in.kind.displayName, diags)
	}
	for name, v := range map[string]attr.Value{"deletion_protection": config.DeletionProtection, "deletion_retention": config.DeletionRetention} {
		if !v.IsNull() {
			diags.AddAttributeError(path.Root(name), name+" is not available for "+in.kind.displayName,
				fmt.Sprintf("%s is a field of PostgreSQL's backup block only; %s backups have no such setting.", name, in.kind.displayName))
		}
	}
	plan.DeletionProtection, plan.DeletionRetention = types.BoolNull(), types.Int64Null()
	if !config.Retention.IsNull() {
		diags.AddAttributeError(path.Root("retention"), "retention is not available for "+in.kind.displayName,
			fmt.Sprintf("retention (days) is PostgreSQL's retention rule. %s backups are kept by keep_last, keep_hourly, keep_daily (default %d), keep_weekly, keep_monthly and keep_yearly.",
				in.kind.displayName, defaultKeepDaily))
	}
	plan.Retention = types.Int64Null()
	if config.KeepDaily.IsNull() {
		plan.KeepDaily = types.Int64Value(defaultKeepDaily)
	}
}

// refuseUnpassedBackupSettings refuses, on the exact attribute, what a kind whose backups are
// those of a PostgreSQL instance nested in it does not pass on to that instance: its composition
// reads the schedule and keepDaily alone (AppCat's common/postgresql.go CreateDependency), so
// the platform would store the other settings and ignore them.
func refuseUnpassedBackupSettings(config *backupPolicyModel, kind string, diags *diag.Diagnostics) {
	why := fmt.Sprintf("%s's backups are those of its PostgreSQL instance, which the platform configures from the policy's schedule and "+
		"keep_daily alone (kept as that many days, default %d).", kind, defaultKeepDaily)
	for name, v := range config.keepAttrs() {
		if name != "keep_daily" && !v.IsNull() {
			diags.AddAttributeError(path.Root(name), name+" is not used for "+kind,
				fmt.Sprintf("%s The platform would store %s and ignore it: remove it, and set keep_daily instead.", why, name))
		}
	}
	if !config.Enabled.IsNull() && !config.Enabled.IsUnknown() && !config.Enabled.ValueBool() {
		diags.AddAttributeError(path.Root("enabled"), "Backups cannot be turned off for "+kind,
			why+" The platform does not pass enabled on, so its PostgreSQL instance would go on backing up: remove enabled = false.")
	}
	if !config.UnmanagedBucket.IsNull() {
		diags.AddAttributeError(path.Root("unmanaged_bucket"), "unmanaged_bucket is not used for "+kind,
			why+" Its PostgreSQL instance backs up to the platform's own bucket: remove unmanaged_bucket.")
	}
}

func (backupPolicy) expand(ctx context.Context, m *backupPolicyModel, kind kindDescriptor) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	if kind.retentionInDays() {
		b := appcat.PostgreSQLBackup{Enabled: boolPtr(m.Enabled), Schedule: stringPtr(m.Schedule),
			DeletionProtection: boolPtr(m.DeletionProtection), DeletionRetention: int64Ptr(m.DeletionRetention),
			UnmanagedBucket: expandUnmanagedBucket(ctx, m.UnmanagedBucket, &diags)}
		if r := int64Ptr(m.Retention); r != nil {
			b.Retention = *r
		}
		return b, diags
	}
	b := appcat.Backup{Enabled: boolPtr(m.Enabled), Schedule: stringPtr(m.Schedule), UnmanagedBucket: expandUnmanagedBucket(ctx, m.UnmanagedBucket, &diags)}
	r := appcat.BackupRetention{
		KeepLast: int64Ptr(m.KeepLast), KeepHourly: int64Ptr(m.KeepHourly), KeepDaily: int64Ptr(m.KeepDaily),
		KeepWeekly: int64Ptr(m.KeepWeekly), KeepMonthly: int64Ptr(m.KeepMonthly), KeepYearly: int64Ptr(m.KeepYearly),
	}
	if r != (appcat.BackupRetention{}) {
		b.Retention = &r
	}
	return b, diags
}

func (backupPolicy) flatten(_ context.Context, claim *appcat.RawClaim, kind kindDescriptor, m *backupPolicyModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.EffectiveSchedule = types.StringNull()
	if s := claim.Status.Schedules; s != nil {
		m.EffectiveSchedule = stringOrNull(s.Backup)
	}
	for _, v := range m.keepAttrs() {
		*v = types.Int64Null()
	}
	m.Retention = types.Int64Null()
	m.DeletionProtection, m.DeletionRetention = types.BoolNull(), types.Int64Null()
	if kind.retentionInDays() {
		b, err := appcat.Block[appcat.PostgreSQLBackup](claim, "backup")
		if err != nil {
			diags.AddError("Could not read the backup policy", err.Error())
			return diags
		}
		if b == nil {
			b = &appcat.PostgreSQLBackup{}
		}
		m.Enabled = boolOr(b.Enabled, true)
		m.Schedule = stringPtrOrNull(b.Schedule)
		m.Retention = types.Int64Value(defaultPostgreSQLRetention)
		if n, ok := intOrString(b.Retention); ok {
			m.Retention = types.Int64Value(n)
		}
		m.DeletionProtection = boolOr(b.DeletionProtection, true)
		m.DeletionRetention = int64Or(b.DeletionRetention, defaultDeletionRetention)
		m.UnmanagedBucket = flattenUnmanagedBucket(b.UnmanagedBucket)
		return diags
	}
	b, err := appcat.Block[appcat.Backup](claim, "backup")
	if err != nil {
		diags.AddError("Could not read the backup policy", err.Error())
		return diags
	}
	if b == nil {
		b = &appcat.Backup{}
	}
	m.Enabled = boolOr(b.Enabled, true)
	m.Schedule = stringPtrOrNull(b.Schedule)
	m.UnmanagedBucket = flattenUnmanagedBucket(b.UnmanagedBucket)
	r := b.Retention
	if r == nil {
		r = &appcat.BackupRetention{}
	}
	m.KeepLast, m.KeepHourly = int64PtrOrNull(r.KeepLast), int64PtrOrNull(r.KeepHourly)
	m.KeepDaily = int64Or(r.KeepDaily, defaultKeepDaily)
	m.KeepWeekly, m.KeepMonthly, m.KeepYearly = int64PtrOrNull(r.KeepWeekly), int64PtrOrNull(r.KeepMonthly), int64PtrOrNull(r.KeepYearly)
	return diags
}

func int64PtrOrNull(p *int64) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*p)
}

// intOrString reads an integer the API keeps as int-or-string (PostgreSQL's retention).
func intOrString(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return int64(n), true
	case int64:
		return n, true
	case int:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}
