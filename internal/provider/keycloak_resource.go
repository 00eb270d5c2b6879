package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The Keycloak kind: its attributes and their mapping to VSHNKeycloak's spec.parameters
// (vshn/appcat apis/vshn/v1/dbaas_vshn_keycloak.go), its nested PostgreSQL instance included.

// keycloakModel is appcat_keycloak's model: the common attributes plus Keycloak's own.
type keycloakModel struct {
	instanceModel
	sizeModel
	tlsModel
	FQDN                         types.String `tfsdk:"fqdn"`
	RelativePath                 types.String `tfsdk:"relative_path"`
	AdminConsolePrivate          types.Bool   `tfsdk:"admin_console_private"`
	AdminConsoleFQDN             types.String `tfsdk:"admin_console_fqdn"`
	CustomizationImage           types.String `tfsdk:"customization_image"`
	CustomizationImagePullSecret types.String `tfsdk:"customization_image_pull_secret"`
	CustomFiles                  types.List   `tfsdk:"custom_files"`
	CustomConfigurationConfigMap types.String `tfsdk:"custom_configuration_config_map"`
	EnvFrom                      types.List   `tfsdk:"env_from"`
	CustomMounts                 types.List   `tfsdk:"custom_mounts"`
	PostgreSQLVersion            types.String `tfsdk:"postgresql_version"`
	PostgreSQLInstances          types.Int64  `tfsdk:"postgresql_instances"`
	PostgreSQLPlan               types.String `tfsdk:"postgresql_plan"`
	PostgreSQLDisk               types.String `tfsdk:"postgresql_disk"`
	PostgreSQLSettings           types.Map    `tfsdk:"postgresql_settings"`
}

type keycloakCustomFileModel struct {
	Source      types.String `tfsdk:"source"`
	Destination types.String `tfsdk:"destination"`
}

type keycloakEnvFromModel struct {
	ConfigMap types.String `tfsdk:"config_map"`
	Secret    types.String `tfsdk:"secret"`
}

type keycloakCustomMountModel struct {
	Name types.String `tfsdk:"name"`
	Type types.String `tfsdk:"type"`
}

var (
	keycloakCustomFileAttrTypes  = map[string]attr.Type{"source": types.StringType, "destination": types.StringType}
	keycloakEnvFromAttrTypes     = map[string]attr.Type{"config_map": types.StringType, "secret": types.StringType}
	keycloakCustomMountAttrTypes = map[string]attr.Type{"name": types.StringType, "type": types.StringType}
)

type keycloakKind struct{}

const (
	keycloakDefaultPlan        = "standard-2"
	keycloakDefaultPath        = "/"
	keycloakDefaultPostgreSQL  = "15"
	keycloakDefaultPGInstances = 1
)

// hostNamePattern is a DNS name as AppCat's webhooks check host names (govalidator IsDNSName):
// labels of letters, digits and '-', separated by dots.
var hostNamePattern = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// absolutePath is a URL path: it starts with a slash.
var absolutePath = regexp.MustCompile(`^/`)

// keycloakRootFolders are Keycloak's own folders, which custom files may not replace
// (vshnkeycloak/deploy.go keycloakRootFolders, checked by pkg/controller/webhooks/keycloak.go).
var keycloakRootFolders = []string{"providers", "themes", "lib", "conf", "bin"}

func (keycloakKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "keycloak",
		api:                appcat.Keycloak,
		displayName:        "Keycloak",
		description:        keycloakDescription,
		versions:           []string{"25", "26"},
		defaultVersion:     "26",
		versionPath:        "spec.parameters.service.version",
		versionReportedAs:  "; the image tag it runs, e.g. `26.1.4`",
		majorOf:            wholeVersionIsMajor,
		instances:          []validator.Int64{int64validator.Between(0, 3)},
		defaultInstances:   1,
		haInstances:        2, // the webhook: guaranteed needs more than one instance
		defaultComposition: appcat.CompositionKeycloak,
		instancesDoc: "Number of Keycloak servers, 0 to 3 (default 1); 0 suspends the instance. Two or more make it highly available " +
			"and are required for the `guaranteed` service level. The connection details do not change with it.",
		// The host is the Helm chart's HTTP service, named after the composite: nothing moves it.
	}
}

