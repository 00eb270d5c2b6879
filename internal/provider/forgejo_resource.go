package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
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

// The Forgejo kind (a Git forge): its attributes and their mapping to VSHNForgejo's
// spec.parameters (vshn/appcat apis/vshn/v1/dbaas_vshn_forgejo.go).

// forgejoModel is appcat_forgejo's model: the common attributes plus Forgejo's own.
type forgejoModel struct {
	instanceModel
	sizeModel
	FQDN       types.List   `tfsdk:"fqdn"`
	AdminEmail types.String `tfsdk:"admin_email"`
	SSHEnabled types.Bool   `tfsdk:"ssh_enabled"`
	AppName    types.String `tfsdk:"app_name"`
	Settings   types.Map    `tfsdk:"settings"`
}

type forgejoKind struct{}

const (
	forgejoDefaultPlan       = "small"
	forgejoDefaultAdminEmail = "gitea@local.domain"
)

// forgejoSections are the app.ini sections the platform passes on (VSHNForgejoConfig).
var forgejoSections = []string{"actions", "email.incoming", "mailer", "oauth2", "oauth2_client", "openid", "service", "service.explore"}

// forgejoDeniedMailerProtocols are refused by the webhook (pkg/controller/webhooks/forgejo.go).
var forgejoDeniedMailerProtocols = []string{"smtp+unix", "sendmail"}

// forgejoAdminEmail is the CRD's pattern of service.adminEmail.
var forgejoAdminEmail = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`)

func (forgejoKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "forgejo",
		api:                appcat.Forgejo,
		displayName:        "Forgejo",
		description:        forgejoDescription,
		versions:           []string{"12.0.0", "13.0.0", "14.0.0"},
		versionPattern:     releaseVersion, // majorVersion has no enum: an image tag such as 14.0.0
		versionPatternDoc:  "a release number x.y.z",
		defaultVersion:     "14.0.0",
		versionPath:        "spec.parameters.service.majorVersion",
		versionReportedAs:  "; the image tag it runs, e.g. `14.0.2`",
		majorOf:            majorBeforeFirstDot,
		instances:          []validator.Int64{int64validator.Between(0, 1)},
		defaultInstances:   1,
		haInstances:        2, // the webhook: guaranteed needs more than one instance, which Forgejo never has
		defaultComposition: appcat.CompositionForgejo,
		instancesDoc:       "Number of Forgejo instances: 1 (default) or 0, which suspends the instance. Forgejo does not run highly available.",
		// The URL lists the fqdns; SSH adds the gateway's host and port.
		connectionAffectedBy: []path.Path{path.Root("fqdn"), path.Root("ssh_enabled")},
	}
}

var forgejoDescription = instanceDescription("Forgejo", appcat.Forgejo,
	"Forgejo is a Git forge. The platform publishes it under the host names in `fqdn` and writes into the connection details "+
		"the admin user (`username` `forgejo_admin`, `password`), `url` (the host names joined by `,`, without scheme) and `host`, "+
		"the Forgejo service inside the cluster (plain HTTP on port 3000). With `ssh_enabled`, the platform routes SSH through its "+
		"TCP gateway and adds `gateway_host` and `gateway_port`, where `git clone ssh://git@<gateway_host>:<gateway_port>/…` reaches it.\n\n"+
		"The maintenance window is managed by `appcat_maintenance_window`. AppCat backs Forgejo up with K8up but lists no Forgejo backups "+
		"and offers no restore, so `appcat_backup_policy`, `appcat_backups` and `restore` refuse it; it has no database users and no metrics endpoint.")

func (forgejoKind) common(m *forgejoModel) *instanceModel { return &m.instanceModel }

