package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The provider's registry of service kinds: every kind is listed once, in instanceKinds, and
// everything that depends on the set of kinds follows from it — the provider's resources and data
// sources, the kinds the attached resources and the instance data sources accept (by capability:
// kindSet), and the kind lists in their documentation.

// instanceKind is one service kind as the provider serves it: its descriptor, and its resource
// and data source on the shared engine.
type instanceKind struct {
	descriptor kindDescriptor
	resource   func() resource.Resource
	dataSource func() datasource.DataSource
}

// registered is a kind's registry entry.
func registered[M any, P any](k serviceKind[M, P]) instanceKind {
	return instanceKind{
		descriptor: k.descriptor(),
		resource:   func() resource.Resource { return newInstanceResource(k) },
		dataSource: func() datasource.DataSource { return newInstanceDataSource(k) },
	}
}

// instanceKinds are the service kinds the provider serves, each once.
func instanceKinds() []instanceKind {
	return []instanceKind{
		registered(postgresqlKind{}),
		registered(redisKind{}),
		registered(mariadbKind{}),
		registered(garageKind{}),
		registered(minioKind{}),
		registered(nextcloudKind{}),
		registered(keycloakKind{}),
		registered(forgejoKind{}),
		registered(exoscalePostgreSQL),
		registered(exoscaleMySQL),
		registered(exoscaleRedis),
		registered(exoscaleKafka),
		registered(exoscaleOpenSearch),
		registered(objectBucketKind{}),
		registered(codeyKind{}),
	}
}

// kindSet is the kinds that have one capability: what a resource or data source attached to an
// instance accepts as its `kind`.
type kindSet struct {
	// lacks says, for messages, what a kind outside the set does not have, e.g. "backups".
	lacks string
	has   func(kindDescriptor) bool
}

var (
	// anyKind is every kind: each has a connection secret.
	anyKind = kindSet{has: func(kindDescriptor) bool { return true }}
	// kindsWithBackups have backup objects: the backup policy and the backups data source.
	kindsWithBackups = kindSet{lacks: "backups", has: func(d kindDescriptor) bool { return d.api.Backups != nil }}
	// kindsWithMaintenance have spec.parameters.maintenance: the maintenance window.
	kindsWithMaintenance = kindSet{lacks: "maintenance window", has: func(d kindDescriptor) bool { return d.api.Maintenance }}
	// kindsWithUsers have database users: the database user and the connection's `user`.
	kindsWithUsers = kindSet{lacks: "database users", has: func(d kindDescriptor) bool { return d.api.Users != nil }}
	// kindsWithSLI have an instance namespace in the cluster, where AppCat probes their SLI: the SLA reports.
	kindsWithSLI = kindSet{lacks: "SLA report", has: func(d kindDescriptor) bool { return d.api.HasInstanceNamespace() }}
	// kindsWithMetrics have exporters with monitors in the instance namespace: the metrics endpoint.
	kindsWithMetrics = kindSet{lacks: "metrics targets in their instance namespace", has: func(d kindDescriptor) bool { return d.api.MetricsTargets }}
)

// kinds are the set's kinds, in registry order.
func (s kindSet) kinds() []kindDescriptor {
	var out []kindDescriptor
	for _, k := range instanceKinds() {
		if s.has(k.descriptor) {
			out = append(out, k.descriptor)
		}
	}
	return out
}

// names are the set's kinds' type names, e.g. "postgresql".
func (s kindSet) names() []string {
	var out []string
	for _, k := range s.kinds() {
		out = append(out, k.typeName)
	}
	return out
}

// lookup finds a kind of the set by type name.
func (s kindSet) lookup(name string) (kindDescriptor, bool) {
	for _, k := range s.kinds() {
		if k.typeName == name {
			return k, true
		}
	}
	return kindDescriptor{}, false
}

// displayNames lists the set's kinds for docs, e.g. "PostgreSQL, Redis or MariaDB".
func (s kindSet) displayNames(conjunction string) string {
	var names []string
	for _, k := range s.kinds() {
		names = append(names, k.displayName)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conjunction + " " + names[len(names)-1]
}

// doc documents a `kind` attribute that takes the set's kinds.
func (s kindSet) doc() string {
	return fmt.Sprintf("Kind of the instance: %s (the instance resource's type without `appcat_`).", quoteList(s.names()))
}

// validator refuses a kind outside the set at plan time; for a kind the provider serves that
// lacks the capability it says so.
func (s kindSet) validator() validator.String { return kindValidator{s} }

type kindValidator struct{ set kindSet }

func (v kindValidator) Description(context.Context) string {
	return "value must be one of: " + strings.Join(v.set.names(), ", ")
}

func (v kindValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v kindValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	names := v.set.names()
	if slices.Contains(names, name) {
		return
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	detail := fmt.Sprintf("Attribute %s value must be one of: [%s], got: %q", req.Path, strings.Join(quoted, " "), name)
	if k, ok := anyKind.lookup(name); ok {
		detail += fmt.Sprintf(". %s instances have no %s (as on AppCat).", k.displayName, v.set.lacks)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match", detail)
}
