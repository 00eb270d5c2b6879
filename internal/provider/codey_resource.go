package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The Codey kind (Forgejo as a product, codey.io/v1): its attributes and their mapping to
// CodeyInstance's spec.parameters (vshn/appcat apis/codey/dbaas_vshn_codey.go). Its claims have
// none of AppCat's common blocks, so the descriptor lacks the attributes that map to them.

// codeyModel is appcat_codey's model: the common attributes plus Codey's own.
type codeyModel struct {
	instanceModel
	AdminEmail          types.String `tfsdk:"admin_email"`
	DisableRegistration types.Bool   `tfsdk:"disable_registration"`
	Plan                types.String `tfsdk:"plan"`
}

type codeyKind struct{}

// codeyDefaultVersion is the version the composition starts from where the claim names none
// (component-appcat component/vshn_codey.jsonnet: the XVSHNForgejo's majorVersion).
const codeyDefaultVersion = "14.0.0"

// codeyLacks: a CodeyInstance has none of AppCat's VSHN blocks, and its status reports no version
// either.
var codeyLacks = append(append([]string{}, withoutVSHNBlocks...), "current_version")

func (codeyKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:    "codey",
		api:         appcat.Codey,
		displayName: "Codey",
		description: codeyDescription,
		// majorVersion is handed to the Forgejo as its majorVersion: a Forgejo release.
		versions:           forgejoKind{}.descriptor().versions,
		versionPattern:     releaseVersion,
		versionPatternDoc:  "a Forgejo release number x.y.z",
		defaultVersion:     codeyDefaultVersion,
		versionPath:        "spec.parameters.service.majorVersion",
		majorOf:            majorBeforeFirstDot,
		defaultComposition: appcat.CompositionCodey,
		lacks:              codeyLacks,
	}
}

var codeyDescription = instanceDescription("Codey", appcat.Codey,
	"Codey is VSHN's Git hosting product: a Forgejo that AppCat publishes as `https://<name>.app.codey.ch`, with its mailer set up by the "+
		"platform. The connection details hold the admin user (`username` `forgejo_admin`, `password`) and `url`, the host name "+
		"`<name>.app.codey.ch` without scheme. The name is the host name, so the platform refuses a name that another Codey instance "+
		"already uses, in any namespace.\n\n"+
		"A `CodeyInstance` has only its service settings and a plan: none of AppCat's common blocks. So, as on AppCat, it has no deletion "+
		"protection (`terraform destroy` deletes it and its repositories at once), instances, service level, access settings, node selector, "+
		"restore or alerting, and it reports no instance namespace and no running version. `appcat_backup_policy`, `appcat_backups`, "+
		"`appcat_maintenance_window`, `appcat_database_user`, `appcat_metrics_endpoint` and `appcat_sla_report` refuse it at plan time.")

func (codeyKind) common(m *codeyModel) *instanceModel { return &m.instanceModel }

func (k codeyKind) attributes() map[string]schema.Attribute {
	d := k.descriptor()
	version := commonAttributes(d)["version"].(schema.StringAttribute) //nolint:forcetypeassert // the common version is a string
	version.MarkdownDescription = fmt.Sprintf("Forgejo release the instance runs (`%s`): %s. Defaults to `%s`, the version the platform "+
		"starts from. Changing it upgrades the instance in place; the apply waits until the platform reports it ready again. The version "+
		"can only go up, and a change of the first number is a major upgrade, which needs `allow_major_version_upgrade = true`.",
		d.versionPath, versionsDoc(d), d.defaultVersion)
	plan := planAttribute(appcat.CodeyPlans[0], "")
	plan.MarkdownDescription = fmt.Sprintf("Size plan (`spec.parameters.size.plan`): %s. Defaults to `%s`, as on the platform. The "+
		"`appcat_catalog` data source lists the plans' sizes, and the plan is checked against it when the provider can read it. A change "+
		"applies in place.", quoteList(appcat.CodeyPlans), appcat.CodeyPlans[0])
	plan.Validators = []validator.String{stringvalidator.OneOf(appcat.CodeyPlans...)}
	return map[string]schema.Attribute{
		"version": version,
		"plan":    plan,
		"admin_email": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "E-mail address of the admin user `forgejo_admin`, for Forgejo's notifications (`spec.parameters.service.adminEmail`).",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"disable_registration": schema.BoolAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Turns off the registration of new users, so that only the admin adds them " +
				"(`spec.parameters.service.disableRegistration`). Defaults to `false`, as on the platform.",
			Default: booldefault.StaticBool(false),
		},
	}
}

func (codeyKind) expand(_ context.Context, m *codeyModel) (appcat.CodeyParameters, string, diag.Diagnostics) {
	return appcat.CodeyParameters{
		Service: &appcat.CodeyService{
			MajorVersion:        stringPtr(m.Version),
			DisableRegistration: boolPtr(m.DisableRegistration),
			AdminEmail:          m.AdminEmail.ValueString(),
		},
		Size: &appcat.CodeySize{Plan: stringPtr(m.Plan)},
	}, "", nil
}

func (codeyKind) flatten(_ context.Context, claim *appcat.CodeyClaim, m *codeyModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.CodeyService{}
	}
	m.Version = stringOr(svc.MajorVersion, codeyDefaultVersion)
	m.AdminEmail = types.StringValue(svc.AdminEmail)
	m.DisableRegistration = boolOr(svc.DisableRegistration, false)
	size := p.Size
	if size == nil {
		size = &appcat.CodeySize{}
	}
	m.Plan = stringOr(size.Plan, appcat.CodeyPlans[0])
	return nil
}

func (codeyKind) validatePlan(context.Context, *codeyModel, *codeyModel, *diag.Diagnostics) {}
