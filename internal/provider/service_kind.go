package provider

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// serviceKind is what one AppCat service kind plugs into the shared instance lifecycle
// (instance_resource.go): its descriptor and its schema mapping. M is the kind's Terraform model
// (embedding instanceModel), P the kind's typed spec.parameters.
type serviceKind[M any, P any] interface {
	// descriptor returns the kind's static description: names, versions, defaults, docs.
	descriptor() kindDescriptor
	// attributes are the kind's own attributes, beside the common ones. An attribute named like a
	// common one replaces it (same type, so the model still fits), e.g. to document it for the kind.
	attributes() map[string]schema.Attribute
	// common returns the embedded common part of a model.
	common(m *M) *instanceModel
	// expand turns a planned model into spec.parameters and the composition to use.
	expand(ctx context.Context, m *M) (params P, composition string, diags diag.Diagnostics)
	// flatten sets the kind's own attributes from a claim read from the platform.
	flatten(ctx context.Context, claim *appcat.Claim[P], m *M) diag.Diagnostics
	// validatePlan checks a plan against the platform's rules that involve several attributes
	// or the prior state (state is nil on create), reporting on the exact attribute.
	validatePlan(ctx context.Context, plan *M, state *M, diags *diag.Diagnostics)
}

// kindDescriptor is static data about a service kind.
type kindDescriptor struct {
	// typeName is the suffix of the resource type: "postgresql" for appcat_postgresql.
	typeName string
	// api is the platform API's description of the kind.
	api appcat.Kind
	// displayName is how docs name the service, e.g. "PostgreSQL".
	displayName string
	// description is the resource's markdown description.
	description string
	// versions are the versions the platform offers, oldest first; defaultVersion is the
	// platform's default.
	versions       []string
	defaultVersion string
	// versionPattern, where set, is the platform's rule for a version instead of the list: any
	// version it matches is accepted (Nextcloud: a major or major.minor), compared numerically
	// part by part, and versions are only examples for docs. versionPatternDoc says it in words.
	versionPattern    *regexp.Regexp
	versionPatternDoc string
	// versionPath is where the version lives in spec.parameters, for docs.
	versionPath string
	// versionReportedAs says, for docs, what the platform's version status field holds
	// (appcat.Kind.VersionStatus), e.g. "; the image tag it runs, e.g. `7.2.5`".
	versionReportedAs string
	// majorOf returns the major version of one of versions: a change of it is a major upgrade,
	// which needs allow_major_version_upgrade. See wholeVersionIsMajor and majorBeforeFirstDot;
	// nil counts every version change as major.
	majorOf func(version string) string
	// instances validates the instance count; defaultInstances is the platform's default.
	instances        []validator.Int64
	defaultInstances int64
	instancesDoc     string
	// scalingDoc says what a change of instances does; empty for the default (instancesScalingDoc:
	// in place, 0 suspends).
	scalingDoc string
	// instancesFixed: the platform refuses to change the instance count of an existing instance.
	instancesFixed bool
	// haInstances is the fewest instances the platform counts as highly available and requires
	// for the guaranteed service level; 0 where it has no such rule.
	haInstances int64
	// allowAllNamespaces is the platform's default of spec.parameters.security.allowAllNamespaces.
	allowAllNamespaces bool
	// defaultComposition is the composition a claim gets when expand names none: the catalog
	// entry whose plans apply.
	defaultComposition string
	// connectionAffectedBy are the attributes whose change changes the connection details
	// (e.g. the HA switch changes the host). Other changes keep the planned connection as is.
	connectionAffectedBy []path.Path
	// pinnedTagFollowsMajor: the platform refuses a maintenance.pinImageTag that does not start
	// with the instance's major version (PostgreSQL's webhook); other kinds take any tag.
	pinnedTagFollowsMajor bool
	// dropUserSQL is the SQL, in the kind's dialect, that drops a removed database user's role
	// (and with dropDatabase its database); nil for kinds without database users.
	dropUserSQL func(user, database string, dropDatabase bool) string
	// lacks are attributes, common ones or the kind's own, that this kind's schema leaves out
	// because its claims have no such field (the Exoscale kinds have no instances, security or
	// monitoring blocks). Its model still has them: the engine reads and writes it through
	// modelIO, which fills them with null.
	lacks []string
}

// withoutVSHNBlocks are what a kind lacks whose claims have none of the blocks AppCat's VSHN kinds
// share — security, instances, service level, scheduling, restore, monitoring, additional
// resources — and whose status has no instance namespace or previous version (the Exoscale kinds,
// Codey).
var withoutVSHNBlocks = []string{
	"instances", "service_level", "deletion_protection", "allow_all_namespaces", "allowed_namespaces", "allowed_groups",
	"allowed_users", "node_selector", "instance_namespace", "logs", "previous_version", "restore", "alerting",
	"additional_resources_config_map",
}

// has tells whether the kind's claims have the field behind an attribute: false for one the kind
// lacks (left out of its schema).
func (d kindDescriptor) has(attr string) bool { return !slices.Contains(d.lacks, attr) }

// wholeVersionIsMajor is majorOf for kinds whose versions are major versions only (PostgreSQL's
// "15", "16"): every version change is a major upgrade.
func wholeVersionIsMajor(version string) string { return version }

// majorBeforeFirstDot is majorOf for kinds with major.minor versions (Redis "7.2", MariaDB
// "11.4"): 7.2 → 8.0 is a major upgrade, 7.0 → 7.2 is not.
func majorBeforeFirstDot(version string) string {
	major, _, _ := strings.Cut(version, ".")
	return major
}

// retentionInDays tells whether the kind's backups are kept a number of days (PostgreSQL), not
// by K8up's keep_* rules.
func (d kindDescriptor) retentionInDays() bool {
	return d.api.Backups != nil && d.api.Backups.Retention == appcat.RetentionDays
}

// retentionOfNestedPostgreSQL tells whether the kind's backups are those of a PostgreSQL instance
// nested in it, which takes the claim's schedule and keepDaily alone (Keycloak).
func (d kindDescriptor) retentionOfNestedPostgreSQL() bool {
	return d.api.Backups != nil && d.api.Backups.Retention == appcat.RetentionNestedPostgreSQL
}

// majorVersion is the major version of one of the kind's versions (descriptor.majorOf).
func (d kindDescriptor) majorVersion(version string) string {
	if d.majorOf == nil {
		return wholeVersionIsMajor(version)
	}
	return d.majorOf(version)
}

// compareVersions orders two of the kind's versions: negative when a is older than b, 0 when
// equal, positive when newer; ok is false when either is not a version of the kind. Listed
// versions are ordered by the list; a kind with a versionPattern compares the dot-separated
// numbers ("31" < "31.1" < "32").
func (d kindDescriptor) compareVersions(a, b string) (order int, ok bool) {
	if d.versionPattern == nil {
		i, j := slices.Index(d.versions, a), slices.Index(d.versions, b)
		return cmp.Compare(i, j), i >= 0 && j >= 0
	}
	if !d.versionPattern.MatchString(a) || !d.versionPattern.MatchString(b) {
		return 0, false
	}
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c, true
		}
	}
	return 0, true
}
