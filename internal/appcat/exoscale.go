package appcat

// The Exoscale DBaaS kinds: AppCat claims in group exoscale.appcat.vshn.io/v1 that order a
// database from Exoscale (github.com/vshn/appcat apis/exoscale/v1/dbaas_exoscale*.go; the XRDs and
// compositions are component-appcat's component/exoscale_*.jsonnet, rendered in
// tests/golden/vshn-managed/appcat/appcat/20_xrd_exoscale_*.yaml and 21_composition_exoscale_*.yaml).
// They share one shape, so they share one constructor and one parameters type; each kind adds its
// names, its connection secret keys and, for Kafka, the status field with its version.

// exoscaleKind is the part every Exoscale DBaaS kind shares: the group, no name limit of a
// webhook (AppCat registers none for these kinds), and none of AppCat's VSHN capabilities — no
// instance namespace, backups objects, database users, maintenance window of AppCat's own,
// metrics targets or SLI (External). The claim name ends up in the label crossplane.io/composite
// of the composite <name>-<5 random characters>, and a label value has at most 63 characters.
func exoscaleKind(kind, resource, service string, keys []string, conn ConnectionKeys) Kind {
	return Kind{
		Kind:                 kind,
		Resource:             resource,
		GroupVersion:         ExoscaleGroupVersion,
		Service:              service,
		NameMaxLength:        57,
		ConnectionSecretKeys: keys,
		Connection:           conn,
		External:             true,
	}
}

// ExoscalePostgreSQL is PostgreSQL at Exoscale. Connection secret keys: the XRD's
// connectionSecretKeys, which the composition copies from provider-exoscale's secret.
var ExoscalePostgreSQL = exoscaleKind("ExoscalePostgreSQL", "exoscalepostgresqls", "exoscale-postgresql",
	[]string{"POSTGRESQL_URL", "POSTGRESQL_DB", "POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_USER", "POSTGRESQL_PASSWORD", "ca.crt"},
	ConnectionKeys{Host: "POSTGRESQL_HOST", Port: "POSTGRESQL_PORT", Username: "POSTGRESQL_USER", Password: "POSTGRESQL_PASSWORD",
		Database: "POSTGRESQL_DB", URL: "POSTGRESQL_URL", CA: "ca.crt"})

// ExoscaleMySQL is MySQL at Exoscale (the XRD's connectionSecretKeys).
var ExoscaleMySQL = exoscaleKind("ExoscaleMySQL", "exoscalemysqls", "exoscale-mysql",
	[]string{"MYSQL_URL", "MYSQL_DB", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "ca.crt"},
	ConnectionKeys{Host: "MYSQL_HOST", Port: "MYSQL_PORT", Username: "MYSQL_USER", Password: "MYSQL_PASSWORD",
		Database: "MYSQL_DB", URL: "MYSQL_URL", CA: "ca.crt"})

// ExoscaleRedis is Redis at Exoscale: no version to choose, no backup time, and no ca.crt (the
// XRD's connectionSecretKeys).
var ExoscaleRedis = exoscaleKind("ExoscaleRedis", "exoscaleredis", "exoscale-redis",
	[]string{"REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_URL"},
	ConnectionKeys{Host: "REDIS_HOST", Port: "REDIS_PORT", Username: "REDIS_USERNAME", Password: "REDIS_PASSWORD", URL: "REDIS_URL"})

// ExoscaleKafka is Kafka at Exoscale. Clients authenticate with a client certificate, so the
// secret has no user or password: KAFKA_URI (host:port, no scheme), KAFKA_NODES (every broker's
// host:port, separated by spaces), service.cert and service.key (the client certificate and its
// key) and ca.crt (provider-exoscale operator/kafkacontroller/observe.go). status.version is the
// Kafka version Exoscale runs (the composition's ToCompositeFieldPath from status.atProvider.version);
// the version cannot change in place, so nothing waits for it to follow.
var ExoscaleKafka = withVersionStatus(exoscaleKind("ExoscaleKafka", "exoscalekafkas", "exoscale-kafka",
	[]string{"KAFKA_URI", "KAFKA_HOST", "KAFKA_PORT", "KAFKA_NODES", "service.cert", "service.key", "ca.crt"},
	ConnectionKeys{Host: "KAFKA_HOST", Port: "KAFKA_PORT", URL: "KAFKA_URI", Nodes: "KAFKA_NODES", CA: "ca.crt",
		ClientCertificate: "service.cert", ClientKey: "service.key"}), StatusVersion)

