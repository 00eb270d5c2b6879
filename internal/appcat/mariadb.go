package appcat

import "regexp"

// MariaDB is the VSHNMariaDB service kind.
var MariaDB = Kind{
	Kind:          "VSHNMariaDB",
	Resource:      "vshnmariadbs",
	Service:       "mariadb",
	NameMaxLength: 30,
	// Always written; LOADBALANCER_IP only with serviceType LoadBalancer.
	ConnectionSecretKeys: []string{"MARIADB_HOST", "MARIADB_PORT", "MARIADB_USERNAME", "MARIADB_PASSWORD", "MARIADB_URL", "ca.crt"},
	Connection: ConnectionKeys{
		Host: "MARIADB_HOST", Port: "MARIADB_PORT", Username: "MARIADB_USERNAME", Password: "MARIADB_PASSWORD", URL: "MARIADB_URL",
		CA: "ca.crt", LoadBalancerIP: "LOADBALANCER_IP",
	},
	// Upstream: apis/vshn/v1/dbaas_vshn_mariadb.go: e.g. "11.4.2-MariaDB-log".
	VersionStatus: StatusMariaDBVersion,
	// apis/apiserver/v1/vshn_mariadb_backup_types.go, pkg/apiserver/vshn/mariadb/list.go
	Backups: &BackupKind{Kind: "VSHNMariaDBBackup", Resource: "vshnmariadbbackups", InstanceField: "instance"},
	Users: &UserRules{
		Secret: AccessSecret{
			Keys: []string{"MARIADB_USERNAME", "MARIADB_PASSWORD", "MARIADB_DB", "MARIADB_HOST", "MARIADB_PORT", "MARIADB_URL", "ca.crt"},
			Connection: ConnectionKeys{
				Host: "MARIADB_HOST", Port: "MARIADB_PORT", Username: "MARIADB_USERNAME", Password: "MARIADB_PASSWORD",
				Database: "MARIADB_DB", URL: "MARIADB_URL", CA: "ca.crt",
			},
		},
		// 32 characters for users as in MySQL 5.7+, 64 for databases.
		UserMaxLength: 32, DatabaseMaxLength: 64,
		Privilege: regexp.MustCompile(`^[A-Z_ ]+$`),
	},
	// A maintenance window, metrics targets and the webhook: pkg/comp-functions/functions/common/maintenance,
	// the composition's ServiceMonitor or PodMonitor, pkg/controller/webhooks.
	Maintenance: true, MetricsTargets: true, Webhook: true,
}

// MariaDBClaim is a VSHNMariaDB claim.
type MariaDBClaim = Claim[MariaDBParameters]

// MariaDBParameters is spec.parameters of a VSHNMariaDB.
type MariaDBParameters struct {
	Service      *MariaDBService `json:"service,omitempty"`
	Size         *Size           `json:"size,omitempty"`
	Instances    *int64          `json:"instances,omitempty"`
	StorageClass *string         `json:"storageClass,omitempty"`
	TLS          *TLS            `json:"tls,omitempty"`
	Network      *Network        `json:"network,omitempty"`
	Security     *Security       `json:"security,omitempty"`
	Scheduling   *Scheduling     `json:"scheduling,omitempty"`
	Backup       *Backup         `json:"backup,omitempty"`
	Maintenance  *Maintenance    `json:"maintenance,omitempty"`
	Restore      *Restore        `json:"restore,omitempty"`
	Monitoring   *Monitoring     `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// MariaDBService is spec.parameters.service of a VSHNMariaDB.
type MariaDBService struct {
	Version         *string   `json:"version,omitempty"`
	MariadbSettings *string   `json:"mariadbSettings,omitempty"`
	ServiceLevel    *string   `json:"serviceLevel,omitempty"`
	Access          []Access  `json:"access,omitempty"`
	ProxySQL        *ProxySQL `json:"proxySQL,omitempty"`
}

// ProxySQL is spec.parameters.service.proxySQL: the proxy in front of a Galera cluster.
type ProxySQL struct {
	Resources *Resources `json:"resources,omitempty"`
}