var keycloakDescription = instanceDescription("Keycloak", appcat.Keycloak,
	"Keycloak runs with a PostgreSQL instance of its own, configured with the `postgresql_*` attributes. The platform writes the admin "+
		"credentials into the connection details: `username` (`admin`), `password`, `host` (the Keycloak service inside the cluster, "+
		"HTTPS on port 8443) and `ca_certificate`; no URL and no port (the composition writes neither). With `fqdn` set, "+
		"the platform publishes Keycloak under that host name.\n\n"+
		"The maintenance window is managed by `appcat_maintenance_window`. Keycloak's backups are those of its PostgreSQL instance, "+
		"which AppCat lists as `VSHNKeycloakBackup` (the `appcat_backups` data source, under the names of that instance's backups). "+
		"`appcat_backup_policy` sets their schedule and `keep_daily`, the retention the platform passes on to that instance "+
		"(kept as that many days); it refuses the other `keep_*` rules, `enabled = false` and `unmanaged_bucket`, which the platform "+
		"would store and ignore. `restore` creates a new Keycloak from another one's data. Keycloak has no database users and no "+
		"metrics endpoint here.")

func (keycloakKind) common(m *keycloakModel) *instanceModel { return &m.instanceModel }

func (keycloakKind) attributes() map[string]schema.Attribute {
	restore := restoreAttribute()
	restore.MarkdownDescription = keycloakRestoreDoc
	name := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: doc,
			Validators: []validator.String{stringvalidator.LengthBetween(1, 253)}}
	}
	return mergeAttributes(sizeAttributes(keycloakDefaultPlan),
		tlsAttributes("Require clients of Keycloak's service to present a certificate. Defaults to `true`, as on the platform."),
		map[string]schema.Attribute{
			"fqdn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Host name under which the platform publishes Keycloak (an ingress with a certificate), e.g. `sso.example.com`; " +
					"it also becomes Keycloak's strict host name. Without it, Keycloak is reachable inside the cluster only.",
				Validators: []validator.String{stringvalidator.RegexMatches(hostNamePattern, "must be a host name, e.g. sso.example.com")},
			},
			"relative_path": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Path under which Keycloak serves, e.g. `/auth`. Defaults to `/`, as on the platform.",
				Default:             stringdefault.StaticString(keycloakDefaultPath),
				Validators:          []validator.String{stringvalidator.RegexMatches(absolutePath, "must start with /")},
			},
			"admin_console_private": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Do not publish the admin console under `fqdn` (it stays reachable through a port-forward). Defaults to `false`.",
				Default:             booldefault.StaticBool(false),
			},
			"admin_console_fqdn": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "A host name of its own for the admin console, e.g. `sso-admin.example.com`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(hostNamePattern, "must be a host name, e.g. sso-admin.example.com")},
			},
			"customization_image": name("Image with custom themes in `/themes` and providers in `/providers`, copied into Keycloak, " +
				"e.g. `registry.example.com/keycloak-theme:1.0`; other files are copied as `custom_files` says."),
			"customization_image_pull_secret": name("Name of a Secret in `namespace` (the instance's own) to pull `customization_image` with; the platform copies it."),
			"custom_files": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Files or folders copied from `customization_image` into Keycloak (`cp -R`). Needs `customization_image`. " +
					"The destination is relative to `/opt/keycloak/` and may not lie in Keycloak's own folders (" + quoteList(keycloakRootFolders) + ") or contain `..`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"source": schema.StringAttribute{Required: true, MarkdownDescription: "Path in the customization image.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 1024)}},
					"destination": schema.StringAttribute{Required: true, MarkdownDescription: "Path below `/opt/keycloak/`.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 1024)}},
				}},
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.SizeAtMost(64)},
			},
			"custom_configuration_config_map": name("Name of a ConfigMap in `namespace` whose key `keycloak-config.json` holds " +
				"configuration in Keycloak's export format; the platform applies it to the instance."),
			"env_from": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "ConfigMaps and Secrets in `namespace` whose keys become Keycloak's environment variables, " +
					"e.g. for `$(env:NAME)` in the custom configuration. Each entry names one ConfigMap or one Secret.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"config_map": schema.StringAttribute{Optional: true, MarkdownDescription: "Name of a ConfigMap.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 253),
							stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("secret"))}},
					"secret": schema.StringAttribute{Optional: true, MarkdownDescription: "Name of a Secret.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 253)}},
				}},
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"custom_mounts": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Secrets and ConfigMaps in `namespace` that the platform copies and mounts into Keycloak, " +
					"under `/custom/secrets/<name>` or `/custom/configs/<name>`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the Secret or ConfigMap.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 253)}},
					"type": schema.StringAttribute{Required: true, MarkdownDescription: "`secret` or `configMap`.",
						Validators: []validator.String{stringvalidator.OneOf("secret", "configMap")}},
				}},
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"postgresql_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Major version of Keycloak's PostgreSQL instance (`spec.parameters.service.postgreSQLParameters.service.majorVersion`): " +
					quoteList(postgresqlVersionsForKeycloak) + ". Defaults to `" + keycloakDefaultPostgreSQL + "`, as on the platform. It can only go up.",
				Default:    stringdefault.StaticString(keycloakDefaultPostgreSQL),
				Validators: []validator.String{stringvalidator.OneOf(postgresqlVersionsForKeycloak...)},
			},
			"postgresql_instances": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Number of PostgreSQL instances of Keycloak's database, 1 to 3 (default 1); more than one replicate it.",
				Default:             int64default.StaticInt64(keycloakDefaultPGInstances),
				Validators:          []validator.Int64{int64validator.Between(1, 3)},
			},
			"postgresql_plan": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Size plan of Keycloak's PostgreSQL instance, one of the cluster's PostgreSQL plans (see `appcat_catalog`), " +
					"e.g. `standard-4`. Without it the platform's PostgreSQL default applies.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(dnsLabel, "must be a plan name: lowercase letters, digits and '-', e.g. standard-4")},
			},
			"postgresql_disk":     quantityAttribute("Disk of Keycloak's PostgreSQL instance, e.g. `40Gi`; overrides its plan. It can only grow."),
			"postgresql_settings": stringMapAttribute("PostgreSQL settings of Keycloak's database (`pgSettings`), e.g. `{ max_connections = \"200\" }`."),
			"restore":             restore,
		})
}

