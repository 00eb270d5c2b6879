package controller

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group and version of the claim kinds this controller serves, unless a row names its own group.
const (
	claimGroup   = "vshn.appcat.vshn.io"
	claimVersion = "v1"
)

// kind describes one claim kind. The reconciler is written once against this table, so adding a
// kind means adding a row here (with its functions in the files that do the work), not a new
// reconciler; nothing else looks at a kind's name.
type kind struct {
	// Kind of the claim, e.g. VSHNPostgreSQL; the composite is "X" + Kind.
	Kind string
	// Group is the claim's API group; "" for claimGroup (ObjectBucket: appcat.vshn.io).
	Group string
	// Service is the short service name used in the instance namespace vshn-<service>-<composite>.
	Service string
	// DefaultComposition is what Crossplane would put into spec.compositionRef.name.
	DefaultComposition string
	// VersionPath is the spec path holding the service version, and DefaultVersion its schema default.
	VersionPath    []string
	DefaultVersion string
	// restoreStyle is how the kind's composition answers spec.parameters.restore (restore.go);
	// nil for a kind whose claims have no spec.parameters.restore.
	restoreStyle func(obj *unstructured.Unstructured) restoreStyle
	// reportVersion writes the status fields in which the kind reports the version it runs, as
	// AppCat does for it (versions.go); nil for a kind that reports none.
	reportVersion func(obj *unstructured.Unstructured, status map[string]any)
	// connection computes the connection secret's plain keys and which certificate it carries.
	connection func(in connectionInput) connectionPlan
	// access is how the kind's database users work; nil for a kind without users (access.go).
	access *accessSpec
	// backup describes the kind's backup objects; nil for a kind without backups (backups.go).
	backup *backupSpec
	// maintenance: the kind has a weekly maintenance window (spec.parameters.maintenance,
	// maintenance.go).
	maintenance bool
	// monitoring is what the kind's composition puts into the instance namespace for its
	// metrics (monitoring_objects.go); nil for a kind whose composition puts nothing there.
	monitoring func(obj *unstructured.Unstructured, composite string) monitoringPlan
	// defaultDisk is the disk of the kind's default plan, for a claim that sets none (metrics.go).
	defaultDisk string
	// external: the service runs at a cloud provider, not in the cluster (exoscale.go). AppCat
	// gives it no instance namespace, no viewer binding and no SLI probes; the controller still
	// keeps its memory in a namespace of its own, named like an instance namespace, which it does
	// not report in the claim's status and grants nobody.
	external bool
	// noInstanceNamespace: the kind's status reports no instanceNamespace: its composition runs
	// nothing in a namespace of its own (ObjectBucket), or never reports it (Codey). The platform keeps its memory of such
	// a claim in appcat-system (state.go: memoryKey).
	noInstanceNamespace bool
	// server runs the kind's real server for an instance with a load balancer, where its
	// binaries are on the machine (servers.go); nil for a kind without one.
	server serverEngine
	// describe writes the kind's own status fields (e.g. the effective bucket name); nil for a
	// kind that has none beyond the common ones.
	describe func(obj *unstructured.Unstructured, status map[string]any)
}

func (k *kind) gvk() schema.GroupVersionKind {
	group := k.Group
	if group == "" {
		group = claimGroup
	}
	return schema.GroupVersionKind{Group: group, Version: claimVersion, Kind: k.Kind}
}

// apiVersion is the claim's (and its composite's) apiVersion.
func (k *kind) apiVersion() string { return k.gvk().GroupVersion().String() }

