package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The PostgreSQL kind: its attributes and their mapping to VSHNPostgreSQL's spec.parameters.

// postgresqlModel is appcat_postgresql's model: the common attributes plus PostgreSQL's own.
type postgresqlModel struct {
	instanceModel
	sizeModel
	networkModel
	Backend                   types.String `tfsdk:"backend"`
	Settings                  types.Map    `tfsdk:"settings"`
	PgBouncerSettings         types.Map    `tfsdk:"pgbouncer_settings"`
	Extensions                types.List   `tfsdk:"extensions"`
	TLSEnabled                types.Bool   `tfsdk:"tls_enabled"`
	RepackEnabled             types.Bool   `tfsdk:"repack_enabled"`
	VacuumEnabled             types.Bool   `tfsdk:"vacuum_enabled"`
	ReplicationMode           types.String `tfsdk:"replication_mode"`
	EncryptionEnabled         types.Bool   `tfsdk:"encryption_enabled"`
	UpdateStrategy            types.String `tfsdk:"update_strategy"`
	DisablePgBouncer          types.Bool   `tfsdk:"disable_pgbouncer"`
	EnableEnvoy               types.Bool   `tfsdk:"enable_envoy"`
	DedicatedPatroniResources types.Bool   `tfsdk:"dedicated_patroni_resources"`
}

type postgresqlExtensionModel struct {
	Name  types.String `tfsdk:"name"`
	Image types.String `tfsdk:"image"`
}

var postgresqlExtensionAttrTypes = map[string]attr.Type{"name": types.StringType, "image": types.StringType}

// PostgreSQL backends: the user-facing names of the platform's compositions.
const (
	backendCloudNativePG = "cloudnativepg"
	backendStackGres     = "stackgres"
)

var postgresqlBackends = map[string]string{
	backendCloudNativePG: appcat.CompositionPostgreSQLCNPG,
	backendStackGres:     appcat.CompositionPostgreSQLStackGres,
}

// NewPostgreSQLResource is appcat_postgresql.
func NewPostgreSQLResource() resource.Resource { return newInstanceResource(postgresqlKind{}) }

// NewPostgreSQLDataSource is the appcat_postgresql data source.
func NewPostgreSQLDataSource() datasource.DataSource { return newInstanceDataSource(postgresqlKind{}) }

type postgresqlKind struct{}

func (postgresqlKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "postgresql",
		api:                appcat.PostgreSQL,
		displayName:        "PostgreSQL",
		description:        postgresqlDescription,
		versions:           []string{"12", "13", "14", "15", "16", "17", "18"},
		defaultVersion:     "15",
		versionPath:        "spec.parameters.service.majorVersion",
		versionReportedAs:  "; the major version, or the pinned image tag on CloudNativePG",
		majorOf:            wholeVersionIsMajor,
		instances:          []validator.Int64{int64validator.Between(0, 3)},
		defaultInstances:   1,
		haInstances:        2,
		defaultComposition: appcat.CompositionPostgreSQLCNPG,
		instancesDoc: "Number of PostgreSQL instances: 1 (default), 2, 3 or 0. More than one makes the service highly available " +
			"with replication (see `replication_mode`).",
		connectionAffectedBy:  []path.Path{path.Root("service_type")},
		pinnedTagFollowsMajor: true,
		dropUserSQL:           postgresqlDropUserSQL,
	}
}

var postgresqlDescription = instanceDescription("PostgreSQL", appcat.PostgreSQL,
	"Backups, maintenance windows and database users are managed by their own resources.")

func (postgresqlKind) common(m *postgresqlModel) *instanceModel { return &m.instanceModel }

const postgresqlDefaultPlan = "standard-2"