// keycloakRestoreDoc documents restore for Keycloak, as AppCat does it: the composition hands
// spec.parameters.restore to its nested PostgreSQL instance (claimType XVSHNKeycloak), which the
// installations create on CloudNativePG (component-appcat: defaultPGComposition), and copies the
// source's admin credentials (vshnkeycloak/deploy.go copyKeycloakCredentials).
const keycloakRestoreDoc = "Create this Keycloak from the data of another Keycloak instance in the same namespace " +
	"(`spec.parameters.restore`): the platform restores Keycloak's PostgreSQL instance from the source's PostgreSQL backups, " +
	"which it keeps on CloudNativePG, to `recovery_timestamp` or, without it, to the latest state (the source's continuous backup, " +
	"so `backup_name` is refused; the `appcat_backups` data source shows which times backups cover). The new instance also takes " +
	"the source's admin credentials (`username`, `password`), since Keycloak keeps its admin user in that database. Keep " +
	"`postgresql_version` as the source's: the restore looks for the backups of the new instance's PostgreSQL major version, " +
	"and a source whose PostgreSQL still runs on StackGres (instances from before CloudNativePG became the default) has none there. " +
	"Adding it to an existing instance or changing it replaces the instance; removing it after the restore keeps the instance and its data."

// keycloakRestoreRules: the nested instance on CloudNativePG recovers from the continuous backup.
var keycloakRestoreRules = restoreRules{selfService: true, pointInTime: true, what: "Keycloak"}

// postgresqlVersionsForKeycloak are the majorVersion values of the nested PostgreSQL instance
// (the CRD's enum under service.postgreSQLParameters).
var postgresqlVersionsForKeycloak = []string{"12", "13", "14", "15", "16", "17", "18"}

