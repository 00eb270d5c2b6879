package controller

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group and version of every claim kind this controller serves.
const (
	claimGroup      = "vshn.appcat.vshn.io"
	claimVersion    = "v1"
	claimAPIVersion = claimGroup + "/" + claimVersion
)

// kind describes one claim kind. The reconciler is written once against this table, so adding a
// kind means adding a row here (and its connection details in secrets.go), not a new reconciler.
type kind struct {
	// Kind of the claim, e.g. VSHNPostgreSQL; the composite is "X" + Kind.
	Kind string
	// Service is the short service name used in the instance namespace vshn-<service>-<composite>.
	Service string
	// DefaultComposition is what Crossplane would put into spec.compositionRef.name.
	DefaultComposition string
	// VersionPath is the spec path holding the service version, and DefaultVersion its schema default.
	VersionPath    []string
	DefaultVersion string
	// restoreStyle is how the kind's composition answers spec.parameters.restore (restore.go).
	restoreStyle func(obj *unstructured.Unstructured) restoreStyle
	// reportVersion writes the status fields in which the kind reports the version it runs, as
	// AppCat does for it (versions.go).
	reportVersion func(obj *unstructured.Unstructured, status map[string]any)
	// connection computes the connection secret's plain keys and which certificate it carries.
	connection func(in connectionInput) connectionPlan
}

func (k *kind) gvk() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: claimGroup, Version: claimVersion, Kind: k.Kind}
}

func (k *kind) compositeKind() string { return "X" + k.Kind }

// newObject returns an empty unstructured claim of this kind.
func (k *kind) newObject() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(k.gvk())
	return u
}

// newList returns an empty unstructured list of claims of this kind.
func (k *kind) newList() *unstructured.UnstructuredList {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(k.gvk().GroupVersion().WithKind(k.Kind + "List"))
	return l
}

// version returns the service version the claim asks for.
func (k *kind) version(obj *unstructured.Unstructured) string {
	return stringParam(obj, k.DefaultVersion, k.VersionPath...)
}

// kinds is the table of claim kinds served by the controller.
var kinds = []*kind{
	{
		Kind:               "VSHNPostgreSQL",
		Service:            "postgresql",
		DefaultComposition: "vshnpostgrescnpg.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "majorVersion"},
		DefaultVersion:     "15",
		reportVersion:      reportPostgreSQLVersion,
		restoreStyle:       postgresqlRestoreStyle,
		connection:         withCNPGGateway(postgresqlConnection), // gateway.go
	},
	{
		Kind:               "VSHNRedis",
		Service:            "redis",
		DefaultComposition: "vshnredis.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "version"},
		DefaultVersion:     "7.2",
		reportVersion:      reportRedisVersion,
		restoreStyle:       fixedRestoreStyle(restoreNamedBackup),
		connection:         redisConnection,
	},
	{
		Kind:               "VSHNMariaDB",
		Service:            "mariadb",
		DefaultComposition: "vshnmariadb.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "version"},
		DefaultVersion:     "11.8",
		reportVersion:      reportMariaDBVersion,
		restoreStyle:       fixedRestoreStyle(restoreNotSelfService),
		connection:         mariadbConnection,
	},
}

// kindByName returns the descriptor of the named kind, or nil.
func kindByName(name string) *kind {
	for _, k := range kinds {
		if k.Kind == name {
			return k
		}
	}
	return nil
}