func (postgresqlKind) attributes() map[string]schema.Attribute {
	return mergeAttributes(sizeAttributes(postgresqlDefaultPlan), networkAttributes(), map[string]schema.Attribute{
		"backend": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Implementation behind the instance (`spec.compositionRef`): `cloudnativepg` (the default for new instances) " +
				"or `stackgres` (end of life 2026-08-31). Changing it replaces the instance.",
			Default:       stringdefault.StaticString(backendCloudNativePG),
			Validators:    []validator.String{stringvalidator.OneOf(backendCloudNativePG, backendStackGres)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"settings": schema.MapAttribute{
			Optional:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "PostgreSQL settings (`postgresql.conf` parameters), e.g. `{ max_connections = \"200\" }`.",
			Validators:          mapNotEmpty(),
		},
		"pgbouncer_settings": schema.MapAttribute{
			Optional:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "PgBouncer settings (StackGres).",
			Validators:          mapNotEmpty(),
		},
		"extensions": schema.ListNestedAttribute{
			Optional:            true,
			MarkdownDescription: "PostgreSQL extensions to enable.",
			Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, MarkdownDescription: "Extension name, e.g. `pg_stat_statements`.",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"image": schema.StringAttribute{Optional: true, MarkdownDescription: "Image with the extension (CloudNativePG and PostgreSQL 18 or newer only).",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			}},
		},
		"tls_enabled":    boolWithDefault("Require TLS for connections. Defaults to `true`.", true),
		"repack_enabled": boolWithDefault("Run `pg_repack` during maintenance. Defaults to `true`. Not both `repack_enabled` and `vacuum_enabled` can be `false`.", true),
		"vacuum_enabled": boolWithDefault("Run `VACUUM` during maintenance. Defaults to `false`.", false),
		"replication_mode": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Replication mode with more than one instance: `async`, `sync` or `strict-sync`.",
			Validators:          []validator.String{stringvalidator.OneOf("async", "sync", "strict-sync")},
		},
		"encryption_enabled": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Encrypt the instance's volumes. Can only be chosen at creation: changing it replaces the instance.",
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"update_strategy": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "When configuration changes that need a restart are rolled out: `Immediate` (default) or `OnRestart`.",
			Default:             stringdefault.StaticString("Immediate"),
			Validators:          []validator.String{stringvalidator.OneOf("Immediate", "OnRestart")},
		},
		"disable_pgbouncer":           boolWithDefault("Disable PgBouncer (StackGres). Defaults to `false`.", false),
		"enable_envoy":                boolWithDefault("Enable the Envoy sidecar (StackGres). Defaults to `false`.", false),
		"dedicated_patroni_resources": boolWithDefault("Give Patroni its own resources (StackGres). Defaults to `false`.", false),
	})
}

func (k postgresqlKind) expand(ctx context.Context, m *postgresqlModel) (appcat.PostgreSQLParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := &m.instanceModel
	cp := expandCommon(ctx, c, &diags)
	p := appcat.PostgreSQLParameters{
		Service: &appcat.PostgreSQLService{
			MajorVersion:              cp.Version,
			PgSettings:                expandAnyMap(ctx, m.Settings, &diags),
			PgBouncerSettings:         expandAnyMap(ctx, m.PgBouncerSettings, &diags),
			ServiceLevel:              cp.ServiceLevel,
			RepackEnabled:             boolPtr(m.RepackEnabled),
			VacuumEnabled:             boolPtr(m.VacuumEnabled),
			TLS:                       &appcat.TLS{Enabled: boolPtr(m.TLSEnabled)},
			DisablePgBouncer:          boolPtr(m.DisablePgBouncer),
			EnableEnvoy:               boolPtr(m.EnableEnvoy),
			DedicatedPatroniResources: boolPtr(m.DedicatedPatroniResources),
		},
		Size:       m.sizeModel.expand(),
		Instances:  cp.Instances,
		Network:    m.networkModel.expand(ctx, &diags),
		Security:   cp.Security,
		Scheduling: cp.Scheduling,
		Restore:    expandRestore(ctx, c.Restore, &diags),
		Monitoring: cp.Monitoring,
	}
	p.AdditionalResources = expandAdditionalResources(c)
	if mode := stringPtr(m.ReplicationMode); mode != nil {
		p.Replication = &appcat.PostgreSQLReplication{Mode: mode}
	}
	if enc := boolPtr(m.EncryptionEnabled); enc != nil {
		p.Encryption = &appcat.PostgreSQLEncryption{Enabled: enc}
	}
	if s := stringPtr(m.UpdateStrategy); s != nil {
		p.UpdateStrategy = &appcat.UpdateStrategy{Type: s}
	}
	if !m.Extensions.IsNull() && !m.Extensions.IsUnknown() {
		var exts []postgresqlExtensionModel
		diags.Append(m.Extensions.ElementsAs(ctx, &exts, false)...)
		for _, e := range exts {
			p.Service.Extensions = append(p.Service.Extensions, appcat.PostgreSQLExtension{Name: e.Name.ValueString(), Image: e.Image.ValueString()})
		}
	}
	return p, postgresqlBackends[m.Backend.ValueString()], diags
}

