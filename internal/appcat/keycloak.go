package appcat

// Keycloak is the VSHNKeycloak service kind: Keycloak with its own PostgreSQL instance
// (github.com/vshn/appcat apis/vshn/v1/dbaas_vshn_keycloak.go, crds/vshn.appcat.vshn.io_vshnkeycloaks.yaml,
// pkg/comp-functions/functions/vshnkeycloak).
var Keycloak = Kind{
	Kind:     "VSHNKeycloak",
	Resource: "vshnkeycloaks",
	Service:  "keycloak",
	// The webhook's limit for services with a nested instance (pkg/controller/webhooks:
	// maxNestedNameLength).
	NameMaxLength: 27,
	// What the composition writes (vshnkeycloak/deploy.go): the admin user "admin", its password,
	// the host of the Keycloak service <composite>-keycloakx-http, and the certificate secret's
	// keys, of which the XRD's connectionSecretKeys (component-appcat 20_xrd_vshn_keycloak.yaml)
	// let ca.crt through to the claim's secret. The XRD lists KEYCLOAK_URL too, but the
	// composition never writes it (the constant is unused), so readiness does not wait for it.
	ConnectionSecretKeys: []string{"KEYCLOAK_HOST", "KEYCLOAK_USERNAME", "KEYCLOAK_PASSWORD", "ca.crt"},
	Connection:           ConnectionKeys{Host: "KEYCLOAK_HOST", Username: "KEYCLOAK_USERNAME", Password: "KEYCLOAK_PASSWORD", CA: "ca.crt"},
	// status.currentReleaseTag: the image tag maintenance.SetReleaseVersion picks (deploy.go).
	VersionStatus:               StatusCurrentReleaseTag,
	VersionStatusFollowsUpgrade: true,
	// Its backups are those of the PostgreSQL instance nested in it, which AppCat's API server
	// lists as VSHNKeycloakBackup (apis/apiserver/v1/vshn_keycloak_backup_types.go,
	// pkg/apiserver/vshn/keycloak/list.go): the nested instance's backups (StackGres SGBackup or
	// CloudNativePG Backup, under their own names) with the VSHNPostgresBackup status under
	// status.databaseBackupStatus, whose databaseInstance names the nested XVSHNPostgreSQL,
	// "<composite>-pg", not the claim. The composition passes the claim's backup schedule and
	// retention.keepDaily on to that instance (common/postgresql.go CreateDependency) and its
	// spec.parameters.restore too (with claimType XVSHNKeycloak; deploy.go also copies the
	// source's admin credentials). The ServiceMonitor the composition adds scrapes Keycloak
	// itself, not an exporter the metrics endpoint knows, so no MetricsTargets.
	Backups: &BackupKind{Kind: "VSHNKeycloakBackup", Resource: "vshnkeycloakbackups", InstanceField: "databaseInstance",
		FieldsIn: "databaseBackupStatus", InstanceOfComposite: "-pg", Process: true, Retention: RetentionNestedPostgreSQL},
	// A maintenance window (vshnkeycloak/maintenance.go) and the webhook
	// (pkg/controller/webhooks/keycloak.go).
	Maintenance: true, Webhook: true,
}

// CompositionKeycloak is Keycloak's default composition (component-appcat: the XRD's
// defaultCompositionRef).
const CompositionKeycloak = "vshnkeycloak.vshn.appcat.vshn.io"

// KeycloakClaim is a VSHNKeycloak claim.
type KeycloakClaim = Claim[KeycloakParameters]

// KeycloakParameters is spec.parameters of a VSHNKeycloak.
type KeycloakParameters struct {
	Service     *KeycloakService `json:"service,omitempty"`
	Size        *Size            `json:"size,omitempty"`
	Instances   *int64           `json:"instances,omitempty"`
	TLS         *TLS             `json:"tls,omitempty"`
	Security    *Security        `json:"security,omitempty"`
	Scheduling  *Scheduling      `json:"scheduling,omitempty"`
	Backup      *Backup          `json:"backup,omitempty"`
	Maintenance *Maintenance     `json:"maintenance,omitempty"`
	Restore     *Restore         `json:"restore,omitempty"`
	Monitoring  *Monitoring      `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// KeycloakService is spec.parameters.service of a VSHNKeycloak.
type KeycloakService struct {
	Version      *string `json:"version,omitempty"`
	ServiceLevel *string `json:"serviceLevel,omitempty"`
	// FQDN is the host name of the ingress; none without it.
	FQDN *string `json:"fqdn,omitempty"`
	// RelativePath is the path Keycloak serves under (default "/").
	RelativePath *string               `json:"relativePath,omitempty"`
	AdminConsole *KeycloakAdminConsole `json:"adminConsole,omitempty"`
	// PostgreSQLParameters configure the nested PostgreSQL instance (VSHNPostgreSQL's parameters).
	PostgreSQLParameters   *PostgreSQLParameters       `json:"postgreSQLParameters,omitempty"`
	CustomizationImage     *KeycloakCustomizationImage `json:"customizationImage,omitempty"`
	CustomFiles            []KeycloakCustomFile        `json:"customFiles,omitempty"`
	CustomConfigurationRef *string                     `json:"customConfigurationRef,omitempty"`
	// CustomEnvVariablesRef is deprecated upstream in favour of envFrom; kept so a claim reads back whole.
	CustomEnvVariablesRef *string               `json:"customEnvVariablesRef,omitempty"`
	EnvFrom               []map[string]any      `json:"envFrom,omitempty"`
	CustomMounts          []KeycloakCustomMount `json:"customMounts,omitempty"`
}

// KeycloakAdminConsole is spec.parameters.service.adminConsole.
type KeycloakAdminConsole struct {
	Private *bool   `json:"private,omitempty"`
	FQDN    *string `json:"fqdn,omitempty"`
}

// KeycloakCustomizationImage is an image with themes and providers copied into Keycloak.
type KeycloakCustomizationImage struct {
	Image              *string    `json:"image,omitempty"`
	ImagePullSecretRef *SecretRef `json:"imagePullSecretRef,omitempty"`
}

// SecretRef names a Secret by name and namespace (Kubernetes' SecretReference).
type SecretRef struct {
	Name      *string `json:"name,omitempty"`
	Namespace *string `json:"namespace,omitempty"`
}

// KeycloakCustomFile is a file copied from the customization image into /opt/keycloak.
type KeycloakCustomFile struct {
	Source      string `json:"source,omitempty"`
	Destination string `json:"destination,omitempty"`
}

// KeycloakCustomMount is a Secret or ConfigMap of the claim namespace mounted into Keycloak.
type KeycloakCustomMount struct {
	Name string `json:"name"`
	Type string `json:"type"`
}