func (forgejoKind) attributes() map[string]schema.Attribute {
	restore := restoreAttribute()
	restore.MarkdownDescription = "Not available for Forgejo: its claims have no `spec.parameters.restore`. A plan that sets it fails."
	return mergeAttributes(sizeAttributes(forgejoDefaultPlan), map[string]schema.Attribute{
		"fqdn": schema.ListAttribute{
			Required:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Host names under which the platform publishes Forgejo, at least one, e.g. `[\"git.example.com\"]`. " +
				"The first is Forgejo's own URL.",
			Validators: []validator.List{listvalidator.SizeBetween(1, 32), listvalidator.UniqueValues(),
				listvalidator.ValueStringsAre(stringvalidator.LengthAtMost(253),
					stringvalidator.RegexMatches(hostNamePattern, "must be a host name, e.g. git.example.com"))},
		},
		"admin_email": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "E-mail address of the admin user `forgejo_admin`. Defaults to `" + forgejoDefaultAdminEmail + "`, as on the platform.",
			Default:             stringdefault.StaticString(forgejoDefaultAdminEmail),
			Validators:          []validator.String{stringvalidator.RegexMatches(forgejoAdminEmail, "must be an e-mail address")},
		},
		"ssh_enabled": schema.BoolAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Git over SSH through the platform's TCP gateway (the cluster must have one). Defaults to `false`. " +
				"Enabling it fills `connection_details.gateway_host` and `gateway_port`.",
			Default: booldefault.StaticBool(false),
		},
		"app_name": textAttribute("Application name shown in Forgejo's page titles (`APP_NAME`)."),
		"settings": schema.MapAttribute{
			Optional:    true,
			ElementType: types.MapType{ElemType: types.StringType},
			MarkdownDescription: "Forgejo settings by `app.ini` section, e.g. `{ service = { DISABLE_REGISTRATION = \"true\" } }`. The platform " +
				"passes on the sections " + quoteList(forgejoSections) + "; Forgejo ignores keys it does not know. `mailer.PROTOCOL` may not be " +
				quoteList(forgejoDeniedMailerProtocols) + ".",
			Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(stringvalidator.OneOf(forgejoSections...))},
		},
		"restore": restore,
	})
}

func (forgejoKind) expand(ctx context.Context, m *forgejoModel) (appcat.ForgejoParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	svc := &appcat.ForgejoService{
		MajorVersion: cp.Version,
		ServiceLevel: cp.ServiceLevel,
		FQDN:         expandStringList(ctx, m.FQDN, &diags),
		AdminEmail:   stringPtr(m.AdminEmail),
		SSH:          &appcat.ForgejoSSH{Enabled: boolPtr(m.SSHEnabled)},
	}
	if !m.AppName.IsNull() || !m.Settings.IsNull() {
		svc.ForgejoSettings = &appcat.ForgejoSettings{AppName: stringPtr(m.AppName)}
		if !m.Settings.IsNull() && !m.Settings.IsUnknown() {
			diags.Append(m.Settings.ElementsAs(ctx, &svc.ForgejoSettings.Config, false)...)
		}
	}
	p := appcat.ForgejoParameters{
		Service:    svc,
		Size:       m.sizeModel.expand(),
		Instances:  cp.Instances,
		Security:   cp.Security,
		Scheduling: cp.Scheduling,
		Monitoring: cp.Monitoring,
	}
	p.AdditionalResources = expandAdditionalResources(&m.instanceModel)
	return p, "", diags
}

func (k forgejoKind) flatten(ctx context.Context, claim *appcat.ForgejoClaim, m *forgejoModel) diag.Diagnostics {
	var diags diag.Diagnostics
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.ForgejoService{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Version: svc.MajorVersion, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Monitoring: p.Monitoring})
	m.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.sizeModel.flatten(p.Size, forgejoDefaultPlan)
	m.FQDN = flattenStringList(svc.FQDN)
	m.AdminEmail = stringOr(svc.AdminEmail, forgejoDefaultAdminEmail)
	m.SSHEnabled = types.BoolValue(false)
	if svc.SSH != nil {
		m.SSHEnabled = boolOr(svc.SSH.Enabled, false)
	}
	m.AppName, m.Settings = types.StringNull(), types.MapNull(types.MapType{ElemType: types.StringType})
	if s := svc.ForgejoSettings; s != nil {
		m.AppName = nonEmptyOrNull(s.AppName)
		if len(s.Config) > 0 {
			v, d := types.MapValueFrom(ctx, types.MapType{ElemType: types.StringType}, s.Config)
			diags.Append(d...)
			m.Settings = v
		}
	}
	return diags
}

func (forgejoKind) validatePlan(ctx context.Context, plan, state *forgejoModel, diags *diag.Diagnostics) {
	validateRestore(ctx, plan.Restore, plan.Name, restoreRules{none: true, what: "Forgejo",
		noneBecause: "Forgejo claims have no spec.parameters.restore: AppCat offers no restore into a new Forgejo instance."}, diags)
	if !plan.Settings.IsNull() && !plan.Settings.IsUnknown() {
		var settings map[string]map[string]string
		diags.Append(plan.Settings.ElementsAs(ctx, &settings, false)...)
		for key, value := range settings["mailer"] {
			if strings.EqualFold(key, "PROTOCOL") && slices.Contains(forgejoDeniedMailerProtocols, value) {
				diags.AddAttributeError(path.Root("settings").AtMapKey("mailer").AtMapKey(key), "Mailer protocol not allowed",
					fmt.Sprintf("mailer.%s = %q: the platform refuses %s.", key, value, quoteList(forgejoDeniedMailerProtocols)))
			}
		}
	}
	if state != nil {
		checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
	}
}

// releaseVersion is a release number x.y.z: Forgejo's majorVersion, which has no enum upstream.
var releaseVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
