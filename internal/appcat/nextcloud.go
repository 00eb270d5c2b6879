package appcat

// Nextcloud is the VSHNNextcloud service kind: Nextcloud with an optional Collabora Online
// server and, by default, a VSHNPostgreSQL of its own (github.com/vshn/appcat
// apis/vshn/v1/vshn_nextcloud.go, crds/vshn.appcat.vshn.io_vshnnextclouds.yaml,
// pkg/comp-functions/functions/vshnnextcloud).
var Nextcloud = Kind{
	Kind:     "VSHNNextcloud",
	Resource: "vshnnextclouds",
	Service:  "nextcloud",
	// pkg/controller/webhooks/nextcloud.go: maxNestedNameLength (the instance nests a VSHNPostgreSQL).
	NameMaxLength: 27,
	// Always written (vshnnextcloud/deploy.go): the admin's credentials and the service's host,
	// <claim>-nextcloud.<instance namespace>.svc.cluster.local (no port, no URL: the XRD lists
	// NEXTCLOUD_URL and ca.crt but the composition writes neither). COLLABORA_HOST only with
	// Collabora enabled.
	ConnectionSecretKeys: []string{"NEXTCLOUD_HOST", "NEXTCLOUD_USERNAME", "NEXTCLOUD_PASSWORD"},
	Connection: ConnectionKeys{
		Host: "NEXTCLOUD_HOST", Username: "NEXTCLOUD_USERNAME", Password: "NEXTCLOUD_PASSWORD",
		CollaboraHost: "COLLABORA_HOST",
	},
	// VSHNNextcloudStatus.CurrentReleaseTag: the image tag maintenance deployed.
	VersionStatus:               StatusCurrentReleaseTag,
	VersionStatusFollowsUpgrade: true,
	// apis/apiserver/v1/vshn_nextcloud_backup_types.go, pkg/apiserver/vshn/nextcloud/list.go: K8up
	// snapshots of the files, their id, date and instance under status.nextcloudFileBackup.
	Backups: &BackupKind{Kind: "VSHNNextcloudBackup", Resource: "vshnnextcloudbackups", InstanceField: "instance",
		FieldsIn: "nextcloudFileBackup"},
	// A maintenance window (vshnnextcloud/maintenance.go) and the webhook
	// (pkg/controller/webhooks/nextcloud.go, deletion protection included). The Helm chart's
	// exporter runs without a ServiceMonitor, so no metrics targets.
	Maintenance: true, Webhook: true,
}

// CompositionNextcloud is Nextcloud's default composition (component-appcat: the XRD's
// defaultCompositionRef).
const CompositionNextcloud = "vshnnextcloud.vshn.appcat.vshn.io"

// NextcloudClaim is a VSHNNextcloud claim.
type NextcloudClaim = Claim[NextcloudParameters]

// NextcloudParameters is spec.parameters of a VSHNNextcloud.
type NextcloudParameters struct {
	Service     *NextcloudService `json:"service,omitempty"`
	Size        *Size             `json:"size,omitempty"`
	Instances   *int64            `json:"instances,omitempty"`
	Security    *Security         `json:"security,omitempty"`
	Scheduling  *Scheduling       `json:"scheduling,omitempty"`
	Backup      *Backup           `json:"backup,omitempty"`
	Maintenance *Maintenance      `json:"maintenance,omitempty"`
	Restore     *Restore          `json:"restore,omitempty"`
	Monitoring  *Monitoring       `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// NextcloudService is spec.parameters.service of a VSHNNextcloud.
type NextcloudService struct {
	// FQDN are the host names of the ingress (at least one).
	FQDN         []string         `json:"fqdn,omitempty"`
	RelativePath *string          `json:"relativePath,omitempty"`
	Version      *string          `json:"version,omitempty"`
	ServiceLevel *string          `json:"serviceLevel,omitempty"`
	Collabora    *NextcloudCollab `json:"collabora,omitempty"`
	// UseExternalPostgreSQL: a VSHNPostgreSQL holds the data (default); false: SQLite.
	UseExternalPostgreSQL *bool `json:"useExternalPostgreSQL,omitempty"`
	// ExistingPGConnectionSecret names the connection secret of an existing VSHNPostgreSQL in the
	// claim's namespace; it takes precedence over PostgreSQLParameters.
	ExistingPGConnectionSecret *string `json:"existingPGConnectionSecret,omitempty"`
	// PostgreSQLParameters are the parameters of the VSHNPostgreSQL the composition creates.
	PostgreSQLParameters *PostgreSQLParameters `json:"postgreSQLParameters,omitempty"`
}

// NextcloudCollab is spec.parameters.service.collabora of a VSHNNextcloud.
type NextcloudCollab struct {
	// Enabled is required by the schema, so it is always sent.
	Enabled bool    `json:"enabled"`
	FQDN    *string `json:"fqdn,omitempty"`
	Version *string `json:"version,omitempty"`
}
