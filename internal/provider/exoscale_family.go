package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The Exoscale DBaaS family: AppCat claims in group exoscale.appcat.vshn.io that order a database
// from Exoscale (vshn/appcat apis/exoscale/v1). The five kinds share their shape — zone, Exoscale
// plan, IP filter, Exoscale's maintenance window, backup time and the service's settings — so they
// are one serviceKind type, exoscaleKind, with a value per kind (exoscale_<kind>_resource.go).
// Their claims have none of AppCat's VSHN blocks, so the family's descriptors lack the common
// attributes that map to them (descriptor.lacks).

// exoscaleModel is the model of every Exoscale kind: the common attributes plus the family's.
type exoscaleModel struct {
	instanceModel
	Zone                 types.String `tfsdk:"zone"`
	Plan                 types.String `tfsdk:"plan"`
	IPFilter             types.List   `tfsdk:"ip_filter"`
	MaintenanceDayOfWeek types.String `tfsdk:"maintenance_day_of_week"`
	MaintenanceTimeOfDay types.String `tfsdk:"maintenance_time_of_day"`
	BackupTimeOfDay      types.String `tfsdk:"backup_time_of_day"`
	Settings             types.String `tfsdk:"settings"`
}

// exoscaleKind describes one Exoscale kind; its methods are the family's mapping.
type exoscaleKind struct {
	typeName, displayName string
	api                   appcat.Kind
	composition           string
	// about is the kind's part of the resource description.
	about string
	// versionField is the spec.parameters.service field with the version: "majorVersion",
	// "version" (Kafka), or "" (Redis: no version). versions and defaultVersion as in the XRD.
	versionField   string
	versions       []string
	defaultVersion string
	majorOf        func(string) string
	// versionReportedAs says, for docs, what the kind's version status field holds, where its
	// api reports one (Kafka's status.version).
	versionReportedAs string
	// defaultPlan is the XRD's default of spec.parameters.size.plan.
	defaultPlan string
	// backup: the kind has spec.parameters.backup.timeOfDay (not Redis and Kafka).
	backup bool
	// settingsField is the spec.parameters.service field of the service's settings, e.g.
	// pgSettings; settings picks it from the service block.
	settingsField string
	settings      func(*appcat.ExoscaleService) *map[string]any
	// connectionAffectedBy are the attributes whose change changes the connection details
	// besides the zone, which replaces the instance (Kafka: the plan sets the number of brokers).
	connectionAffectedBy []path.Path
}

// Defaults and rules the Exoscale XRDs share (apis/exoscale/v1/dbaas_exoscale.go).
const (
	exoscaleDefaultZone            = "ch-gva-2"
	exoscaleDefaultMaintenanceDay  = "tuesday"
	exoscaleDefaultMaintenanceTime = "22:30:00"
	exoscaleDefaultBackupTime      = "21:30:00"
)

var (
	exoscaleZones     = []string{"ch-gva-2", "ch-dk-2", "de-fra-1", "de-muc-1", "at-vie-1", "bg-sof-1"}
	exoscaleDays      = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "never"}
	exoscaleTimeOfDay = regexp.MustCompile(`^([0-1]?[0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])$`)
	exoscalePlanName  = regexp.MustCompile(`^[a-z]+(-[0-9]+x)?-[0-9]+$`)
)

func (k exoscaleKind) descriptor() kindDescriptor {
	lacks := append([]string{}, withoutVSHNBlocks...)
	if k.versionField == "" {
		lacks = append(lacks, "version", "current_version", "allow_major_version_upgrade")
	}
	if !k.backup {
		lacks = append(lacks, "backup_time_of_day")
	}
	return kindDescriptor{
		typeName:             k.typeName,
		api:                  k.api,
		displayName:          k.displayName,
		description:          instanceDescription(k.displayName, k.api, k.about+"\n\n"+exoscaleFamilyDoc),
		versions:             k.versions,
		defaultVersion:       k.defaultVersion,
		versionPath:          "spec.parameters.service." + k.versionField,
		versionReportedAs:    k.versionReportedAs,
		majorOf:              k.majorOf,
		defaultComposition:   k.composition,
		connectionAffectedBy: k.connectionAffectedBy,
		lacks:                lacks,
	}
}

