package appcat

// MinIO is the VSHNMinio service kind: S3-compatible object storage run by the MinIO Helm chart
// (github.com/vshn/appcat apis/vshn/v1/vshn_minio.go, crds/vshn.appcat.vshn.io_vshnminios.yaml,
// pkg/comp-functions/functions/vshnminio/minio_deploy.go).
var MinIO = Kind{
	Kind:     "VSHNMinio",
	Resource: "vshnminios",
	Service:  "minio",
	// pkg/controller/webhooks/minio.go: the default handler's maxResourceNameLength.
	NameMaxLength: 37,
	// minio_deploy.go: the root user and password of the chart's Secret as AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY, and MINIO_URL, http://<cluster IP of the MinIO Service>:<its port>.
	// component-appcat's XRD lists the same three connectionSecretKeys. No certificate.
	ConnectionSecretKeys: []string{"MINIO_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"},
	Connection:           ConnectionKeys{URL: "MINIO_URL", AccessKeyID: "AWS_ACCESS_KEY_ID", SecretAccessKey: "AWS_SECRET_ACCESS_KEY"},
	// No version: spec.parameters.service has mode alone, and the composition writes no version
	// into the status (VSHNMinioStatus.currentReleaseTag stays empty). No backups
	// (IsBackupEnabled is false), no database users. A maintenance window (maintenance.go), a
	// ServiceMonitor in the instance namespace and the webhook (pkg/controller/webhooks/minio.go).
	Maintenance: true, MetricsTargets: true, Webhook: true,
}

// CompositionMinIO is MinIO's default composition (component-appcat: the XRD's
// defaultCompositionRef).
const CompositionMinIO = "vshnminio.vshn.appcat.vshn.io"

// MinIOClaim is a VSHNMinio claim.
type MinIOClaim = Claim[MinIOParameters]

// MinIOParameters is spec.parameters of a VSHNMinio. It has no scheduling, no additional
// resources and no service level; its backup and restore fields are unused (no backups).
type MinIOParameters struct {
	Service      *MinIOService `json:"service,omitempty"`
	Size         *Size         `json:"size,omitempty"`
	Instances    *int64        `json:"instances,omitempty"`
	StorageClass *string       `json:"storageClass,omitempty"`
	Maintenance  *Maintenance  `json:"maintenance,omitempty"`
	Security     *Security     `json:"security,omitempty"`
	Monitoring   *Monitoring   `json:"monitoring,omitempty"`
}

// MinIOService is spec.parameters.service of a VSHNMinio.
type MinIOService struct {
	// Mode is distributed (the default: instances MinIO servers, erasure coded) or standalone
	// (one server, whatever instances says).
	Mode *string `json:"mode,omitempty"`
}
