package appcat

// Blocks of spec.parameters that several kinds share.

// TLS is spec.parameters.service.tls (PostgreSQL) or spec.parameters.tls (Redis, MariaDB).
type TLS struct {
	Enabled     *bool `json:"enabled,omitempty"`
	AuthClients *bool `json:"authClients,omitempty"`
}

// Size is spec.parameters.size of a VSHNPostgreSQL or VSHNMariaDB (Redis has its own, RedisSize).
type Size struct {
	Plan     *string       `json:"plan,omitempty"`
	CPU      *string       `json:"cpu,omitempty"`
	Memory   *string       `json:"memory,omitempty"`
	Disk     *string       `json:"disk,omitempty"`
	Requests *SizeRequests `json:"requests,omitempty"`
}

// SizeRequests are resource requests below the limits of a size block.
type SizeRequests struct {
	CPU    *string `json:"cpu,omitempty"`
	Memory *string `json:"memory,omitempty"`
}

// Resources are Kubernetes-style requests and limits, e.g. MariaDB's service.proxySQL.resources.
type Resources struct {
	Requests *ResourceList `json:"requests,omitempty"`
	Limits   *ResourceList `json:"limits,omitempty"`
}

// ResourceList is a cpu and memory pair of Resources.
type ResourceList struct {
	CPU    *string `json:"cpu,omitempty"`
	Memory *string `json:"memory,omitempty"`
}

// Backup is spec.parameters.backup of the kinds backed up with K8up (Redis, MariaDB):
// a schedule and keep-rules instead of PostgreSQL's single retention count.
type Backup struct {
	Enabled         *bool            `json:"enabled,omitempty"`
	Schedule        *string          `json:"schedule,omitempty"`
	Retention       *BackupRetention `json:"retention,omitempty"`
	UnmanagedBucket *UnmanagedBucket `json:"unmanagedBucket,omitempty"`
}

// BackupRetention says which snapshots to keep.
type BackupRetention struct {
	KeepLast    *int64 `json:"keepLast,omitempty"`
	KeepHourly  *int64 `json:"keepHourly,omitempty"`
	KeepDaily   *int64 `json:"keepDaily,omitempty"`
	KeepWeekly  *int64 `json:"keepWeekly,omitempty"`
	KeepMonthly *int64 `json:"keepMonthly,omitempty"`
	KeepYearly  *int64 `json:"keepYearly,omitempty"`
}

// UnmanagedBucket is a customer's own S3 bucket for backups.
type UnmanagedBucket struct {
	Bucket    string          `json:"bucket"`
	Endpoint  string          `json:"endpoint"`
	Region    string          `json:"region"`
	AccessKey SecretKeySelect `json:"accessKey"`
	SecretKey SecretKeySelect `json:"secretKey"`
}

// SecretKeySelect picks one key of a Secret in the claim's namespace.
type SecretKeySelect struct {
	Key  string  `json:"key"`
	Name *string `json:"name,omitempty"`
}

// AdditionalResources is spec.parameters.additionalResources: a ConfigMap in the claim's
// namespace whose entries are objects the platform deploys into the instance namespace.
type AdditionalResources struct {
	ConfigMapRef *string `json:"configMapRef,omitempty"`
}

// Network is spec.parameters.network.
type Network struct {
	ServiceType *string  `json:"serviceType,omitempty"`
	IPFilter    []string `json:"ipFilter,omitempty"`
}

// Security is spec.parameters.security.
type Security struct {
	DeletionProtection *bool    `json:"deletionProtection,omitempty"`
	AllowAllNamespaces *bool    `json:"allowAllNamespaces,omitempty"`
	AllowedNamespaces  []string `json:"allowedNamespaces,omitempty"`
	AllowedGroups      []string `json:"allowedGroups,omitempty"`
	AllowedUsers       []string `json:"allowedUsers,omitempty"`
}

// Scheduling is spec.parameters.scheduling.
type Scheduling struct {
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
}

// UpdateStrategy is spec.parameters.updateStrategy.
type UpdateStrategy struct {
	Type *string `json:"type,omitempty"`
}

// Restore is spec.parameters.restore: the new instance starts from a backup of another one.
// Redis and MariaDB know only claimName and backupName.
type Restore struct {
	ClaimName  *string `json:"claimName,omitempty"`
	BackupName *string `json:"backupName,omitempty"`
	// ClaimType is for an instance nested in another service only (the parent's composite kind);
	// the provider never sets it.
	ClaimType         *string `json:"claimType,omitempty"`
	RecoveryTimeStamp *string `json:"recoveryTimeStamp,omitempty"`
}

// Monitoring is spec.parameters.monitoring.
type Monitoring struct {
	AlertmanagerConfigRef       *string        `json:"alertmanagerConfigRef,omitempty"`
	AlertmanagerConfigSecretRef *string        `json:"alertmanagerConfigSecretRef,omitempty"`
	AlertmanagerConfigTemplate  map[string]any `json:"alertmanagerConfigTemplate,omitempty"`
	Email                       *string        `json:"email,omitempty"`
}

// Access is one database user in spec.parameters.service.access (an atomic list).
type Access struct {
	User                       string         `json:"user"`
	Database                   *string        `json:"database,omitempty"`
	Privileges                 []string       `json:"privileges,omitempty"`
	WriteConnectionSecretToRef *NamespacedRef `json:"writeConnectionSecretToRef,omitempty"`
}

// NamespacedRef names an object by namespace and name.
type NamespacedRef struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}
