package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The Nextcloud kind: its attributes and their mapping to VSHNNextcloud's spec.parameters
// (vshn/appcat apis/vshn/v1/vshn_nextcloud.go; the webhook's rules in
// pkg/controller/webhooks/nextcloud.go).

// nextcloudModel is appcat_nextcloud's model: the common attributes plus Nextcloud's own.
type nextcloudModel struct {
	instanceModel
	sizeModel
	FQDN             types.List   `tfsdk:"fqdn"`
	RelativePath     types.String `tfsdk:"relative_path"`
	CollaboraEnabled types.Bool   `tfsdk:"collabora_enabled"`
	CollaboraFQDN    types.String `tfsdk:"collabora_fqdn"`
	CollaboraVersion types.String `tfsdk:"collabora_version"`

	UseExternalPostgreSQL    types.Bool   `tfsdk:"use_external_postgresql"`
	ExistingPostgreSQLSecret types.String `tfsdk:"existing_postgresql_connection_secret"`
	PostgreSQLVersion        types.String `tfsdk:"postgresql_version"`
	PostgreSQLPlan           types.String `tfsdk:"postgresql_plan"`
	PostgreSQLCPU            types.String `tfsdk:"postgresql_cpu"`
	PostgreSQLMemory         types.String `tfsdk:"postgresql_memory"`
	PostgreSQLDisk           types.String `tfsdk:"postgresql_disk"`
	PostgreSQLSettings       types.Map    `tfsdk:"postgresql_settings"`
}

type nextcloudKind struct{}

const (
	nextcloudDefaultPlan         = "standard-2"
	nextcloudDefaultRelativePath = "/"
	// The nested VSHNPostgreSQL's default major version (its CRD's service.majorVersion default).
	nextcloudDefaultPostgreSQLVersion = "15"
	collaboraHostDoc                  = "Host of the Collabora Online server inside the cluster (`COLLABORA_HOST`), while Nextcloud's " +
		"`collabora_enabled` is true. Null where the platform does not write it."
)

// nextcloudVersion is the webhook's and CRD's rule: a major or major.minor version; a patch
// version would break maintenance, which moves to the newest patch release itself.
var nextcloudVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// dnsName is govalidator's IsDNSName, which AppCat's webhook applies to every FQDN.
var dnsName = regexp.MustCompile(`^([a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62}){1}(\.[a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62})*[\._]?$`)

func (nextcloudKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:          "nextcloud",
		api:               appcat.Nextcloud,
		displayName:       "Nextcloud",
		description:       nextcloudDescription,
		versions:          []string{"30", "31", "32"},
		defaultVersion:    "31",
		versionPattern:    nextcloudVersion,
		versionPatternDoc: "a major (`31`) or major.minor (`31.0`) version, not a patch version (maintenance moves to the newest patch release)",
		versionPath:       "spec.parameters.service.version",
		versionReportedAs: "; the image tag it runs",
		majorOf:           majorBeforeFirstDot,
		instances:         []validator.Int64{int64validator.Between(0, 1)},
		defaultInstances:  1,
		// The webhook refuses guaranteed with fewer than two instances, and Nextcloud has at most one.
		haInstances:        2,
		defaultComposition: appcat.CompositionNextcloud,
		instancesDoc: "Number of Nextcloud servers: 1 (default) or 0, which suspends the instance. The platform offers no more, " +
			"so `service_level = \"guaranteed\"` (which needs at least two) is not available for Nextcloud.",
		// Collabora adds COLLABORA_HOST; the host depends on the instance namespace alone.
		connectionAffectedBy: []path.Path{path.Root("collabora_enabled")},
	}
}

var nextcloudDescription = instanceDescription("Nextcloud", appcat.Nextcloud,
	"Nextcloud is reachable under the host names in `fqdn` (the platform deploys an ingress for them). The platform writes the "+
		"admin's credentials and the service's host inside the cluster: `connection_details.username` (`admin`), `password` and `host` "+
		"(`NEXTCLOUD_HOST`), and `collabora_host` while Collabora Online is enabled; no port, URL or CA certificate.\n\n"+
		"By default Nextcloud keeps its data in a PostgreSQL instance of its own, which the platform creates and sizes from the "+
		"`postgresql_*` attributes; `existing_postgresql_connection_secret` uses an existing `appcat_postgresql` instead, and "+
		"`use_external_postgresql = false` uses SQLite.\n\n"+
		"Backups and the maintenance window are managed by `appcat_backup_policy` and `appcat_maintenance_window`; the backups "+
		"(`appcat_backups`) are snapshots of the files. A restore into a new instance is not self-service on AppCat, so `restore` is "+
		"refused; Nextcloud has no database users.")

func (nextcloudKind) common(m *nextcloudModel) *instanceModel { return &m.instanceModel }