const exoscaleFamilyDoc = "The database runs at Exoscale, not in the cluster: AppCat orders it through Exoscale's API and copies its " +
	"connection details into the connection secret. So, as on AppCat, the instance has none of AppCat's own features: no instance namespace, " +
	"no backups objects, no database users, no maintenance window of AppCat's (`maintenance_day_of_week` and `maintenance_time_of_day` are " +
	"Exoscale's), no metrics targets, no SLA and no alerting; `appcat_backup_policy`, `appcat_maintenance_window`, `appcat_database_user`, " +
	"`appcat_backups`, `appcat_metrics_endpoint` and `appcat_sla_report` refuse it at plan time. The claim has no deletion protection either: " +
	"`terraform destroy` deletes the database at Exoscale, with its data and Exoscale's backups."

func (exoscaleKind) common(m *exoscaleModel) *instanceModel { return &m.instanceModel }

func (k exoscaleKind) attributes() map[string]schema.Attribute {
	ipFilter := networkAttributes()["ip_filter"].(schema.ListAttribute) //nolint:forcetypeassert // networkAttributes' ip_filter is a list
	ipFilter.MarkdownDescription = "IPv4 ranges (CIDR) allowed to connect (`spec.parameters.network.ipFilter`). Defaults to `[\"0.0.0.0/0\"]`, as on " +
		"the platform: the whole internet. Exoscale refuses every other address."
	plan := planAttribute(k.defaultPlan, "")
	plan.MarkdownDescription = fmt.Sprintf("Exoscale's plan for %s (`spec.parameters.size.plan`), e.g. `%s` or `business-8`: "+
		"Exoscale's plans, not AppCat's size plans. Defaults to `%s`, as on the platform. The `appcat_catalog` data source lists the plans the "+
		"cluster offers, and the plan is checked against that list when the provider can read it. A change applies in place.", k.displayName, k.defaultPlan, k.defaultPlan)
	plan.Validators = []validator.String{stringvalidator.RegexMatches(exoscalePlanName, "must be a plan name of Exoscale, e.g. startup-4")}
	attrs := map[string]schema.Attribute{
		"zone": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Exoscale zone the database runs in (`spec.parameters.service.zone`): one of %s. Defaults to `%s`, as on the platform. "+
				"Changing it replaces the instance: a new database in the new zone, without the data.", quoteList(exoscaleZones), exoscaleDefaultZone),
			Default:       stringdefault.StaticString(exoscaleDefaultZone),
			Validators:    []validator.String{stringvalidator.OneOf(exoscaleZones...)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"plan":      plan,
		"ip_filter": ipFilter,
		"maintenance_day_of_week": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Day of Exoscale's weekly maintenance window (`spec.parameters.maintenance.dayOfWeek`): one of %s; "+
				"`never` turns Exoscale's maintenance off. Defaults to `%s`, as on the platform.", quoteList(exoscaleDays), exoscaleDefaultMaintenanceDay),
			Default:    stringdefault.StaticString(exoscaleDefaultMaintenanceDay),
			Validators: []validator.String{stringvalidator.OneOf(exoscaleDays...)},
		},
		"maintenance_time_of_day": exoscaleTimeAttribute("Start of Exoscale's weekly maintenance window, UTC, `hh:mm:ss` (`spec.parameters.maintenance.timeOfDay`).",
			exoscaleDefaultMaintenanceTime),
		"backup_time_of_day": exoscaleTimeAttribute("Time of Exoscale's daily backup, UTC, `hh:mm:ss` (`spec.parameters.backup.timeOfDay`).",
			exoscaleDefaultBackupTime),
		"settings": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("%s settings as a JSON object (`spec.parameters.service.%s`), passed to Exoscale as they are, e.g. "+
				"`jsonencode({ ... })`. Exoscale's documentation lists the settings it takes. A change applies in place.", k.displayName, k.settingsField),
			Validators: []validator.String{jsonObjectValidator{}},
		},
	}
	if k.versionField != "" {
		attrs["version"] = exoscaleVersionAttribute(k)
	}
	return attrs
}

func exoscaleTimeAttribute(doc, def string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: doc + " Defaults to `" + def + "`, as on the platform.",
		Default:             stringdefault.StaticString(def),
		Validators:          []validator.String{stringvalidator.RegexMatches(exoscaleTimeOfDay, "must be a time of day as hh:mm:ss, e.g. "+def)},
	}
}

