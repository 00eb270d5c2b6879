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
// instance share the name). `?store_credentials=false` at the end imports the user without its
// credentials: the import cannot see the configuration, so the ID has to say it, or the
// credentials would reach the state before the next apply removes them.
func (r *databaseUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parsed, problem := parseUserImportID(req.ID)
	if problem != "" {
		resp.Diagnostics.AddError("Invalid import ID", problem)
		return
	}
	kindName, hasKind := parsed.kind, parsed.kind != ""
	ns, name, user := parsed.namespace, parsed.instance, parsed.user
	instanceID, id := ns+"/"+name, ns+"/"+name+"/"+user
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kinds := userKinds()
	if hasKind {
		k, _ := userKind(kindName) // parseUserImportID checked it
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
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("store_credentials"), parsed.storeCredentials)...)
}

// userImportID is an import ID of appcat_database_user taken apart.
type userImportID struct {
	kind                      string // "": find it on the platform
	namespace, instance, user string
	storeCredentials          bool
}

// parseUserImportID reads `[kind:]namespace/instance/user[?store_credentials=true|false]`;
// problem, when not empty, says what is wrong with it (the detail of a diagnostic).
func parseUserImportID(raw string) (_ userImportID, problem string) {
	out := userImportID{}
	id, store, problem := cutImportOptions(raw)
	if problem != "" {
		return out, problem
	}
	out.storeCredentials = store
	if kindName, rest, hasKind := strings.Cut(id, ":"); hasKind {
		if _, ok := userKind(kindName); !ok {
			return out, fmt.Sprintf("Unknown kind %q in %q: use one of %s.", kindName, raw, quoteList(userKindNames()))
		}
		out.kind, id = kindName, rest
	}
	instanceID := id
	if i := strings.LastIndex(id, "/"); i > 0 {
		instanceID, out.user = id[:i], id[i+1:]
	}
	ns, name, ok := splitInstanceID(instanceID)
	if !ok || !appcat.AccessNameRule.MatchString(out.user) {
		return out, fmt.Sprintf("Expected namespace/instance/user (or kind:namespace/instance/user, kind one of %s; "+
			"optionally followed by ?%s), got %q.", quoteList(userKindNames()), importOptions, raw)
	}
	out.namespace, out.instance = ns, name
	return out, ""
}
