package appcat

import "regexp"

// PostgreSQL is the VSHNPostgreSQL service kind.
var PostgreSQL = Kind{
	Kind:          "VSHNPostgreSQL",
	Resource:      "vshnpostgresqls",
	Service:       "postgresql",
	NameMaxLength: 30,
	ConnectionSecretKeys: []string{
		"POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_USER", "POSTGRESQL_PASSWORD",
		"POSTGRESQL_DB", "POSTGRESQL_URL", "ca.crt", "tls.crt", "tls.key",
	},
	Connection: ConnectionKeys{
		Host: "POSTGRESQL_HOST", Port: "POSTGRESQL_PORT", Username: "POSTGRESQL_USER",
		Password: "POSTGRESQL_PASSWORD", Database: "POSTGRESQL_DB", URL: "POSTGRESQL_URL",
		CA: "ca.crt", ClientCertificate: "tls.crt", ClientKey: "tls.key", LoadBalancerIP: "LOADBALANCER_IP",
		GatewayHost: "POSTGRESQL_GATEWAY_HOST", GatewayPort: "POSTGRESQL_GATEWAY_PORT",
	},
	// Upstream: apis/vshn/v1/dbaas_vshn_postgresql.go: the major version, or the pinned image tag on CloudNativePG.
	VersionStatusFollowsUpgrade: true,
	VersionStatus:               StatusCurrentVersion,
	PreviousVersionStatus:       StatusPreviousVersion,
	// apis/apiserver/v1/vshn_postgres_backup_types.go, pkg/apiserver/vshn/postgres/list.go
	Backups: &BackupKind{Kind: "VSHNPostgresBackup", Resource: "vshnpostgresbackups", InstanceField: "databaseInstance", Process: true, Retention: RetentionDays},
	Users: &UserRules{
		Secret: AccessSecret{
			Keys: []string{"POSTGRESQL_USER", "POSTGRESQL_PASSWORD", "POSTGRESQL_DB", "POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_URL", "ca.crt", "tls.crt", "tls.key"},
			Connection: ConnectionKeys{
				Host: "POSTGRESQL_HOST", Port: "POSTGRESQL_PORT", Username: "POSTGRESQL_USER", Password: "POSTGRESQL_PASSWORD",
				Database: "POSTGRESQL_DB", URL: "POSTGRESQL_URL", CA: "ca.crt",
			},
		},
		UserMaxLength: 63, DatabaseMaxLength: 63, // NAMEDATALEN - 1
		Privilege: regexp.MustCompile(`^[A-Z]+$`),
		// Not on CloudNativePG, the default composition.
		PrivilegeCompositions: []string{CompositionPostgreSQLStackGres},
	},
	// A maintenance window, metrics targets and the webhook: pkg/comp-functions/functions/common/maintenance,
	// the composition's ServiceMonitor or PodMonitor, pkg/controller/webhooks.
	Maintenance: true, MetricsTargets: true, Webhook: true,
}

// PostgreSQL compositions (spec.compositionRef.name): the implementation behind a claim.
const (
	CompositionPostgreSQLCNPG      = "vshnpostgrescnpg.vshn.appcat.vshn.io"
	CompositionPostgreSQLStackGres = "vshnpostgres.vshn.appcat.vshn.io"
)

// PostgreSQLClaim is a VSHNPostgreSQL claim.
type PostgreSQLClaim = Claim[PostgreSQLParameters]

// PostgreSQLParameters is spec.parameters of a VSHNPostgreSQL. Pointers and omitempty everywhere:
// with server-side apply, what is sent is what the field manager owns.
type PostgreSQLParameters struct {
	Service        *PostgreSQLService     `json:"service,omitempty"`
	Size           *Size                  `json:"size,omitempty"`
	Instances      *int64                 `json:"instances,omitempty"`
	Replication    *PostgreSQLReplication `json:"replication,omitempty"`
	Network        *Network               `json:"network,omitempty"`
	Security       *Security              `json:"security,omitempty"`
	Encryption     *PostgreSQLEncryption  `json:"encryption,omitempty"`
	Scheduling     *Scheduling            `json:"scheduling,omitempty"`
	UpdateStrategy *UpdateStrategy        `json:"updateStrategy,omitempty"`
	Backup         *PostgreSQLBackup      `json:"backup,omitempty"`
	Maintenance    *Maintenance           `json:"maintenance,omitempty"`
	Restore        *Restore               `json:"restore,omitempty"`
	Monitoring     *Monitoring            `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// PostgreSQLService is spec.parameters.service of a VSHNPostgreSQL.
type PostgreSQLService struct {
	MajorVersion              *string               `json:"majorVersion,omitempty"`
	PgSettings                map[string]any        `json:"pgSettings,omitempty"`
	PgBouncerSettings         map[string]any        `json:"pgBouncerSettings,omitempty"`
	Extensions                []PostgreSQLExtension `json:"extensions,omitempty"`
	ServiceLevel              *string               `json:"serviceLevel,omitempty"`
	RepackEnabled             *bool                 `json:"repackEnabled,omitempty"`
	VacuumEnabled             *bool                 `json:"vacuumEnabled,omitempty"`
	TLS                       *TLS                  `json:"tls,omitempty"`
	Access                    []Access              `json:"access,omitempty"`
	DisablePgBouncer          *bool                 `json:"disablePgBouncer,omitempty"`
	EnableEnvoy               *bool                 `json:"enableEnvoy,omitempty"`
	DedicatedPatroniResources *bool                 `json:"dedicatedPatroniResources,omitempty"`
}

// PostgreSQLExtension is one entry of spec.parameters.service.extensions.
type PostgreSQLExtension struct {
	Name            string   `json:"name,omitempty"`
	Image           string   `json:"image,omitempty"`
	ImagePullPolicy string   `json:"imagePullPolicy,omitempty"`
	DynamicLibPath  []string `json:"dynamic_library_path,omitempty"`
	ExtControlPath  []string `json:"extension_control_path,omitempty"`
	LDLibraryPath   []string `json:"ld_library_path,omitempty"`
}

// PostgreSQLReplication is spec.parameters.replication.
type PostgreSQLReplication struct {
	Mode *string `json:"mode,omitempty"`
}

// PostgreSQLEncryption is spec.parameters.encryption (immutable after create).
type PostgreSQLEncryption struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// PostgreSQLBackup is spec.parameters.backup of a VSHNPostgreSQL.
type PostgreSQLBackup struct {
	Enabled   *bool   `json:"enabled,omitempty"`
	Schedule  *string `json:"schedule,omitempty"`
	Retention any     `json:"retention,omitempty"` // integer or string

	// DeletionProtection and DeletionRetention (days) are kept by the API; see
	// docs/guides/platform-api.md for what the platform does with them.
	DeletionProtection *bool            `json:"deletionProtection,omitempty"`
	DeletionRetention  *int64           `json:"deletionRetention,omitempty"`
	UnmanagedBucket    *UnmanagedBucket `json:"unmanagedBucket,omitempty"`
}