func (keycloakKind) expand(ctx context.Context, m *keycloakModel) (appcat.KeycloakParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	svc := &appcat.KeycloakService{
		Version:                cp.Version,
		ServiceLevel:           cp.ServiceLevel,
		FQDN:                   stringPtr(m.FQDN),
		RelativePath:           stringPtr(m.RelativePath),
		AdminConsole:           &appcat.KeycloakAdminConsole{Private: boolPtr(m.AdminConsolePrivate), FQDN: stringPtr(m.AdminConsoleFQDN)},
		CustomConfigurationRef: stringPtr(m.CustomConfigurationConfigMap),
		PostgreSQLParameters: &appcat.PostgreSQLParameters{
			Service:   &appcat.PostgreSQLService{MajorVersion: stringPtr(m.PostgreSQLVersion), PgSettings: expandAnyMap(ctx, m.PostgreSQLSettings, &diags)},
			Instances: int64Ptr(m.PostgreSQLInstances),
		},
	}
	if !m.PostgreSQLPlan.IsNull() || !m.PostgreSQLDisk.IsNull() {
		svc.PostgreSQLParameters.Size = &appcat.Size{Plan: stringPtr(m.PostgreSQLPlan), Disk: stringPtr(m.PostgreSQLDisk)}
	}
	if !m.CustomizationImage.IsNull() || !m.CustomizationImagePullSecret.IsNull() {
		svc.CustomizationImage = &appcat.KeycloakCustomizationImage{Image: stringPtr(m.CustomizationImage)}
		if s := stringPtr(m.CustomizationImagePullSecret); s != nil {
			svc.CustomizationImage.ImagePullSecretRef = &appcat.SecretRef{Name: s}
		}
	}
	var files []keycloakCustomFileModel
	listElements(ctx, m.CustomFiles, &files, &diags)
	for _, f := range files {
		svc.CustomFiles = append(svc.CustomFiles, appcat.KeycloakCustomFile{Source: f.Source.ValueString(), Destination: f.Destination.ValueString()})
	}
	var envs []keycloakEnvFromModel
	listElements(ctx, m.EnvFrom, &envs, &diags)
	for _, e := range envs {
		entry := map[string]any{}
		if s := e.ConfigMap.ValueString(); s != "" {
			entry["configMapRef"] = map[string]any{"name": s}
		}
		if s := e.Secret.ValueString(); s != "" {
			entry["secretRef"] = map[string]any{"name": s}
		}
		svc.EnvFrom = append(svc.EnvFrom, entry)
	}
	var mounts []keycloakCustomMountModel
	listElements(ctx, m.CustomMounts, &mounts, &diags)
	for _, mt := range mounts {
		svc.CustomMounts = append(svc.CustomMounts, appcat.KeycloakCustomMount{Name: mt.Name.ValueString(), Type: mt.Type.ValueString()})
	}
	p := appcat.KeycloakParameters{
		Service:    svc,
		Size:       m.sizeModel.expand(),
		Instances:  cp.Instances,
		TLS:        m.tlsModel.expand(),
		Security:   cp.Security,
		Scheduling: cp.Scheduling,
		Monitoring: cp.Monitoring,
		Restore:    expandRestore(ctx, m.Restore, &diags),
	}
	p.AdditionalResources = expandAdditionalResources(&m.instanceModel)
	return p, "", diags
}

// listElements reads a known list attribute into out; a null or unknown list leaves it empty.
func listElements[T any](ctx context.Context, l types.List, out *[]T, diags *diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return
	}
	diags.Append(l.ElementsAs(ctx, out, false)...)
}

func (k keycloakKind) flatten(ctx context.Context, claim *appcat.KeycloakClaim, m *keycloakModel) diag.Diagnostics {
	var diags diag.Diagnostics
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.KeycloakService{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Version: svc.Version, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Restore: p.Restore, Monitoring: p.Monitoring})
	m.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.sizeModel.flatten(p.Size, keycloakDefaultPlan)
	m.tlsModel.flatten(p.TLS)
	m.FQDN = nonEmptyOrNull(svc.FQDN)
	m.RelativePath = stringOr(svc.RelativePath, keycloakDefaultPath)
	console := svc.AdminConsole
	if console == nil {
		console = &appcat.KeycloakAdminConsole{}
	}
	m.AdminConsolePrivate = boolOr(console.Private, false)
	m.AdminConsoleFQDN = nonEmptyOrNull(console.FQDN)
	m.CustomizationImage, m.CustomizationImagePullSecret = types.StringNull(), types.StringNull()
	if img := svc.CustomizationImage; img != nil {
		m.CustomizationImage = nonEmptyOrNull(img.Image)
		if img.ImagePullSecretRef != nil {
			m.CustomizationImagePullSecret = nonEmptyOrNull(img.ImagePullSecretRef.Name)
		}
	}
	m.CustomConfigurationConfigMap = nonEmptyOrNull(svc.CustomConfigurationRef)

	files := make([]keycloakCustomFileModel, len(svc.CustomFiles))
	for i, f := range svc.CustomFiles {
		files[i] = keycloakCustomFileModel{Source: types.StringValue(f.Source), Destination: types.StringValue(f.Destination)}
	}
	m.CustomFiles = objectList(ctx, keycloakCustomFileAttrTypes, files, &diags)
	var envs []keycloakEnvFromModel
	for _, e := range svc.EnvFrom {
		envs = append(envs, keycloakEnvFromModel{ConfigMap: refName(e, "configMapRef"), Secret: refName(e, "secretRef")})
	}
	m.EnvFrom = objectList(ctx, keycloakEnvFromAttrTypes, envs, &diags)
	mounts := make([]keycloakCustomMountModel, len(svc.CustomMounts))
	for i, mt := range svc.CustomMounts {
		mounts[i] = keycloakCustomMountModel{Name: types.StringValue(mt.Name), Type: types.StringValue(mt.Type)}
	}
	m.CustomMounts = objectList(ctx, keycloakCustomMountAttrTypes, mounts, &diags)

	pg := svc.PostgreSQLParameters
	if pg == nil {
		pg = &appcat.PostgreSQLParameters{}
	}
	pgSvc := pg.Service
	if pgSvc == nil {
		pgSvc = &appcat.PostgreSQLService{}
	}
	m.PostgreSQLVersion = stringOr(pgSvc.MajorVersion, keycloakDefaultPostgreSQL)
	m.PostgreSQLInstances = types.Int64Value(keycloakDefaultPGInstances)
	if pg.Instances != nil {
		m.PostgreSQLInstances = types.Int64Value(*pg.Instances)
	}
	m.PostgreSQLSettings = flattenAnyMap(pgSvc.PgSettings)
	m.PostgreSQLPlan, m.PostgreSQLDisk = types.StringNull(), types.StringNull()
	if pg.Size != nil {
		m.PostgreSQLPlan, m.PostgreSQLDisk = nonEmptyOrNull(pg.Size.Plan), nonEmptyOrNull(pg.Size.Disk)
	}
	return diags
}

