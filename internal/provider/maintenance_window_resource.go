package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// appcat_maintenance_window: spec.parameters.maintenance of one instance, on the attached-block
// engine.

type maintenanceWindowModel struct {
	attachedModel
	DayOfWeek            types.String `tfsdk:"day_of_week"`
	TimeOfDay            types.String `tfsdk:"time_of_day"`
	PinImageTag          types.String `tfsdk:"pin_image_tag"`
	DisableAppcatRelease types.Bool   `tfsdk:"disable_appcat_release"`
	EffectiveDayOfWeek   types.String `tfsdk:"effective_day_of_week"`
	EffectiveTimeOfDay   types.String `tfsdk:"effective_time_of_day"`
}

var daysOfWeek = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// NewMaintenanceWindowResource is appcat_maintenance_window.
func NewMaintenanceWindowResource() resource.Resource {
	return &maintenanceWindowResource{newAttachedResource[maintenanceWindowModel](maintenanceWindow{}).(*attachedResource[maintenanceWindowModel])}
}

// maintenanceWindowResource adds config validators to the engine's resource.
type maintenanceWindowResource struct {
	*attachedResource[maintenanceWindowModel]
}

var _ resource.ResourceWithConfigValidators = &maintenanceWindowResource{}

func (*maintenanceWindowResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.AtLeastOneOf(
		path.MatchRoot("day_of_week"), path.MatchRoot("time_of_day"), path.MatchRoot("pin_image_tag"), path.MatchRoot("disable_appcat_release"))}
}

type maintenanceWindow struct{}

func (maintenanceWindow) descriptor() blockDescriptor {
	return blockDescriptor{
		typeName:     "maintenance_window",
		block:        "maintenance",
		fieldManager: "terraform-appcat-maintenance-window",
		displayName:  "maintenance window",
		description:  descriptionFileFor("maintenance_window_resource", kindsWithMaintenance),
		kinds:        kindsWithMaintenance,
	}
}

func (maintenanceWindow) common(m *maintenanceWindowModel) *attachedModel { return &m.attachedModel }

func (maintenanceWindow) attributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"day_of_week": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Day the window starts on, in UTC: " + quoteList(daysOfWeek) + ". Without it the platform chooses one.",
			Validators:          []validator.String{stringvalidator.OneOf(daysOfWeek...)},
		},
		"time_of_day": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Time the window starts at, `hh:mm:ss` on a 24-hour clock in **UTC** (not your local time), e.g. `\"22:30:00\"`. " +
				"Without it the platform chooses one between 21:00 and 05:00 UTC.",
			Validators: []validator.String{timeOfDayValidator{}},
		},
		"pin_image_tag": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Keep the service on this image tag: maintenance then applies no minor or patch updates. For PostgreSQL " +
				"the tag must start with the instance's major version (e.g. `\"15.4\"` for version 15).",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"disable_appcat_release": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Keep the instance on its current AppCat release: maintenance then does not move it to the newest release. " +
				"Defaults to `false`, as on the platform.",
			Default: booldefault.StaticBool(false),
		},
		"effective_day_of_week": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Day the platform runs maintenance on (`status.schedules.maintenance.dayOfWeek`): `day_of_week`, or the platform's choice.",
			PlanModifiers:       []planmodifier.String{unknownIfChanged(path.Root("day_of_week"))},
		},
		"effective_time_of_day": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Time (UTC) the platform starts maintenance at (`status.schedules.maintenance.timeOfDay`): `time_of_day`, or the platform's choice.",
			PlanModifiers:       []planmodifier.String{unknownIfChanged(path.Root("time_of_day"))},
		},
	}
}

func (maintenanceWindow) managedFields(kindDescriptor) []string {
	return []string{"dayOfWeek", "timeOfDay", "pinImageTag", "disableAppcatRelease"}
}

func (maintenanceWindow) modifyPlan(ctx context.Context, in attachedPlan[maintenanceWindowModel], diags *diag.Diagnostics) {
	pin := in.plan.PinImageTag
	if !in.kind.pinnedTagFollowsMajor || pin.IsNull() || pin.IsUnknown() || in.name == "" {
		return
	}
	if in.state != nil && in.state.PinImageTag.Equal(pin) {
		return // unchanged: checked when it was set
	}
	major := readPostgreSQLMajor(ctx, in.data, in.namespace, in.name)
	if major == "" {
		return // the instance cannot be read now (e.g. created in this apply): the platform checks it
	}
	checkPinImageTag(pin.ValueString(), major, diags)
}

