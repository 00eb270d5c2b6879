package appcat

// Forgejo is the VSHNForgejo service kind: a Forgejo Git forge (github.com/vshn/appcat
// apis/vshn/v1/dbaas_vshn_forgejo.go, crds/vshn.appcat.vshn.io_vshnforgejoes.yaml,
// pkg/comp-functions/functions/vshnforgejo).
var Forgejo = Kind{
	Kind:     "VSHNForgejo",
	Resource: "vshnforgejoes",
	Service:  "forgejo",
	// The webhook's limit for these services (pkg/controller/webhooks/forgejo.go: maxNestedNameLength).
	NameMaxLength: 27,
	// What the composition always writes (vshnforgejo/deploy.go): the admin user forgejo_admin, its
	// password, FORGEJO_URL (the fqdn list joined by ",", no scheme) and FORGEJO_HOST, the HTTP
	// service <release>-http.<instance namespace>.svc (port 3000, plain HTTP). With SSH enabled and
	// a port allocated on the TCP gateway, FORGEJO_SSH_HOST and FORGEJO_SSH_PORT as well
	// (vshnforgejo/ssh.go). The XRD also lists ca.crt, which the composition never writes.
	ConnectionSecretKeys: []string{"FORGEJO_HOST", "FORGEJO_USERNAME", "FORGEJO_PASSWORD", "FORGEJO_URL"},
	Connection: ConnectionKeys{Host: "FORGEJO_HOST", Username: "FORGEJO_USERNAME", Password: "FORGEJO_PASSWORD", URL: "FORGEJO_URL",
		GatewayHost: "FORGEJO_SSH_HOST", GatewayPort: "FORGEJO_SSH_PORT"},
	// status.currentReleaseTag: the image tag maintenance.SetReleaseVersion picks (deploy.go).
	VersionStatus:               StatusCurrentReleaseTag,
	VersionStatusFollowsUpgrade: true,
	// A maintenance window (vshnforgejo/maintenance.go) and the webhook (pkg/controller/webhooks/forgejo.go).
	// Backups are K8up snapshots (vshnforgejo/backup.go) that AppCat's API server does not list
	// (apis/apiserver/v1 has no Forgejo backup kind), and its claims have no restore: no Backups.
	// Its composition deploys no ServiceMonitor: no MetricsTargets.
	Maintenance: true, Webhook: true,
}

// CompositionForgejo is Forgejo's default composition (component-appcat: the XRD's
// defaultCompositionRef).
const CompositionForgejo = "vshnforgejo.vshn.appcat.vshn.io"

// ForgejoClaim is a VSHNForgejo claim.
type ForgejoClaim = Claim[ForgejoParameters]

// ForgejoParameters is spec.parameters of a VSHNForgejo.
type ForgejoParameters struct {
	Service     *ForgejoService `json:"service,omitempty"`
	Size        *Size           `json:"size,omitempty"`
	Instances   *int64          `json:"instances,omitempty"`
	Security    *Security       `json:"security,omitempty"`
	Scheduling  *Scheduling     `json:"scheduling,omitempty"`
	Backup      *Backup         `json:"backup,omitempty"`
	Maintenance *Maintenance    `json:"maintenance,omitempty"`
	Monitoring  *Monitoring     `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// ForgejoService is spec.parameters.service of a VSHNForgejo.
type ForgejoService struct {
	// MajorVersion is a Forgejo release, e.g. "14.0.0" (the image tag to start from).
	MajorVersion *string `json:"majorVersion,omitempty"`
	ServiceLevel *string `json:"serviceLevel,omitempty"`
	// FQDN are the host names of the ingress; at least one.
	FQDN            []string         `json:"fqdn"`
	AdminEmail      *string          `json:"adminEmail,omitempty"`
	SSH             *ForgejoSSH      `json:"ssh,omitempty"`
	ForgejoSettings *ForgejoSettings `json:"forgejoSettings,omitempty"`
}

// ForgejoSSH is spec.parameters.service.ssh.
type ForgejoSSH struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// ForgejoSettings is spec.parameters.service.forgejoSettings.
type ForgejoSettings struct {
	AppName *string `json:"APP_NAME,omitempty"`
	// Config holds sections of Forgejo's app.ini (actions, openid, oauth2, oauth2_client, service,
	// service.explore, mailer, email.incoming), each a map of settings.
	Config map[string]map[string]string `json:"config,omitempty"`
}