func (nextcloudKind) attributes() map[string]schema.Attribute {
	restore := restoreAttribute()
	restore.MarkdownDescription = "Not available for Nextcloud: AppCat's Nextcloud composition does not act on " +
		"`spec.parameters.restore`; a restore is a support request. A plan that sets it fails."
	pgQuantity := func(doc string) schema.StringAttribute {
		return quantityAttribute(doc + " Used only for the PostgreSQL the platform creates (see `use_external_postgresql`).")
	}
	return mergeAttributes(sizeAttributes(nextcloudDefaultPlan), map[string]schema.Attribute{
		"fqdn": schema.ListAttribute{
			Required:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Host names under which Nextcloud is reachable (`spec.parameters.service.fqdn`), at least one, e.g. " +
				"`[\"cloud.example.com\"]`. The platform deploys an ingress for them and Nextcloud accepts requests for these names only.",
			Validators: []validator.List{listvalidator.SizeAtLeast(1),
				listvalidator.ValueStringsAre(stringvalidator.RegexMatches(dnsName, "must be a valid DNS name"))},
		},
		"relative_path": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Path under which Nextcloud listens (`spec.parameters.service.relativePath`). Defaults to `/`.",
			Default:             stringdefault.StaticString(nextcloudDefaultRelativePath),
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"collabora_enabled": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Deploy a Collabora Online server and configure Nextcloud to use it for office documents " +
				"(`spec.parameters.service.collabora.enabled`). Defaults to `false`. Needs `collabora_fqdn`; while it is true the " +
				"platform writes `connection_details.collabora_host`.",
			Default: booldefault.StaticBool(false),
		},
		"collabora_fqdn": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Host name of the Collabora Online server (`spec.parameters.service.collabora.fqdn`), e.g. `office.example.com`; required with `collabora_enabled`.",
			Validators:          []validator.String{stringvalidator.RegexMatches(dnsName, "must be a valid DNS name")},
		},
		"collabora_version": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Collabora Online version (`spec.parameters.service.collabora.version`): a major (`24`) or major.minor " +
				"(`24.04`) version. Unset, the platform's default image.",
			Validators: []validator.String{stringvalidator.RegexMatches(nextcloudVersion, "must be a major (24) or major.minor (24.04) version")},
		},
		"use_external_postgresql": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Keep Nextcloud's data in PostgreSQL (`spec.parameters.service.useExternalPostgreSQL`): the default, `true`. " +
				"`false` uses the built-in SQLite. Changing the database of an existing Nextcloud can corrupt it.",
			Default: booldefault.StaticBool(true),
		},
		"existing_postgresql_connection_secret": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Name of the connection secret of an existing PostgreSQL instance in the same namespace " +
				"(`spec.parameters.service.existingPGConnectionSecret`), e.g. an `appcat_database_user`'s `connection_secret_name`, " +
				"to use instead of a PostgreSQL of Nextcloud's own. Takes precedence over the `postgresql_*` attributes; only used with " +
				"`use_external_postgresql = true`. Changing it for an existing Nextcloud can corrupt it.",
			Validators: []validator.String{stringvalidator.LengthBetween(1, 253)},
		},
		"postgresql_version": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Major version of the PostgreSQL the platform creates for Nextcloud " +
				"(`spec.parameters.service.postgreSQLParameters.service.majorVersion`): `12` to `18`. Defaults to `" + nextcloudDefaultPostgreSQLVersion + "`.",
			Default:    stringdefault.StaticString(nextcloudDefaultPostgreSQLVersion),
			Validators: []validator.String{stringvalidator.OneOf("12", "13", "14", "15", "16", "17", "18")},
		},
		"postgresql_plan": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Size plan of Nextcloud's PostgreSQL (`spec.parameters.service.postgreSQLParameters.size.plan`), " +
				"one of the cluster's PostgreSQL plans; unset, the platform's default.",
			Validators: []validator.String{stringvalidator.LengthBetween(1, 63),
				stringvalidator.RegexMatches(dnsLabel, "must be a plan name: lowercase letters, digits and '-', e.g. standard-4")},
		},
		"postgresql_cpu":    pgQuantity("CPU limit of Nextcloud's PostgreSQL, e.g. `1`."),
		"postgresql_memory": pgQuantity("Memory limit of Nextcloud's PostgreSQL, e.g. `2Gi`."),
		"postgresql_disk":   pgQuantity("Disk of Nextcloud's PostgreSQL, e.g. `40Gi`; it can only grow."),
		"postgresql_settings": stringMapAttribute("PostgreSQL settings (`postgresql.conf` parameters) of Nextcloud's PostgreSQL " +
			"(`spec.parameters.service.postgreSQLParameters.service.pgSettings`), e.g. `{ work_mem = \"16MB\" }`. The platform sets " +
			"Nextcloud's own (e.g. `max_connections`) on top."),
		"restore": restore,
	})
}