// nonEmptyOrNull is a string of the claim as an attribute: absent or empty is null.
func nonEmptyOrNull(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

// refName is the name of an envFrom entry's configMapRef or secretRef; null where it has none.
func refName(entry map[string]any, key string) types.String {
	ref, _ := entry[key].(map[string]any)
	name, _ := ref["name"].(string)
	return nonEmptyOrNull(&name)
}

// objectList is a list attribute of objects; an empty list is null, as the platform drops it.
func objectList[T any](ctx context.Context, attrTypes map[string]attr.Type, items []T, diags *diag.Diagnostics) types.List {
	typ := types.ObjectType{AttrTypes: attrTypes}
	if len(items) == 0 {
		return types.ListNull(typ)
	}
	l, d := types.ListValueFrom(ctx, typ, items)
	diags.Append(d...)
	return l
}

func (keycloakKind) validatePlan(ctx context.Context, plan, state *keycloakModel, diags *diag.Diagnostics) {
	validateRestore(ctx, plan.Restore, plan.Name, keycloakRestoreRules, diags)
	// The webhook's custom-file rules (pkg/controller/webhooks/keycloak.go validateCustomFileObject).
	var files []keycloakCustomFileModel
	listElements(ctx, plan.CustomFiles, &files, diags)
	if len(files) > 0 && plan.CustomizationImage.IsNull() {
		diags.AddAttributeError(path.Root("custom_files"), "Custom files need a customization image",
			"custom_files are copied from customization_image, which is not set. Set customization_image or remove custom_files.")
	}
	for i, f := range files {
		dest := f.Destination
		if dest.IsUnknown() || dest.IsNull() {
			continue
		}
		at := path.Root("custom_files").AtListIndex(i).AtName("destination")
		d := dest.ValueString()
		if strings.Contains(d, "..") {
			diags.AddAttributeError(at, "Invalid custom file destination", fmt.Sprintf("%q may not contain \"..\" (no path traversal).", d))
			continue
		}
		for _, folder := range keycloakRootFolders {
			if strings.HasPrefix(strings.TrimPrefix(d, "/"), folder) {
				diags.AddAttributeError(at, "Invalid custom file destination",
					fmt.Sprintf("%q lies in Keycloak's own folder %q, which custom files may not replace (%s).", d, folder, quoteList(keycloakRootFolders)))
				break
			}
		}
	}
	if state == nil {
		return
	}
	checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
	checkDiskOnlyGrows(path.Root("postgresql_disk"), state.PostgreSQLDisk, plan.PostgreSQLDisk, diags)
	if known(plan.PostgreSQLVersion) && known(state.PostgreSQLVersion) {
		from, _ := strconv.Atoi(state.PostgreSQLVersion.ValueString())
		to, _ := strconv.Atoi(plan.PostgreSQLVersion.ValueString())
		if to < from {
			diags.AddAttributeError(path.Root("postgresql_version"), "PostgreSQL version cannot go down",
				fmt.Sprintf("Keycloak's PostgreSQL instance runs version %d; a major version can only go up (planned: %d).", from, to))
		}
	}
}

// known: a planned value that is neither null nor unknown.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