func (k postgresqlKind) flatten(_ context.Context, claim *appcat.PostgreSQLClaim, m *postgresqlModel) diag.Diagnostics {
	var diags diag.Diagnostics
	c := &m.instanceModel
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.PostgreSQLService{}
	}
	flattenCommon(k.descriptor(), c, commonParams{Version: svc.MajorVersion, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Restore: p.Restore, Monitoring: p.Monitoring})
	c.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.sizeModel.flatten(p.Size, postgresqlDefaultPlan)
	m.networkModel.flatten(p.Network)

	m.Backend = types.StringValue(backendCloudNativePG)
	if ref := claim.Spec.CompositionRef; ref != nil && ref.Name != "" {
		m.Backend = types.StringValue(ref.Name) // an unknown composition shows as it is
		for backend, composition := range postgresqlBackends {
			if composition == ref.Name {
				m.Backend = types.StringValue(backend)
			}
		}
	}
	m.Settings = flattenAnyMap(svc.PgSettings)
	m.PgBouncerSettings = flattenAnyMap(svc.PgBouncerSettings)
	m.Extensions = types.ListNull(types.ObjectType{AttrTypes: postgresqlExtensionAttrTypes})
	if len(svc.Extensions) > 0 {
		exts := make([]postgresqlExtensionModel, len(svc.Extensions))
		for i, e := range svc.Extensions {
			exts[i] = postgresqlExtensionModel{Name: types.StringValue(e.Name), Image: stringOrNull(e.Image)}
		}
		list, ds := types.ListValueFrom(context.Background(), types.ObjectType{AttrTypes: postgresqlExtensionAttrTypes}, exts)
		diags.Append(ds...)
		m.Extensions = list
	}
	tls := svc.TLS
	if tls == nil {
		tls = &appcat.TLS{}
	}
	m.TLSEnabled = boolOr(tls.Enabled, true)
	m.RepackEnabled = boolOr(svc.RepackEnabled, true)
	m.VacuumEnabled = boolOr(svc.VacuumEnabled, false)
	m.DisablePgBouncer = boolOr(svc.DisablePgBouncer, false)
	m.EnableEnvoy = boolOr(svc.EnableEnvoy, false)
	m.DedicatedPatroniResources = boolOr(svc.DedicatedPatroniResources, false)
	m.ReplicationMode = types.StringNull()
	if p.Replication != nil {
		m.ReplicationMode = stringPtrOrNull(p.Replication.Mode)
	}
	m.EncryptionEnabled = types.BoolNull()
	if p.Encryption != nil {
		m.EncryptionEnabled = boolPtrOrNull(p.Encryption.Enabled)
	}
	m.UpdateStrategy = types.StringValue("Immediate")
	if p.UpdateStrategy != nil {
		m.UpdateStrategy = stringOr(p.UpdateStrategy.Type, "Immediate")
	}
	return diags
}

func (k postgresqlKind) validatePlan(ctx context.Context, plan, state *postgresqlModel, diags *diag.Diagnostics) {
	if plan.Backend.ValueString() == backendStackGres {
		warnGatewayUnrouted(plan.ServiceType, "the StackGres backend", diags)
	}
	validateRestore(ctx, plan.Restore, plan.Name, postgresqlRestoreRules(plan.Backend.ValueString()), diags)
	if !plan.RepackEnabled.IsUnknown() && !plan.VacuumEnabled.IsUnknown() && !plan.RepackEnabled.ValueBool() && !plan.VacuumEnabled.ValueBool() {
		diags.AddAttributeError(path.Root("repack_enabled"), "Repack and vacuum cannot both be off",
			"The platform needs at least one of repack_enabled and vacuum_enabled to keep tables healthy; enable one of them.")
	}
	if !plan.Extensions.IsNull() && !plan.Extensions.IsUnknown() {
		var exts []postgresqlExtensionModel
		diags.Append(plan.Extensions.ElementsAs(ctx, &exts, false)...)
		major, _ := strconv.Atoi(plan.Version.ValueString())
		for i, e := range exts {
			if e.Image.IsNull() || e.Image.IsUnknown() {
				continue
			}
			if plan.Backend.ValueString() != backendCloudNativePG || major < 18 {
				diags.AddAttributeError(path.Root("extensions").AtListIndex(i).AtName("image"), "Extension images need CloudNativePG and PostgreSQL 18",
					fmt.Sprintf("extensions[%d].image: extension images are only available with backend = %q and version 18 or newer (here: backend %q, version %s).",
						i, backendCloudNativePG, plan.Backend.ValueString(), plan.Version.ValueString()))
			}
		}
	}
	if state == nil {
		return
	}
	checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
	if plan.Backend.ValueString() == backendStackGres && state.Backend.ValueString() == backendStackGres &&
		!plan.Version.IsUnknown() && plan.Version.ValueString() != state.Version.ValueString() &&
		slices.Index(k.descriptor().versions, plan.Version.ValueString()) > slices.Index(k.descriptor().versions, state.Version.ValueString()) {
		from, to := state.Version.ValueString(), plan.Version.ValueString()
		diags.AddAttributeError(path.Root("version"), "Major version upgrade not possible on StackGres",
			fmt.Sprintf("This instance runs on the StackGres backend, which cannot upgrade the major version (version %s → %s); "+
				"the platform upgrades major versions on CloudNativePG only. allow_major_version_upgrade does not change that. Nothing was changed.\n\n"+
				"Keep version = %q, or create a new instance with backend = %q and version = %q and move the data to it (e.g. with pg_dump and pg_restore).",
				from, to, from, backendCloudNativePG, to))
	}
}
