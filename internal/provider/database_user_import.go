package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// ImportState takes `namespace/instance/user` and finds the instance's kind on the platform;
// `kind:namespace/instance/user` names the kind (needed only when a PostgreSQL and a MariaDB
// instance share the name).
func (r *databaseUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	kindName, id, hasKind := strings.Cut(req.ID, ":")
	if !hasKind {
		id, kindName = req.ID, ""
	}
	instanceID, user := id, ""
	if i := strings.LastIndex(id, "/"); i > 0 {
		instanceID, user = id[:i], id[i+1:]
	}
	ns, name, ok := splitInstanceID(instanceID)
	if !ok || !appcat.AccessNameRule.MatchString(user) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected namespace/instance/user (or kind:namespace/instance/user, kind one of %s), got %q.", quoteList(userKindNames()), req.ID))
		return
	}
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kinds := userKinds()
	if hasKind {
		k, ok := userKind(kindName)
		if !ok {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Unknown kind %q in %q: use one of %s.", kindName, req.ID, quoteList(userKindNames())))
			return
		}
		kinds = []kindDescriptor{k}
	}
	var found, instances []string
	for _, k := range kinds {
		view, err := client.GetAccess(ctx, k.api, ns, name, appcat.Exact)
		switch {
		case appcat.IsNotFound(err):
			continue
		case err != nil:
			resp.Diagnostics.AddError(fmt.Sprintf("Could not look up instance %s", instanceID), appcat.Explain(err))
			return
		}
		instances = append(instances, k.typeName)
		if _, ok := view.Find(user); ok {
			found = append(found, k.typeName)
		}
	}
	switch {
	case len(found) == 1:
		kindName = found[0]
	case len(found) > 1:
		resp.Diagnostics.AddError("Ambiguous import ID",
			fmt.Sprintf("Instances of several kinds named %s have a user %s: %s. Name the kind in the import ID, e.g. %s:%s.", instanceID, user, quoteList(found), found[0], id))
		return
	case len(instances) > 0:
		resp.Diagnostics.AddError("User not found",
			fmt.Sprintf("Instance %s (%s) has no user %q in spec.parameters.service.access.", instanceID, quoteList(instances), user))
		return
	default:
		resp.Diagnostics.AddError("Instance not found", fmt.Sprintf("There is no %s instance %s to import user %s of.", strings.Join(userKindNames(), " or "), instanceID, user))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ns+"/"+name+"/"+user)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("kind"), kindName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user"), user)...)
}
