package appcat

// Garage is the VSHNGarage service kind: S3-compatible object storage (github.com/vshn/appcat
// apis/vshn/v1/dbaas_vshn_garage.go, crds/vshn.appcat.vshn.io_vshngarages.yaml,
// pkg/comp-functions/functions/vshngarage/deploy.go).
var Garage = Kind{
	Kind:     "VSHNGarage",
	Resource: "vshngarages",
	Service:  "garage",
	// AppCat has no webhook for Garage, so no name limit of its own: the instance namespace
	// vshn-garage-<claim>-<5 random characters> must be a DNS label (63 characters).
	NameMaxLength: 45,
	// The only key the composition writes: the S3 endpoint the Garage operator reports in the
	// GarageCluster's status.endpoints.s3, garage.<instance namespace>.svc.cluster.local:3900
	// (host and port, no scheme, no credentials).
	ConnectionSecretKeys: []string{"GARAGE_URL"},
	Connection:           ConnectionKeys{URL: "GARAGE_URL"},
	// No version in the status (VSHNGarageStatus has instanceNamespace and schedules only), no
	// backups (IsBackupEnabled is false), no database users, no maintenance window
	// (GetFullMaintenanceSchedule is empty), no exporter in the instance namespace, and no
	// admission webhook (pkg/controller/webhooks has none for VSHNGarage).
}

// CompositionGarage is Garage's default composition (component-appcat: the XRD's
// defaultCompositionRef).
const CompositionGarage = "vshngarage.vshn.appcat.vshn.io"

// GarageClaim is a VSHNGarage claim.
type GarageClaim = Claim[GarageParameters]

// GarageParameters is spec.parameters of a VSHNGarage.
type GarageParameters struct {
	Service    *GarageService `json:"service,omitempty"`
	Size       *Size          `json:"size,omitempty"`
	Instances  *int64         `json:"instances,omitempty"`
	Security   *Security      `json:"security,omitempty"`
	Scheduling *Scheduling    `json:"scheduling,omitempty"`
	Monitoring *Monitoring    `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// GarageService is spec.parameters.service of a VSHNGarage.
type GarageService struct {
	Version *string `json:"version,omitempty"`
	// MetadataStorage is the size of the volume of Garage's metadata database.
	MetadataStorage *string `json:"metadataStorage,omitempty"`
	ServiceLevel    *string `json:"serviceLevel,omitempty"`
}