// exoscaleVersionAttribute is the common version attribute, documented for Exoscale, who runs
// the version and applies its patch releases.
func exoscaleVersionAttribute(k exoscaleKind) schema.StringAttribute {
	a := commonAttributes(k.descriptor())["version"].(schema.StringAttribute) //nolint:forcetypeassert // the common version is a string
	a.MarkdownDescription = fmt.Sprintf("%s version (`spec.parameters.service.%s`): one of %s. Defaults to `%s`, as on the platform. "+
		"Changing it upgrades the database at Exoscale in place; the version can only go up, and a major upgrade needs "+
		"`allow_major_version_upgrade = true`. Exoscale applies patch releases in its maintenance window.",
		k.displayName, k.versionField, quoteList(k.versions), k.defaultVersion)
	return a
}

func (k exoscaleKind) expand(ctx context.Context, m *exoscaleModel) (appcat.ExoscaleParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	svc := &appcat.ExoscaleService{Zone: stringPtr(m.Zone)}
	switch k.versionField {
	case "majorVersion":
		svc.MajorVersion = stringPtr(m.Version)
	case "version":
		svc.Version = stringPtr(m.Version)
	}
	if s := m.Settings.ValueString(); s != "" {
		var settings map[string]any
		if err := json.Unmarshal([]byte(s), &settings); err != nil {
			diags.AddAttributeError(path.Root("settings"), "Invalid settings", err.Error())
		}
		*k.settings(svc) = settings
	}
	p := appcat.ExoscaleParameters{
		Service: svc,
		Size:    &appcat.ExoscaleSize{Plan: stringPtr(m.Plan)},
		Network: &appcat.ExoscaleNetwork{IPFilter: expandStringList(ctx, m.IPFilter, &diags)},
		Maintenance: &appcat.ExoscaleMaintenance{
			DayOfWeek: stringPtr(m.MaintenanceDayOfWeek),
			TimeOfDay: stringPtr(m.MaintenanceTimeOfDay),
		},
	}
	if k.backup {
		p.Backup = &appcat.ExoscaleBackup{TimeOfDay: stringPtr(m.BackupTimeOfDay)}
	}
	return p, "", diags
}

func (k exoscaleKind) flatten(_ context.Context, claim *appcat.ExoscaleClaim, m *exoscaleModel) diag.Diagnostics {
	var diags diag.Diagnostics
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.ExoscaleService{}
	}
	m.Zone = stringOr(svc.Zone, exoscaleDefaultZone)
	switch k.versionField {
	case "majorVersion":
		m.Version = stringOr(svc.MajorVersion, k.defaultVersion)
	case "version":
		m.Version = stringOr(svc.Version, k.defaultVersion)
	}
	m.Settings = flattenJSONObject(*k.settings(svc), m.Settings, &diags)

	size := p.Size
	if size == nil {
		size = &appcat.ExoscaleSize{}
	}
	m.Plan = stringOr(size.Plan, k.defaultPlan)
	ipFilter := defaultIPFilter
	if p.Network != nil && len(p.Network.IPFilter) > 0 {
		ipFilter = p.Network.IPFilter
	}
	m.IPFilter = flattenStringList(ipFilter)
	mw := p.Maintenance
	if mw == nil {
		mw = &appcat.ExoscaleMaintenance{}
	}
	m.MaintenanceDayOfWeek = stringOr(mw.DayOfWeek, exoscaleDefaultMaintenanceDay)
	m.MaintenanceTimeOfDay = stringOr(mw.TimeOfDay, exoscaleDefaultMaintenanceTime)
	m.BackupTimeOfDay = types.StringNull()
	if k.backup {
		b := p.Backup
		if b == nil {
			b = &appcat.ExoscaleBackup{}
		}
		m.BackupTimeOfDay = stringOr(b.TimeOfDay, exoscaleDefaultBackupTime)
	}
	return diags
}

func (exoscaleKind) validatePlan(context.Context, *exoscaleModel, *exoscaleModel, *diag.Diagnostics) {
}

// flattenJSONObject reads a free object of the claim back as JSON: the prior value where it means
// the same (so the user's formatting stays), else the object in canonical form; null without one.
func flattenJSONObject(live map[string]any, prior types.String, diags *diag.Diagnostics) types.String {
	if len(live) == 0 {
		return types.StringNull()
	}
	raw, err := json.Marshal(live)
	if err != nil {
		diags.AddError("Could not encode the settings", err.Error())
		return types.StringNull()
	}
	if s := prior.ValueString(); s != "" && sameJSON(s, string(raw)) {
		return prior
	}
	return types.StringValue(string(raw))
}