// readPostgreSQLMajor is the instance's major version as the platform has it, "" when it cannot
// be read (no client, instance not created yet, no permission). Plans never fail on this read.
func readPostgreSQLMajor(ctx context.Context, data *providerData, namespace, name string) string {
	if data == nil || data.client == nil || data.unknownConfig {
		return ""
	}
	claim, err := appcat.GetClaim[appcat.RawParameters](ctx, data.client, appcat.PostgreSQL, namespace, name, appcat.Snapshot)
	if err != nil {
		return ""
	}
	svc, err := appcat.Block[appcat.PostgreSQLService](claim, "service")
	if err != nil || svc == nil || svc.MajorVersion == nil {
		return ""
	}
	return *svc.MajorVersion
}

// checkPinImageTag mirrors the platform's rule: a PostgreSQL image tag starts with the major
// version (15 → "15", "15.4", "15-ubi", but not "150"). A tag of a newer major is only a warning:
// this apply may be upgrading the instance to it.
func checkPinImageTag(pin, major string, diags *diag.Diagnostics) {
	if rest, ok := strings.CutPrefix(pin, major); ok && (rest == "" || rest[0] < '0' || rest[0] > '9') {
		return
	}
	attr := path.Root("pin_image_tag")
	pinMajor := leadingDigits(pin)
	cur, _ := strconv.Atoi(major)
	if n, err := strconv.Atoi(pinMajor); err == nil && n > cur && slices.Contains(postgresqlKind{}.descriptor().versions, pinMajor) {
		diags.AddAttributeWarning(attr, "Image tag of a newer major version",
			fmt.Sprintf("pin_image_tag %q is for PostgreSQL %d, but the instance runs %s. The platform accepts it only if this apply upgrades the instance to version %d first; otherwise it refuses the change.",
				pin, n, major, n))
		return
	}
	diags.AddAttributeError(attr, "Image tag does not match the PostgreSQL version",
		fmt.Sprintf("pin_image_tag %q does not start with the instance's major version %s, so the platform would refuse it. Use a tag of PostgreSQL %s, e.g. \"%s.<minor>\".",
			pin, major, major, major))
}

func leadingDigits(s string) string {
	for i, r := range s {
		if r < '0' || r > '9' {
			return s[:i]
		}
	}
	return s
}

func (maintenanceWindow) expand(_ context.Context, m *maintenanceWindowModel, _ kindDescriptor) (any, diag.Diagnostics) {
	return appcat.Maintenance{
		DayOfWeek:            stringPtr(m.DayOfWeek),
		TimeOfDay:            stringPtr(m.TimeOfDay),
		PinImageTag:          stringPtr(m.PinImageTag),
		DisableAppcatRelease: boolPtr(m.DisableAppcatRelease),
	}, nil
}

func (maintenanceWindow) flatten(_ context.Context, claim *appcat.RawClaim, _ kindDescriptor, m *maintenanceWindowModel) diag.Diagnostics {
	var diags diag.Diagnostics
	b, err := appcat.Block[appcat.Maintenance](claim, "maintenance")
	if err != nil {
		diags.AddError("Could not read the maintenance window", err.Error())
		return diags
	}
	if b == nil {
		b = &appcat.Maintenance{}
	}
	m.DayOfWeek = stringPtrOrNull(b.DayOfWeek)
	m.TimeOfDay = stringPtrOrNull(b.TimeOfDay)
	m.PinImageTag = stringPtrOrNull(b.PinImageTag)
	m.DisableAppcatRelease = boolOr(b.DisableAppcatRelease, false)
	m.EffectiveDayOfWeek, m.EffectiveTimeOfDay = types.StringNull(), types.StringNull()
	if s := claim.Status.Schedules; s != nil && s.Maintenance != nil {
		m.EffectiveDayOfWeek = stringPtrOrNull(s.Maintenance.DayOfWeek)
		m.EffectiveTimeOfDay = stringPtrOrNull(s.Maintenance.TimeOfDay)
	}
	return diags
}
