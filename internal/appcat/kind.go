// Package appcat is the AppCat platform API in Go terms: typed claims per service kind and the
// operations the provider needs (apply, get, delete, wait, connection secrets). Every Kubernetes
// concern lives here; it imports no terraform-plugin-* package so it can be tested on its own.
package appcat

import "k8s.io/apimachinery/pkg/runtime/schema"

// ClaimGroupVersion is the API group and version of AppCat's service claims (VSHN*), the group of
// every kind whose GroupVersion is unset.
var ClaimGroupVersion = schema.GroupVersion{Group: "vshn.appcat.vshn.io", Version: "v1"}

// ExoscaleGroupVersion is the API group and version of the Exoscale DBaaS claims (exoscale.go).
var ExoscaleGroupVersion = schema.GroupVersion{Group: "exoscale.appcat.vshn.io", Version: "v1"}

// Kind describes one AppCat service kind: everything the shared lifecycle needs to know that
// differs between PostgreSQL, Redis, MariaDB and the kinds that follow. It is static data, so
// nothing is discovered from the cluster at plan time.
type Kind struct {
	// Kind is the claim's Kubernetes kind, e.g. "VSHNPostgreSQL".
	Kind string
	// GroupVersion is the API group and version of the kind's claims; the zero value means
	// ClaimGroupVersion (vshn.appcat.vshn.io/v1). AppCat serves ObjectBucket in appcat.vshn.io/v1
	// and Codey's CodeyInstance in codey.io/v1.
	GroupVersion schema.GroupVersion
	// Resource is the plural resource name, e.g. "vshnpostgresqls".
	Resource string
	// Service is the short service name used in instance namespaces, e.g. "postgresql".
	Service string
	// NameMaxLength is the platform's limit on the claim name.
	NameMaxLength int
	// ConnectionSecretKeys are the keys the platform always writes into the connection secret.
	// Readiness waits until all of them are present.
	ConnectionSecretKeys []string
	// Connection maps the parts of a connection to the secret's keys ("" where the kind has none).
	Connection ConnectionKeys
	// VersionStatus is the status field in which the platform reports the version an instance
	// runs: each kind has its own (see Status.Field); "" for a kind that reports none.
	VersionStatus string
	// VersionStatusFollowsUpgrade: after a version change, VersionStatus reports the new version
	// once the claim is ready again, so an upgrade can wait for it. False where the platform may
	// leave the field as it was (MariaDB: mariadbVersion is only rewritten from full x.y.z tags).
	VersionStatusFollowsUpgrade bool
	// PreviousVersionStatus is the status field with the version before the last upgrade; "" where
	// the kind reports none.
	PreviousVersionStatus string
	// Backups are the kind's backup objects; nil for a kind without backups.
	Backups *BackupKind
	// Users are the kind's database users (spec.parameters.service.access); nil for a kind
	// without them.
	Users *UserRules
	// Maintenance: the kind has spec.parameters.maintenance, a weekly window in which the platform
	// updates the instance (status.schedules.maintenance reports the effective one).
	Maintenance bool
	// MetricsTargets: the kind's composition puts exporters with their ServiceMonitor or
	// PodMonitor into the instance namespace (metrics_targets.go finds them).
	MetricsTargets bool
	// Webhook: AppCat's admission webhook validates the kind's claims (pkg/controller/webhooks):
	// it refuses to delete a claim whose spec.parameters.security.deletionProtection is true, and a
	// claim whose appcat.vshn.io/provider-config label names no ProviderConfig. Where AppCat
	// registers no webhook for a kind, it stores deletionProtection but does not enforce it.
	Webhook bool
	// WebhookIgnoresProviderConfig: the kind's webhook validates deletion (and the kind's own
	// rules) but not the appcat.vshn.io/provider-config label (ObjectBucket's,
	// pkg/controller/webhooks/objectbuckets.go).
	WebhookIgnoresProviderConfig bool
	// WebhookIgnoresDeletion: the kind's webhook validates creation and update (the name's
	// length, the provider-config label, the kind's own rules) but is not registered for
	// deletion, so no deletion is refused (Codey's, pkg/controller/webhooks/codey.go).
	WebhookIgnoresDeletion bool
	// External: the service runs at a cloud provider, outside the cluster (the Exoscale DBaaS
	// kinds). Its claim has only the provider's parameters: no instance namespace in its status, no
	// SLI probes (so no SLA), and none of AppCat's security, scheduling, monitoring, instances,
	// service level or restore blocks.
	External bool
	// NoInstanceNamespace: the kind's claims report no instance namespace, and there are no pods,
	// logs, exporters or SLI for them: its composition runs nothing in a namespace of its own
	// (ObjectBucket: a bucket on the installation's object storage), or hands the work to a
	// nested service whose namespace the claim never reports (Codey's Forgejo).
	NoInstanceNamespace bool
}

// HasInstanceNamespace tells whether the kind's instances run in a namespace of their own in the
// cluster (status.instanceNamespace), with pods, logs, exporters and an SLI.
func (k Kind) HasInstanceNamespace() bool { return !k.External && !k.NoInstanceNamespace }

// Kinds are the service kinds the provider serves, each once.
var Kinds = []Kind{PostgreSQL, Redis, MariaDB, Garage, MinIO, Nextcloud, Keycloak, Forgejo, ExoscalePostgreSQL, ExoscaleMySQL, ExoscaleRedis, ExoscaleKafka, ExoscaleOpenSearch, ObjectBucket, Codey}

// ReportedVersion is the version the platform reports for a claim of this kind ("" if none yet).
func (k Kind) ReportedVersion(s Status) string { return s.Field(k.VersionStatus) }

// ReportedPreviousVersion is the version before the last upgrade, where the kind reports it.
func (k Kind) ReportedPreviousVersion(s Status) string { return s.Field(k.PreviousVersionStatus) }

// ConnectionKeys names the connection secret's key for each part of a connection.
type ConnectionKeys struct {
	Host, Port, Username, Password, Database, URL string
	CA, ClientCertificate, ClientKey              string
	LoadBalancerIP, SentinelHosts                 string
	// GatewayHost and GatewayPort are written only when the instance is reachable through a
	// TCP gateway (network.serviceType TCPGateway); empty for kinds that never write them.
	GatewayHost, GatewayPort string
	// AccessKeyID and SecretAccessKey are S3 credentials, where the kind is object storage.
	AccessKeyID, SecretAccessKey string
	// Region, BucketName and Endpoint (the S3 host, without scheme) describe one bucket.
	Region, BucketName, Endpoint string
	// CollaboraHost is the Collabora Online server's host, written only while Collabora is
	// enabled (Nextcloud).
	CollaboraHost string
	// Nodes are the addresses (host:port) of every node of the service, separated by spaces
	// (Exoscale Kafka's brokers).
	Nodes string
	// DashboardURL is the URL of the service's web dashboard (OpenSearch Dashboards).
	DashboardURL string
}

// GVR is the claim's group/version/resource.
func (k Kind) GVR() schema.GroupVersionResource {
	return k.groupVersion().WithResource(k.Resource)
}

func (k Kind) groupVersion() schema.GroupVersion {
	if k.GroupVersion.Empty() {
		return ClaimGroupVersion
	}
	return k.GroupVersion
}

// APIVersion is the claim's apiVersion string.
func (k Kind) APIVersion() string { return k.groupVersion().String() }