func (nextcloudKind) expand(ctx context.Context, m *nextcloudModel) (appcat.NextcloudParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	pg := &appcat.PostgreSQLParameters{
		Service: &appcat.PostgreSQLService{
			MajorVersion: stringPtr(m.PostgreSQLVersion),
			PgSettings:   expandAnyMap(ctx, m.PostgreSQLSettings, &diags),
		},
	}
	if size := (appcat.Size{Plan: stringPtr(m.PostgreSQLPlan), CPU: stringPtr(m.PostgreSQLCPU), Memory: stringPtr(m.PostgreSQLMemory),
		Disk: stringPtr(m.PostgreSQLDisk)}); size != (appcat.Size{}) {
		pg.Size = &size
	}
	p := appcat.NextcloudParameters{
		Service: &appcat.NextcloudService{
			FQDN:         expandStringList(ctx, m.FQDN, &diags),
			RelativePath: stringPtr(m.RelativePath),
			Version:      cp.Version,
			ServiceLevel: cp.ServiceLevel,
			Collabora: &appcat.NextcloudCollab{Enabled: m.CollaboraEnabled.ValueBool(), FQDN: stringPtr(m.CollaboraFQDN),
				Version: stringPtr(m.CollaboraVersion)},
			UseExternalPostgreSQL:      boolPtr(m.UseExternalPostgreSQL),
			ExistingPGConnectionSecret: stringPtr(m.ExistingPostgreSQLSecret),
			PostgreSQLParameters:       pg,
		},
		Size:       m.sizeModel.expand(),
		Instances:  cp.Instances,
		Security:   cp.Security,
		Scheduling: cp.Scheduling,
		Monitoring: cp.Monitoring,
	}
	p.AdditionalResources = expandAdditionalResources(&m.instanceModel)
	return p, "", diags
}

func (k nextcloudKind) flatten(_ context.Context, claim *appcat.NextcloudClaim, m *nextcloudModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.NextcloudService{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Version: svc.Version, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Restore: p.Restore, Monitoring: p.Monitoring})
	m.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.sizeModel.flatten(p.Size, nextcloudDefaultPlan)
	m.FQDN = flattenStringList(svc.FQDN)
	m.RelativePath = stringOr(svc.RelativePath, nextcloudDefaultRelativePath)
	collabora := svc.Collabora
	if collabora == nil {
		collabora = &appcat.NextcloudCollab{}
	}
	m.CollaboraEnabled = types.BoolValue(collabora.Enabled)
	m.CollaboraFQDN, m.CollaboraVersion = stringPtrOrNull(collabora.FQDN), stringPtrOrNull(collabora.Version)
	m.UseExternalPostgreSQL = boolOr(svc.UseExternalPostgreSQL, true)
	m.ExistingPostgreSQLSecret = stringPtrOrNull(svc.ExistingPGConnectionSecret)
	pg := svc.PostgreSQLParameters
	if pg == nil {
		pg = &appcat.PostgreSQLParameters{}
	}
	pgService, pgSize := pg.Service, pg.Size
	if pgService == nil {
		pgService = &appcat.PostgreSQLService{}
	}
	if pgSize == nil {
		pgSize = &appcat.Size{}
	}
	m.PostgreSQLVersion = stringOr(pgService.MajorVersion, nextcloudDefaultPostgreSQLVersion)
	m.PostgreSQLSettings = flattenAnyMap(pgService.PgSettings)
	m.PostgreSQLPlan, m.PostgreSQLCPU = stringPtrOrNull(pgSize.Plan), stringPtrOrNull(pgSize.CPU)
	m.PostgreSQLMemory, m.PostgreSQLDisk = stringPtrOrNull(pgSize.Memory), stringPtrOrNull(pgSize.Disk)
	return nil
}

func (nextcloudKind) validatePlan(ctx context.Context, plan, state *nextcloudModel, diags *diag.Diagnostics) {
	validateRestore(ctx, plan.Restore, plan.Name, restoreRules{what: "Nextcloud",
		selfHelp: "Remove restore; the backups (appcat_backups) name the snapshots VSHN can restore from."}, diags)
	// The webhook: "Collabora FQDN is required when Collabora is enabled".
	if plan.CollaboraEnabled.ValueBool() && plan.CollaboraFQDN.IsNull() {
		diags.AddAttributeError(path.Root("collabora_fqdn"), "Collabora needs a host name",
			"collabora_enabled = true needs collabora_fqdn, the host name under which the Collabora Online server is reachable, "+
				"as the platform requires it. Set collabora_fqdn or collabora_enabled = false.")
	}
	if state != nil {
		checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
		checkDiskOnlyGrows(path.Root("postgresql_disk"), state.PostgreSQLDisk, plan.PostgreSQLDisk, diags)
	}
}
