package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// How resources and data sources that belong to an instance name it: `kind` (the instance
// resource's type without the `appcat_` prefix) and `instance_id`, the instance resource's `id`
// (`namespace/name`). One reference (`instance_id = appcat_postgresql.db.id`) carries namespace
// and name and makes Terraform create the instance first and destroy it last. The kind cannot be
// told from the ID without asking the platform, and a plan of a new resource must not need the
// platform, so it is an attribute of its own.

// instanceIDFormat is namespace/name, both DNS labels.
var instanceIDFormat = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func splitInstanceID(id string) (namespace, name string, ok bool) {
	if !instanceIDFormat.MatchString(id) {
		return "", "", false
	}
	namespace, name, _ = strings.Cut(id, "/")
	return namespace, name, true
}

const instanceIDDoc = "ID of the instance, `namespace/name` — usually a reference to the instance resource's `id`, e.g. `appcat_postgresql.db.id`."

func instanceIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(instanceIDFormat,
		"must be the instance's ID, namespace/name (e.g. appcat_postgresql.db.id)")}
}

// instanceRefAttributes are the attributes that attach a resource to an instance of one of kinds.
func instanceRefAttributes(displayName string, kinds kindSet) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "The instance's ID, `namespace/name`: an instance has at most one " + displayName +
				". Import with it (or with `kind:namespace/name`).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"kind": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: kinds.doc() + " Changing it replaces the " + displayName + ".",
			Validators:          []validator.String{kinds.validator()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"instance_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: instanceIDDoc + " Changing it replaces the " + displayName + ".",
			Validators:          instanceIDValidators(),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
	}
}

// instanceRefDataSourceAttributes are the same for a data source.
func instanceRefDataSourceAttributes(kinds kindSet) map[string]dschema.Attribute {
	return map[string]dschema.Attribute{
		"id": dschema.StringAttribute{Computed: true, MarkdownDescription: "The instance's ID, `namespace/name`."},
		"kind": dschema.StringAttribute{
			Required:            true,
			MarkdownDescription: kinds.doc(),
			Validators:          []validator.String{kinds.validator()},
		},
		"instance_id": dschema.StringAttribute{
			Required:            true,
			MarkdownDescription: instanceIDDoc,
			Validators:          instanceIDValidators(),
		},
	}
}

// existingInstance resolves a data source's validated kind (one of kinds) and instance_id and
// checks that the instance exists, reporting on instance_id when it does not.
func existingInstance(ctx context.Context, client *appcat.Client, kinds kindSet, kindName, instanceID types.String, diags *diag.Diagnostics) (kindDescriptor, string, string, bool) {
	kind, _ := kinds.lookup(kindName.ValueString())
	ns, name, _ := splitInstanceID(instanceID.ValueString())
	if _, err := appcat.GetClaim[appcat.RawParameters](ctx, client, kind.api, ns, name, appcat.Snapshot); err != nil {
		diags.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("Could not read %s instance %s/%s", kind.displayName, ns, name), appcat.Explain(err))
		return kind, ns, name, false
	}
	return kind, ns, name, true
}