// instanceNS is the namespace the controller keeps the claim's instance (or, for an external
// kind, only its memory) in, named after the claim's composite as provision names it; "" before
// the claim has a composite. For the VSHN kinds, status.instanceNamespace reports it once a pass
// has written the claim's status.
func (k *kind) instanceNS(obj *unstructured.Unstructured) string {
	if composite := specString(obj, "resourceRef", "name"); composite != "" {
		return instanceNamespace(k, composite)
	}
	return ""
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

// report writes the status fields in which the kind reports the version it runs, if it has any.
func (k *kind) report(obj *unstructured.Unstructured, status map[string]any) {
	if k.reportVersion != nil {
		k.reportVersion(obj, status)
	}
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
		access:             &postgresqlAccess,
		backup:             &postgresqlBackups,
		maintenance:        true,
		monitoring:         postgresqlMonitoring,
		defaultDisk:        "20Gi",
		server:             postgresServer{},
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
		backup:             &redisBackups,
		maintenance:        true,
		monitoring:         redisMonitoring,
		defaultDisk:        "16Gi",
		server:             redisServer{},
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
		access:             &mariadbAccess,
		backup:             &mariadbBackups,
		maintenance:        true,
		monitoring:         mariadbMonitoring,
		defaultDisk:        "16Gi",
		server:             mariadbServer{},
	},
	{
		// Without restore, version report, backups, maintenance window and exporter (garage.go).
		Kind:               "VSHNGarage",
		Service:            "garage",
		DefaultComposition: "vshngarage.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "version"},
		DefaultVersion:     "2",
		connection:         garageConnection,
		defaultDisk:        "50Gi",
	},
	{
		// A maintenance window and a ServiceMonitor; no version, restore or backups (minio.go).
		Kind:               "VSHNMinio",
		Service:            "minio",
		DefaultComposition: "vshnminio.vshn.appcat.vshn.io",
		connection:         minioConnection,
		maintenance:        true,
		monitoring:         minioMonitoring,
		defaultDisk:        "50Gi",
	},
	{
		// Without self-service restore, exporter and monitor (nextcloud.go).
		Kind:               "VSHNNextcloud",
		Service:            "nextcloud",
		DefaultComposition: "vshnnextcloud.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "version"},
		DefaultVersion:     "31",
		reportVersion:      reportRedisVersion, // status.currentReleaseTag, as for Redis
		restoreStyle:       fixedRestoreStyle(restoreNotSelfService),
		connection:         nextcloudConnection,
		backup:             &nextcloudBackups,
		maintenance:        true,
		defaultDisk:        "16Gi",
	},
	{
		// Maintenance, the release tag, and its nested PostgreSQL's backups and restore; no
		// exporter (keycloak.go).
		Kind:               "VSHNKeycloak",
		Service:            "keycloak",
		DefaultComposition: "vshnkeycloak.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "version"},
		DefaultVersion:     "26",
		reportVersion:      reportRedisVersion, // status.currentReleaseTag, as for Redis
		restoreStyle:       fixedRestoreStyle(restoreContinuous),
		connection:         keycloakConnection,
		backup:             &keycloakBackups,
		maintenance:        true,
		defaultDisk:        "16Gi",
	},
	{
		// Maintenance, the release tag and SSH; without restore, backups and exporter (forgejo.go).
		Kind:               "VSHNForgejo",
		Service:            "forgejo",
		DefaultComposition: "vshnforgejo.vshn.appcat.vshn.io",
		VersionPath:        []string{"service", "majorVersion"},
		DefaultVersion:     "14.0.0",
		reportVersion:      reportForgejoStatus,
		connection:         forgejoConnection,
		maintenance:        true,
		defaultDisk:        "50Gi",
	},
	exoscaleKind("ExoscalePostgreSQL", "exoscale-postgresql", "exoscalepostgres.exoscale.appcat.vshn.io", "majorVersion", "16", exoscalePostgreSQLConnection),
	exoscaleKind("ExoscaleMySQL", "exoscale-mysql", "exoscalemysql.exoscale.appcat.vshn.io", "majorVersion", "8", exoscaleMySQLConnection),
	exoscaleKind("ExoscaleRedis", "exoscale-redis", "exoscaleredis.exoscale.appcat.vshn.io", "", "", exoscaleRedisConnection),
	exoscaleKind("ExoscaleKafka", "exoscale-kafka", "exoscalekafka.exoscale.appcat.vshn.io", "version", "3.8", exoscaleKafkaConnection).
		reporting(reportKafkaVersion),
	exoscaleKind("ExoscaleOpenSearch", "exoscale-opensearch", "exoscaleopensearch.exoscale.appcat.vshn.io", "majorVersion", "2", exoscaleOpenSearchConnection),
	{
		// One bucket on the installation's object storage: no instance namespace, version,
		// sizes, backups, maintenance window or exporter (objectbucket.go).
		Kind:                "ObjectBucket",
		Group:               "appcat.vshn.io",
		Service:             "objectbucket",
		DefaultComposition:  "minio.objectbuckets.appcat.vshn.io",
		connection:          objectBucketConnection,
		noInstanceNamespace: true,
		describe:            describeObjectBucket,
	},
	{
		// Forgejo as a product: no instance namespace in its status, no version report,
		// restore, backups, maintenance window or exporter (codey.go).
		Kind:                "CodeyInstance",
		Group:               "codey.io",
		Service:             "codey",
		DefaultComposition:  "codey.io",
		VersionPath:         []string{"service", "majorVersion"},
		DefaultVersion:      "14.0.0",
		connection:          codeyConnection,
		noInstanceNamespace: true,
	},
}

// IsClaimKind tells whether gk is one of the platform's claim kinds.
func IsClaimKind(gk schema.GroupKind) bool {
	k := kindByName(gk.Kind)
	return k != nil && k.gvk().GroupKind() == gk
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