// ExoscaleOpenSearch is OpenSearch at Exoscale: its admin user, the https URI with the
// credentials, and the URI of OpenSearch Dashboards; no ca.crt (the XRD lists none).
var ExoscaleOpenSearch = exoscaleKind("ExoscaleOpenSearch", "exoscaleopensearches", "exoscale-opensearch",
	[]string{"OPENSEARCH_USER", "OPENSEARCH_PASSWORD", "OPENSEARCH_DASHBOARD_URI", "OPENSEARCH_URI", "OPENSEARCH_HOST", "OPENSEARCH_PORT"},
	ConnectionKeys{Host: "OPENSEARCH_HOST", Port: "OPENSEARCH_PORT", Username: "OPENSEARCH_USER", Password: "OPENSEARCH_PASSWORD",
		URL: "OPENSEARCH_URI", DashboardURL: "OPENSEARCH_DASHBOARD_URI"})

// withVersionStatus is k reporting the version it runs in that status field.
func withVersionStatus(k Kind, field string) Kind {
	k.VersionStatus = field
	return k
}

// Compositions of the Exoscale kinds (the XRDs' defaultCompositionRef; ExoscaleKafka's XRD names
// none, and its only composition is this one).
const (
	CompositionExoscalePostgreSQL = "exoscalepostgres.exoscale.appcat.vshn.io"
	CompositionExoscaleMySQL      = "exoscalemysql.exoscale.appcat.vshn.io"
	CompositionExoscaleRedis      = "exoscaleredis.exoscale.appcat.vshn.io"
	CompositionExoscaleKafka      = "exoscalekafka.exoscale.appcat.vshn.io"
	CompositionExoscaleOpenSearch = "exoscaleopensearch.exoscale.appcat.vshn.io"
)

// ExoscaleClaim is a claim of one of the Exoscale kinds.
type ExoscaleClaim = Claim[ExoscaleParameters]

// ExoscaleParameters is spec.parameters of the Exoscale kinds. Redis and Kafka have no backup
// block; each kind has only its own service settings and version field.
type ExoscaleParameters struct {
	Service     *ExoscaleService     `json:"service,omitempty"`
	Size        *ExoscaleSize        `json:"size,omitempty"`
	Network     *ExoscaleNetwork     `json:"network,omitempty"`
	Maintenance *ExoscaleMaintenance `json:"maintenance,omitempty"`
	Backup      *ExoscaleBackup      `json:"backup,omitempty"`
}

// ExoscaleService is spec.parameters.service: the zone, the version and the service's settings
// (a free object, passed to Exoscale as is).
type ExoscaleService struct {
	Zone *string `json:"zone,omitempty"`
	// MajorVersion: PostgreSQL, MySQL, OpenSearch. Version: Kafka. Redis has neither.
	MajorVersion *string `json:"majorVersion,omitempty"`
	Version      *string `json:"version,omitempty"`

	PGSettings         map[string]any `json:"pgSettings,omitempty"`
	MySQLSettings      map[string]any `json:"mysqlSettings,omitempty"`
	RedisSettings      map[string]any `json:"redisSettings,omitempty"`
	KafkaSettings      map[string]any `json:"kafkaSettings,omitempty"`
	OpenSearchSettings map[string]any `json:"opensearchSettings,omitempty"`
}

// ExoscaleSize is spec.parameters.size: an Exoscale plan name such as startup-4.
type ExoscaleSize struct {
	Plan *string `json:"plan,omitempty"`
}

// ExoscaleNetwork is spec.parameters.network: the IPv4 CIDR ranges allowed to connect.
type ExoscaleNetwork struct {
	IPFilter []string `json:"ipFilter,omitempty"`
}

// ExoscaleMaintenance is spec.parameters.maintenance: Exoscale's weekly window, dayOfWeek
// monday…sunday or never, timeOfDay hh:mm:ss UTC.
type ExoscaleMaintenance struct {
	DayOfWeek *string `json:"dayOfWeek,omitempty"`
	TimeOfDay *string `json:"timeOfDay,omitempty"`
}

// ExoscaleBackup is spec.parameters.backup: the time of the daily backup, hh:mm:ss UTC.
type ExoscaleBackup struct {
	TimeOfDay *string `json:"timeOfDay,omitempty"`
}
