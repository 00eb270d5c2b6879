package appcat

// Blocks of spec.parameters that several kinds share.

// TLS is spec.parameters.service.tls (PostgreSQL) or spec.parameters.tls (Redis, MariaDB).
type TLS struct {
	Enabled     *bool `json:"enabled,omitempty"`
	AuthClients *bool `json:"authClients,omitempty"`
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
type Restore struct {
	ClaimName         *string `json:"claimName,omitempty"`
	BackupName        *string `json:"backupName,omitempty"`
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
